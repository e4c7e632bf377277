"""The plugin's part of ``flask demo load``: policies for the expo's
exhibitors (Warungku from Jasindo for all of them, Gerobakku from Askrindo for
the culinary ones), and one open claim by seller@demo.test. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from PIL import Image, ImageDraw
from sqlalchemy import func, inspect, select

from marketplace.accounts import services as accounts
from marketplace.demo_data import EXPO
from marketplace.errors import NotFound
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.stores import services as stores

from . import claims, policies, terms
from .models import Claim, Policy


def load_demo() -> int:
    """Grant and file what is missing; the number of objects created (the caller commits)."""
    if not inspect(db.engine).has_table("insurance_policies"):
        return 0
    agency = accounts.get_user_by_email("agency@demo.test")
    try:
        expo = expos.get_expo(EXPO["slug"])
    except NotFound:
        return 0
    created = 0
    if not db.session.scalar(select(func.count(Policy.id)).where(Policy.expo_id == expo.id)):
        created += len(policies.grant_to_exhibitors(agency, expo.slug, terms.get_product("warungku")).granted)
        gerobakku = terms.get_product("gerobakku")
        for store_id in expos.exhibitor_store_ids(expo.slug):
            store = stores.get_store_by_id(store_id)
            if store.sector == "kuliner":
                created += bool(policies.grant(agency, store, gerobakku, expo_id=expo.id))
    return created + _open_claim()


def _open_claim() -> int:
    seller = accounts.get_user_by_email("seller@demo.test")
    mine = stores.stores_of(seller) if seller else []
    if not mine or db.session.scalar(select(func.count(Claim.id)).where(Claim.store_id == mine[0].id)):
        return 0
    found, _total = policies.listing(seller, 1, 1, store_id=mine[0].id)
    if not found:
        return 0
    policy = found[0]
    claims.file_policy_claim(
        seller,
        policy.id,
        {
            "incident_date": max(policy.starts_on, policies.today() - timedelta(days=1)).isoformat(),
            "cause": "kebakaran",
            "description": "Korsleting listrik di ruang pamer membakar rak kain dan 14 lembar batik tulis siap jual.",
            "amount": 3500000,
        },
        [_evidence_photo()],
    )
    return 1


def _evidence_photo() -> BytesIO:
    """A stand-in photo of the damage: a scorched shelf drawn in a few strokes."""
    image = Image.new("RGB", (640, 480), (120, 110, 100))
    draw = ImageDraw.Draw(image)
    for i, shade in enumerate((30, 45, 60)):
        draw.rectangle((60, 80 + i * 120, 580, 120 + i * 120), fill=(shade, shade - 10, shade - 20))
    draw.ellipse((380, 40, 620, 300), fill=(40, 35, 30))
    draw.text((70, 440), "Bukti kebakaran - Batik Tegalan Sari", fill="white")
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    out.seek(0)
    return out
