"""Demo: the expo as an event — its programme, the booth pages, and the visitor figures so far.

Part of ``flask demo load``, after the sales (the visitor figures agree with the orders):
- the programme: ten sessions of the Apik Banget Virtual Expo in WIB, the first days'
  (opening, the micro-cover handover, talk show, cooking demo) past, one on *now* and one next
  (their times taken from the load time, as the demo expo's dates are), the rest to come;
- the booth pages: a tagline, opening hours and 2–4 pinned products for every booth, a video
  for two, a banner for three; the demo seller's store "online" for a few minutes;
- the visitor figures: ``visit_daily`` rows (hall, booth, product, WhatsApp, cart) for the
  expo's days before today, from a seeded ``random.Random``: carts ≥ the store's orders of
  the day, WhatsApp taps ≤ its visitors.
Idempotent: a programme, a booth someone has set up, or figures that exist are left alone.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select

from marketplace import demo_images, media
from marketplace.clock import JAKARTA, now, to_jakarta
from marketplace.demo_data import ZONES
from marketplace.expo.models import Exhibitor, ExhibitorPin, Expo, ExpoSession
from marketplace.extensions import db

SEED = 2022
ALL_WEEK = {str(day): ["08:00", "20:00"] for day in range(1, 8)}  # ISO weekdays, WIB
HOURS = {
    "Kue Khas Bu Ningsih": {str(day): ["08:00", "20:00"] for day in range(1, 7)},  # closed on Sunday
    "Bengkel Bubut Sinar Jaya": {str(day): ["09:00", "17:00"] for day in range(1, 8)},
}
# demo video ids: 11 characters, as YouTube's, and plainly not real ones
VIDEOS = {
    "Batik Tegalan Sari": "https://www.youtube.com/watch?v=demoBatik01",
    "Teh Poci Mbok Darmi": "https://www.youtube.com/watch?v=demoPoci001",
}
BANNERS = ("Batik Tegalan Sari", "Teh Poci Mbok Darmi", "Kerajinan Logam Talang")
SELLER_STORE = "Batik Tegalan Sari"  # the store of seller@demo.test
TAGLINES = {
    "Tahu Aci Murni": "Tahu aci renyah khas Tegal, digoreng setiap pagi.",
    "Sate Kambing Batibul": "Sate kambing muda batibul, empuk tanpa bau prengus.",
    "Kupat Glabed Mbak Tarni": "Kupat glabed kuah kuning dengan sate blengong, resep turun-temurun.",
    "Olahan Ikan Tegalsari": "Olahan ikan segar dari nelayan Tegalsari.",
    "Kue Khas Bu Ningsih": "Kue basah dan kering khas Tegal untuk hajatan dan oleh-oleh.",
    "Teh Poci Mbok Darmi": "Teh poci wangi melati, wasgitel: wangi, sepet, legi, kentel.",
    "Kopi Bumijawa Gunung Slamet": "Kopi robusta dan arabika dari lereng Gunung Slamet.",
    "Jamu Sehat Mbok Karsih": "Jamu gendong segar tanpa pengawet, dibuat tiap hari.",
    "Sari Tebu Pangka": "Gula dan sari tebu asli dari kebun Pangka.",
    "Batik Tegalan Sari": "Batik tulis dan cap motif Tegalan, dari perajin Bengle.",
    "Sarung Tenun Ujungrusi": "Sarung tenun ATBM Ujungrusi, halus dan awet.",
    "Kaos Tegal Laka-Laka": "Kaos oblong bercanda khas Tegal, laka-laka!",
    "Anyaman Pandan Kaligangsa": "Tas dan tikar anyaman pandan karya ibu-ibu Kaligangsa.",
    "Gerabah Poci Pagerbarang": "Poci dan cangkir tanah liat Pagerbarang, dibakar tradisional.",
    "Kerajinan Kerang Pantai Alam Indah": "Hiasan dan suvenir kerang dari Pantai Alam Indah.",
    "Kerajinan Logam Talang": "Wajan, panci dan perkakas logam tempa dari Talang.",
    "Bengkel Bubut Sinar Jaya": "Suku cadang bubut presisi untuk mesin dan kapal.",
    "Mebel Kayu Dukuhwaru": "Mebel kayu jati dan mahoni buatan tangan Dukuhwaru.",
}
DEFAULT_TAGLINE = "Produk asli IKM Kota Tegal."


def load(summary, expo: Expo) -> None:
    """Add the programme, the booth pages and the visitor figures of the demo ``expo`` that are missing."""
    booths = _booths(expo)
    _programme(summary, expo, booths)
    _booth_pages(summary, booths)
    _presence(booths)
    _visits(summary, expo, booths)


def _booths(expo: Expo) -> dict[str, Exhibitor]:
    """The expo's exhibitors by their store's name (stores loaded)."""
    from marketplace.stores.models import Store

    rows = db.session.execute(
        select(Exhibitor, Store.name)
        .join(Store, Store.id == Exhibitor.store_id)
        .where(Exhibitor.expo_id == expo.id)
        .order_by(Exhibitor.id)
    ).all()
    return {name: exhibitor for exhibitor, name in rows}


# --- the programme ----------------------------------------------------------------


def _wib(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JAKARTA)


def _programme(summary, expo: Expo, booths: dict[str, Exhibitor]) -> None:
    if db.session.scalar(select(ExpoSession.id).where(ExpoSession.expo_id == expo.id).limit(1)):
        return
    opened = to_jakarta(expo.starts_at).date()
    today = now().astimezone(JAKARTA)
    # the session on now began 30 to 60 minutes ago and runs an hour or more; the next follows it
    half = today.replace(minute=today.minute - today.minute % 30, second=0, microsecond=0)

    def booth(name: str) -> int | None:
        exhibitor = booths.get(name)
        return exhibitor.id if exhibitor else None

    sessions = [
        dict(
            kind="opening",
            title="Pembukaan Apik Banget Virtual Expo",
            speaker="Wali Kota Tegal; Kepala Disnakerin Kota Tegal",
            description="Pembukaan resmi expo virtual IKM Kota Tegal, dilanjutkan kunjungan ke zona-zona.",
            starts_at=_wib(opened, 9),
            ends_at=_wib(opened, 10),
            video_url="https://www.youtube.com/watch?v=demoPembuka",
        ),
        dict(
            kind="handover",
            title="Penyerahan polis asuransi mikro untuk IKM",
            speaker="Jasindo dan Askrindo, bersama Kepala Disnakerin Kota Tegal",
            description="Penyerahan simbolis polis asuransi mikro kepada perwakilan IKM peserta expo.",
            starts_at=_wib(opened, 10, 30),
            ends_at=_wib(opened, 11, 30),
        ),
        dict(
            kind="talk",
            title="Talk show: Go digital untuk IKM",
            speaker="Kepala Bidang Perindustrian Disnakerin; pendamping UMKM digital",
            description="Memotret produk dengan ponsel, melayani pembeli lewat WhatsApp, dan mengirim ke luar kota.",
            starts_at=_wib(opened + timedelta(days=1), 13),
            ends_at=_wib(opened + timedelta(days=1), 14, 30),
            video_url="https://www.youtube.com/watch?v=demoGoDigit",
        ),
        dict(
            kind="demo",
            title="Demo masak sate kambing Tegal",
            speaker="Pak Darto, Sate Kambing Batibul",
            description="Memilih kambing batibul, menusuk, membakar, dan bumbu kecap khas Tegal.",
            starts_at=_wib(opened + timedelta(days=2), 11),
            ends_at=_wib(opened + timedelta(days=2), 12),
            zone="kuliner",
            exhibitor_id=booth("Sate Kambing Batibul"),
        ),
        dict(
            kind="demo",
            title="Demo masak kupat glabed",
            speaker="Mbak Tarni, Kupat Glabed Mbak Tarni",
            description="Kupat glabed kuah kuning dengan sate blengong, langsung dari stan.",
            starts_at=half - timedelta(minutes=30),
            ends_at=half + timedelta(minutes=90),
            zone="kuliner",
            exhibitor_id=booth("Kupat Glabed Mbak Tarni"),
            video_url="https://www.youtube.com/watch?v=demoKupat01",
        ),
        dict(
            kind="launch",
            title="Peluncuran motif batik Tegalan baru",
            speaker="Siti Aminah, Batik Tegalan Sari",
            description="Tiga motif baru batik tulis Tegalan, dengan harga khusus selama expo.",
            starts_at=half + timedelta(minutes=90),
            ends_at=half + timedelta(minutes=150),
            zone="fesyen",
            exhibitor_id=booth("Batik Tegalan Sari"),
        ),
        dict(
            kind="demo",
            title="Cara menyeduh teh poci yang wasgitel",
            speaker="Mbok Darmi, Teh Poci Mbok Darmi",
            description="Menyeduh teh melati di poci tanah liat dengan gula batu.",
            starts_at=_wib(today.date() + timedelta(days=1), 10),
            ends_at=_wib(today.date() + timedelta(days=1), 11),
            zone="minuman-herbal",
            exhibitor_id=booth("Teh Poci Mbok Darmi"),
        ),
        dict(
            kind="launch",
            title="Peluncuran wajan dan panci tempa Talang",
            speaker="Kerajinan Logam Talang",
            description="Wajan dan panci tempa generasi baru, lebih ringan dan siap kompor induksi.",
            starts_at=_wib(today.date() + timedelta(days=1), 14),
            ends_at=_wib(today.date() + timedelta(days=1), 15),
            zone="logam-furnitur",
            exhibitor_id=booth("Kerajinan Logam Talang"),
        ),
        dict(
            kind="talk",
            title="Ekspor produk kriya: dari Tegal ke pasar dunia",
            speaker="Perajin Kaligangsa dan Pagerbarang; konsultan ekspor",
            description="Standar mutu, kemasan, dan pembeli luar negeri untuk anyaman dan gerabah.",
            starts_at=_wib(today.date() + timedelta(days=2), 10),
            ends_at=_wib(today.date() + timedelta(days=2), 11, 30),
            zone="kriya",
        ),
        dict(
            kind="other",
            title="Temu bisnis IKM dengan pembeli korporat",
            speaker="Disnakerin Kota Tegal",
            description="Pertemuan IKM dengan hotel, restoran, dan kantor pemerintah sebagai pembeli.",
            starts_at=_wib(today.date() + timedelta(days=3), 13),
            ends_at=_wib(today.date() + timedelta(days=3), 15),
        ),
    ]
    for fields in sessions:
        # written through the model: the programme's services validate what people type; these rows are known good
        db.session.add(ExpoSession(expo_id=expo.id, **fields))
        summary.sessions += 1


# --- the booth pages -----------------------------------------------------------------


def _booth_pages(summary, booths: dict[str, Exhibitor]) -> None:
    """A page for every booth nobody has set up (no tagline, hours, video, banner or pins)."""
    pinned = set(db.session.scalars(select(ExhibitorPin.exhibitor_id).distinct()))
    zones = dict(ZONES)
    for index, (name, exhibitor) in enumerate(booths.items()):
        if exhibitor.tagline or exhibitor.hours or exhibitor.video_url or exhibitor.banner or exhibitor.id in pinned:
            continue
        exhibitor.tagline = TAGLINES.get(name, DEFAULT_TAGLINE)
        exhibitor.hours = HOURS.get(name, ALL_WEEK)
        exhibitor.video_url = VIDEOS.get(name, "")
        if name in BANNERS:
            image = demo_images.banner(name, [f"Stan {exhibitor.booth}", zones.get(exhibitor.zone, exhibitor.zone)])
            exhibitor.banner = media.save_image(image, "banners", field="banner").path
            summary.images += 1
        for position, product_id in enumerate(_active_products(exhibitor.store_id)[: 2 + index % 3]):
            db.session.add(ExhibitorPin(exhibitor_id=exhibitor.id, product_id=product_id, position=position))
        summary.booth_pages += 1


def _active_products(store_id: int) -> list[int]:
    from marketplace.catalog.models import Product

    return list(
        db.session.scalars(
            select(Product.id).where(Product.store_id == store_id, Product.status == "active").order_by(Product.id)
        )
    )


def _presence(booths: dict[str, Exhibitor]) -> None:
    """The demo seller "was active" at load time, so its booth shows it online for a few minutes
    after ``make run`` (a time refreshed on every load, not an object created: not counted)."""
    from marketplace.stores.models import StorePresence

    exhibitor = booths.get(SELLER_STORE)
    if exhibitor is None:
        return
    presence = db.session.get(StorePresence, exhibitor.store_id)
    if presence is None:
        db.session.add(StorePresence(store_id=exhibitor.store_id, last_seen_at=now()))
    else:
        presence.last_seen_at = now()


# --- the visitor figures -------------------------------------------------------------


def _visits(summary, expo: Expo, booths: dict[str, Exhibitor]) -> None:
    """The daily roll-up of the expo's days before today, once."""
    from marketplace.visits.models import VisitDaily

    if db.session.scalar(select(VisitDaily.id).where(VisitDaily.expo_id == expo.id).limit(1)):
        return
    first = to_jakarta(expo.starts_at).date()
    today = now().astimezone(JAKARTA).date()
    last = min(today - timedelta(days=1), to_jakarta(expo.ends_at).date())
    orders = _orders_per_day([e.store_id for e in booths.values()])
    rnd = random.Random(SEED)
    appeal = {e.store_id: rnd.uniform(0.5, 1.6) for e in booths.values()}
    rolled = now()
    day = first
    while day <= last:
        crowd = (1.4 if day == first else 1.0) * rnd.uniform(0.85, 1.15)  # the opening day draws most
        hall = int(1100 * crowd)
        rows = [("hall", 0, int(hall * rnd.uniform(1.3, 1.8)), hall)]
        for exhibitor in booths.values():
            store = exhibitor.store_id
            rows.extend(_booth_day(rnd, store, hall * 0.09 * appeal[store], orders[(store, day)]))
        for kind, store_id, hits, visitors in rows:
            db.session.add(
                VisitDaily(
                    day=day,
                    kind=kind,
                    expo_id=0 if kind in NO_EXPO else expo.id,
                    store_id=store_id,
                    hits=hits,
                    visitors=visitors,
                    rolled_at=rolled,
                )
            )
        summary.visit_days += 1
        day += timedelta(days=1)


