"""The demo's data tables: accounts, the expo, and believable IKMs of Tegal.

Plain data read by ``marketplace.demo``, which builds it through the services.
Category slugs are those of migration 0002; sector slugs those of ESMART.md.
The stores are in one module per sector (kuliner.py ...), the stores waiting
for verification in pending.py, their shapes in stores.py.
"""

from __future__ import annotations

from marketplace.demo_data.fesyen import FESYEN
from marketplace.demo_data.kriya import KRIYA
from marketplace.demo_data.kuliner import KULINER
from marketplace.demo_data.logam_furnitur import LOGAM_FURNITUR
from marketplace.demo_data.minuman_herbal import MINUMAN_HERBAL
from marketplace.demo_data.pending import PENDING
from marketplace.demo_data.stores import DemoProduct as DemoProduct
from marketplace.demo_data.stores import DemoStore as DemoStore

DEMO_PASSWORD = "demo12345"

# email, name, role, phone, insurer (CONTRACT.md "Demo accounts")
ACCOUNTS = [
    ("shopper@demo.test", "Rina Kurniasih", "shopper", "0812-2634-1187", None),
    ("seller@demo.test", "Siti Aminah", "seller", "0812-2345-6789", None),
    ("agency@demo.test", "Bambang Sutrisno", "agency", "0813-2740-5512", None),
    ("insurer@demo.test", "Dewi Lestari", "insurer", "0811-2870-3344", "jasindo"),
    ("insurer2@demo.test", "Agus Prasetyo", "insurer", "0811-2870-5566", "askrindo"),
    ("admin@demo.test", "Admin Apik Market", "admin", "0856-4100-2211", None),
]

EXPO = {
    "slug": "apik-banget-virtual-expo",
    "name": "Apik Banget Virtual Expo",
    "description": (
        "Pameran virtual industri kecil menengah (IKM) Kota Tegal yang digelar Dinas Tenaga Kerja "
        "dan Perindustrian. Jelajahi lima zona — kuliner, minuman & herbal, fesyen, kriya, serta "
        "logam & furnitur — belanja langsung dari perajin, dan dukung produk asli Tegal. "
        "Toko tetap buka setelah expo berakhir."
    ),
    "days_before": 3,  # started three days ago ...
    "days_after": 11,  # ... and ends in eleven, 08:00 and 21:00 WIB
}

# the expo's five zones (the halls of the real 2020 expo: kuliner 16 exhibitors, fesyen 11,
# kriya 9, minuman & herbal 7, logam & furnitur 7), in the hall's order: (slug, name); a zone's
# slug is the sector slug of its exhibitors
ZONES = [
    ("kuliner", "Kuliner"),
    ("fesyen", "Fesyen & Tekstil"),
    ("kriya", "Kriya"),
    ("minuman-herbal", "Minuman & Herbal"),
    ("logam-furnitur", "Logam & Furnitur"),
]

# owners new to selling online who let Disnakerin's officers help them (Store.allow_agency_assist)
ASSISTED_STORES = ("Kue Khas Bu Ningsih", "Kerajinan Logam Talang")

# shoppers of the expo's first days (with shopper@demo.test): their cash-on-delivery orders give the
# agency's report and the sellers' charts something to show; made only when that plugin is on
DEMO_SHOPPERS = [
    ("pembeli1@demo.test", "Dimas Prasetyo", "0812-2700-1101"),
    ("pembeli2@demo.test", "Nur Hidayah", "0813-2900-2202"),
    ("pembeli3@demo.test", "Agus Salim", "0857-4200-3303"),
    ("pembeli4@demo.test", "Lestari Wulandari", "0812-2811-4404"),
    ("pembeli5@demo.test", "Yoga Pratama", "0878-1300-5505"),
]
DEMO_ADDRESS = {"address": "Jl. Pancasila No. 7, Mintaragen, Tegal Timur", "city": "Kota Tegal", "postal_code": "52121"}

# booth prefix per expo zone (a zone is a sector)
BOOTH_PREFIX = {"kuliner": "K", "minuman-herbal": "M", "fesyen": "F", "kriya": "KR", "logam-furnitur": "L"}

# every demo store, in the expo hall's order of the zones, then those waiting for verification
STORES = [*KULINER, *MINUMAN_HERBAL, *FESYEN, *KRIYA, *LOGAM_FURNITUR, *PENDING]
