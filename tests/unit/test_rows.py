"""marketplace.rows: rows written without the unit of work are ordinary persistent
objects afterwards — loaded, in the identity map, nothing pending, nothing to reload."""

from __future__ import annotations

from sqlalchemy import inspect, select

from marketplace import rows, site_settings
from marketplace.checkout.models import Checkout
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from tests.conftest import ON_POSTGRES
from tests.factories import gen_user


def _payment_row(amount: int) -> dict:
    at = now()
    return dict(
        checkout_id=None,
        user_id=None,
        method="cash_on_delivery",
        provider="cash_on_delivery",
        currency="IDR",
        amount=amount,
        created_at=at,
        updated_at=at,
    )


def test_inserted_rows_come_back_persistent_in_order_with_their_defaults(app, count_queries):
    with count_queries() as q:
        made = rows.insert_returning(Payment, [_payment_row(1000), _payment_row(2000), _payment_row(3000)])
        assert [p.amount for p in made] == [1000, 2000, 3000]
        # the database's defaults came back with the row: reading them runs no statement
        assert [(p.status, p.captured_amount, p.provider_reference) for p in made] == [("pending", 0, None)] * 3
        assert all(inspect(p).persistent and not inspect(p).expired_attributes for p in made)
        assert not db.session.new and not db.session.dirty
        db.session.flush()  # nothing left to write
    # one multi-row INSERT; SQLite, asked to keep the rows' order, sends one per row
    assert len(q.statements) == (1 if ON_POSTGRES else 3)
    assert all(s.lstrip().upper().startswith("INSERT") for s in q.statements)
    assert len({p.id for p in made}) == 3
    assert db.session.get(Payment, made[1].id) is made[1]  # the identity map holds them
    db.session.commit()
    db.session.expunge_all()
    assert db.session.scalars(select(Payment.amount).order_by(Payment.id)).all() == [1000, 2000, 3000]


def test_an_object_changed_after_its_insert_is_updated_by_the_next_flush(app):
    (payment,) = rows.insert_returning(Payment, [_payment_row(5000)])
    payment.provider_reference = "ref-1"
    payment_id = payment.id
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(Payment, payment_id).provider_reference == "ref-1"


def _commission() -> dict:
    return {"commission_bps": site_settings.commission_bps_sql()}


def test_a_computed_column_is_the_databases_value(app):
    """The order's commission is read by its INSERT, as get_commission_bps reads it."""
    admin = gen_user("admin@test.id", role="admin")
    site_settings.set_value(admin, site_settings.COMMISSION_KEY, "250")
    db.session.flush()

    def order_row(n: int) -> dict:
        at = now()
        return dict(
            number=f"T-{n}",
            user_id=admin.id,
            store_name="Toko",
            status="pending_payment",
            payment_method="cash_on_delivery",
            pay_on_delivery=True,
            subtotal=100,
            extras_total=0,
            total=100,
            placed_at=at,
            updated_at=at,
            ship_name="A",
            ship_phone="+62812",
            ship_address="Jl. Mawar No. 1",
            ship_city="Tegal",
            ship_postal_code="52131",
        )

    made = rows.insert_returning(Order, [order_row(1), order_row(2)], computed=_commission)
    assert [o.commission_bps for o in made] == [250, 250] == [site_settings.get_commission_bps()] * 2


def test_commission_rule_in_sql_matches_what_the_console_stores(app):
    admin = gen_user("admin@test.id", role="admin")
    assert site_settings.get_commission_bps() == site_settings.DEFAULT_COMMISSION_BPS  # no row
    for stored, expected in [
        ("0", 0),
        ("250", 250),
        ("10000", 10000),
        ("", 0),
        ("2,5", 0),
        ("abc", 0),
        ("123456", 0),
        ("-5", 0),
    ]:
        site_settings.set_value(admin, site_settings.COMMISSION_KEY, stored)
        db.session.flush()
        assert site_settings.get_commission_bps() == expected, stored


def test_write_through_updates_the_row_and_leaves_nothing_to_flush(app, count_queries):
    user = gen_user("siti@test.id")
    db.session.flush()
    (checkout,) = rows.insert_returning(
        Checkout,
        [
            {
                "user_id": user.id,
                "idempotency_key": "k-00000001",
                "payment_method": "cash_on_delivery",
                "total": 0,
                "created_at": now(),
            }
        ],
    )
    with count_queries() as q:
        rows.write_through(checkout, total=7000, instructions="Siapkan uang tunai")
        assert (checkout.total, checkout.instructions) == (7000, "Siapkan uang tunai")
        assert not db.session.dirty
        db.session.flush()
    assert len(q.statements) == 1 and q.statements[0].lstrip().upper().startswith("UPDATE")
    checkout_id = checkout.id
    db.session.commit()
    db.session.expunge_all()
    fresh = db.session.get(Checkout, checkout_id)
    assert (fresh.total, fresh.instructions, fresh.redirect_url) == (7000, "Siapkan uang tunai", None)


def test_an_id_given_out_again_after_a_rollback_replaces_the_stale_object(app):
    """SQLite hands a rolled-back row's id to the next INSERT; the session still holds the
    old object under that id (expired, not expunged: it was never pending)."""
    (first,) = rows.insert_returning(Payment, [_payment_row(1000)])
    db.session.rollback()
    (second,) = rows.insert_returning(Payment, [_payment_row(2000)])
    assert second.amount == 2000 and inspect(second).persistent
    assert db.session.get(Payment, second.id) is second
    db.session.commit()
    assert db.session.scalars(select(Payment.amount)).all() == [2000]


def test_write_through_sets_updated_at_as_the_orm_would_and_keeps_it_in_step(app):
    """Payments have ``updated_at`` with onupdate=now: the UPDATE writes it and the object
    holds the very value written (no reload, nothing stale)."""
    (payment,) = rows.insert_returning(Payment, [_payment_row(4000)])
    before = payment.updated_at
    rows.write_each([(payment, {"provider_reference": "ref-9"})])
    assert payment.updated_at >= before and not db.session.dirty
    written, payment_id = payment.updated_at, payment.id
    db.session.commit()
    db.session.expunge_all()
    fresh = db.session.get(Payment, payment_id)
    assert (fresh.provider_reference, fresh.updated_at) == ("ref-9", written)
