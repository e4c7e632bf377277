"""A world for government buying tests (issue #21): the Sekretariat Daerah with its pejabat
pengadaan, PPK and bendahara, another office with its own PPK, and two culinary IKM offering
nasi kotak and snack boxes to offices. Rows are written directly so that every part of #21 can
use the world before the office and offer services exist; tests of those services build
through them instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.catalog.models import Variant
from marketplace.clock import now, to_jakarta
from marketplace.extensions import db
from marketplace.gov.models import GovOffer, GovOffice, GovOfficial
from tests.buying_factories import fill_cart, variant_of
from tests.factories import gen_product, gen_store, gen_user

SETDA = dict(code="4.01.0.00.0.00.01.0000", name="Sekretariat Daerah Kota Tegal", npwp="001234567501000")
DINKES = dict(code="1.02.0.00.0.00.01.0000", name="Dinas Kesehatan Kota Tegal", npwp="001234567502000")


@dataclass
class GovWorld:
    office: GovOffice
    pp: object
    ppk: object
    bendahara: object
    other_office: GovOffice
    other_ppk: object
    other_pp: object
    catering: object  # store: nasi kotak
    bakery: object  # store: snack boxes
    catering_owner: object
    bakery_owner: object
    nasi: Variant  # Rp 25.000, 500 in stock, minimum 20, 1 day
    snack: Variant  # Rp 12.500, 300 in stock, minimum 10, 1 day

    def fill_meeting_cart(self, nasi: int = 120, snack: int = 40, user=None) -> None:
        """The issue's purchase: 120 nasi kotak and 40 snack boxes in the pejabat pengadaan's cart."""
        fill_cart(user or self.pp, (self.nasi, nasi), (self.snack, snack))


def make_office(**fields) -> GovOffice:
    office = GovOffice(
        address=fields.pop("address", "Jl. Ki Gede Sebayu No. 12, Kota Tegal"), city="Kota Tegal", **fields
    )
    db.session.add(office)
    db.session.flush()
    return office


def make_official(office: GovOffice, position: str, email: str | None = None, name: str | None = None):
    user = gen_user(email=email, role="gov", name=name or f"Pejabat {position.upper()}")
    db.session.add(GovOfficial(user_id=user.id, office_id=office.id, position=position, nip="198001012005011001"))
    db.session.commit()
    return user


def make_offer(product, unit: str = "kotak", min_quantity: int = 1, lead_days: int = 1) -> GovOffer:
    offer = GovOffer(
        product_id=product.id, store_id=product.store_id, unit=unit, min_quantity=min_quantity, lead_days=lead_days
    )
    db.session.add(offer)
    db.session.commit()
    return offer


def build_gov_world() -> GovWorld:
    office, other = make_office(**SETDA), make_office(**DINKES)
    db.session.commit()
    pp = make_official(office, "pp", "pp@setda.test", "Rina Pengadaan")
    ppk = make_official(office, "ppk", "ppk@setda.test", "Agus Komitmen")
    bendahara = make_official(office, "bendahara", "bendahara@setda.test", "Sri Bendahara")
    other_ppk = make_official(other, "ppk", "ppk@dinkes.test", "Dedi Dinkes")
    other_pp = make_official(other, "pp", "pp@dinkes.test", "Eka Dinkes")
    catering_owner = gen_user(role="seller", name="Bu Sri")
    bakery_owner = gen_user(role="seller", name="Bu Tini")
    catering = gen_store(catering_owner, name="Katering Bu Sri", sector="kuliner", nib="9120301234567")
    bakery = gen_store(bakery_owner, name="Kue Bu Tini", sector="kuliner", nib="9120307654321")
    nasi_product = gen_product(catering, name="Nasi Kotak Ayam Bakar", price=25000, stock=500, category=None)
    snack_product = gen_product(bakery, name="Snack Box Rapat", price=12500, stock=300, category=None)
    make_offer(nasi_product, "kotak", min_quantity=20, lead_days=1)
    make_offer(snack_product, "kotak", min_quantity=10, lead_days=1)
    return GovWorld(
        office=office,
        pp=pp,
        ppk=ppk,
        bendahara=bendahara,
        other_office=other,
        other_ppk=other_ppk,
        other_pp=other_pp,
        catering=catering,
        bakery=bakery,
        catering_owner=catering_owner,
        bakery_owner=bakery_owner,
        nasi=variant_of(nasi_product),
        snack=variant_of(snack_product),
    )


def delivery_day(days: int = 3) -> date:
    """A delivery date ``days`` ahead of today in WIB (the offers' lead time is 1 day)."""
    return to_jakarta(now()).date() + timedelta(days=days)


PURCHASE_FIELDS = dict(
    rup_code="45123678",
    budget_code="5.1.02.01.01.0052",
    delivery_place="Ruang Rapat Sekda, Jl. Ki Gede Sebayu No. 12, Kota Tegal",
    note="Rapat koordinasi pameran",
)
