"""Demo government buying: the Sekretariat Daerah Kota Tegal with its pejabat pengadaan, PPK and
bendahara, and the Dinas Kesehatan with its own PPK (so "another office's PPK is refused" can be
tried by hand). Built through the registry's services (marketplace/gov/offices.py) with the demo
password; idempotent: an office found by its kode satker and an account that already holds a
position are left as they are."""

from __future__ import annotations

from marketplace.accounts import services as accounts
from marketplace.demo_data import DEMO_PASSWORD
from marketplace.extensions import db
from marketplace.gov import offices
from marketplace.gov.models import GovOffice, GovOfficial

OFFICES = (
    {
        "code": "4.01.0.00.0.00.01.0000",
        "name": "Sekretariat Daerah Kota Tegal",
        "npwp": "00.123.456.7-501.000",
        "address": "Jl. Ki Gede Sebayu No. 12, Mangkukusuman, Tegal Timur",
        "city": "Kota Tegal",
    },
    {
        "code": "1.02.0.00.0.00.01.0000",
        "name": "Dinas Kesehatan Kota Tegal",
        "npwp": "00.123.456.7-502.000",
        "address": "Jl. Proklamasi No. 23, Tegal Barat",
        "city": "Kota Tegal",
    },
)
# (office code, e-mail, name, position, NIP)
OFFICIALS = (
    ("4.01.0.00.0.00.01.0000", "pp@demo.test", "Rina Wulandari", "pp", "198503122010012004"),
    ("4.01.0.00.0.00.01.0000", "ppk@demo.test", "Agus Setiawan", "ppk", "197811042005011002"),
    ("4.01.0.00.0.00.01.0000", "bendahara@demo.test", "Sri Rahayu", "bendahara", "198907202014022001"),
    ("1.02.0.00.0.00.01.0000", "ppk.dinkes@demo.test", "Dedi Kurniawan", "ppk", "198004172006041003"),
)


def load(summary) -> None:
    """Create the offices and officials that are missing (``summary``: demo.load's counters)."""
    built = {}
    for data in OFFICES:
        office = db.session.query(GovOffice).filter_by(code=data["code"]).one_or_none()
        if office is None:
            office = offices.register_office(None, data)
            summary.offices += 1
        built[office.code] = office
    for code, email, name, position, nip in OFFICIALS:
        user = accounts.get_user_by_email(email)
        if user is not None and db.session.get(GovOfficial, user.id) is not None:
            continue
        if user is None:
            user = accounts.create_user(email, DEMO_PASSWORD, name, role="gov", confirmed=True)
            summary.users += 1
        offices.appoint(None, built[code], email, position, nip=nip, notify=False)
        summary.officials += 1