# What the beacon counts without an expo (a product page, the cart): as marketplace/visits does
NO_EXPO = ("product", "cart")


def _booth_day(rnd: random.Random, store: int, reach: float, orders: int) -> list[tuple[str, int, int, int]]:
    """One booth's (kind, store, hits, daily uniques) of a day: ``reach`` booth visitors expected,
    ``orders`` the store's orders placed that day."""
    booth = max(3, int(reach * rnd.uniform(0.8, 1.2)))
    product = max(2, int(booth * rnd.uniform(0.6, 0.9)))
    visitors = booth + product
    whatsapp = min(visitors, int(visitors * rnd.uniform(0.03, 0.08)) + rnd.randint(0, 2))
    carts = min(visitors, orders + int(visitors * rnd.uniform(0.02, 0.05)) + rnd.randint(0, 2))
    carts = max(carts, orders)  # whoever ordered put it in a cart first
    return [
        ("booth", store, int(booth * rnd.uniform(1.2, 1.6)), booth),
        ("product", store, int(product * rnd.uniform(1.5, 2.5)), product),
        ("whatsapp", store, whatsapp, whatsapp),
        ("cart", store, carts + rnd.randint(0, carts // 3), carts),
    ]


def _orders_per_day(store_ids: list[int]) -> Counter:
    """The demo's orders by (store, Jakarta day), whatever their status."""
    from marketplace.orders.models import Order

    counted: Counter = Counter()
    if not store_ids:
        return counted
    for store_id, placed_at in db.session.execute(
        select(Order.store_id, Order.placed_at).where(Order.store_id.in_(store_ids))
    ):
        counted[(store_id, to_jakarta(placed_at).date())] += 1
    return counted
