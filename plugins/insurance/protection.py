"""Order protection: the checkout extra ``order_protection``.

Premium = the configured rate of the goods value of each store's order
(default 0,2 %, i.e. 20 basis points), at least the configured minimum
(default Rp 1.000), rounded up to a whole rupiah. Both are site settings the
agency edits. The core adds the priced extra to the order's total and so to
the payment; :func:`record_for_order` records the protection (premium, rate
snapshot) when the order is placed. The premium is the insurer's money: the extra's
payee is ``insurer:<code>`` and completion credits it to that ledger account (never
to the store, and no commission on it). A cancelled or refunded order refunds its
premium and reverses the insurer's credit; the protection ends."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from marketplace import site_settings
from marketplace.checkout.extras import CheckoutExtra
from marketplace.clock import now
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah

from . import terms
from .models import OrderProtection

EXTRA_ID = "order_protection"
RATE_KEY, MINIMUM_KEY, INSURER_KEY = (
    "insurance.protection_rate_bps",
    "insurance.protection_min",
    "insurance.protection_insurer",
)
DEFAULT_RATE_BPS, DEFAULT_MINIMUM, DEFAULT_INSURER = 20, 1000, "jasindo"


def rate_bps() -> int:
    raw = site_settings.get_value(RATE_KEY)
    return int(raw) if raw and raw.isdigit() else DEFAULT_RATE_BPS


def minimum() -> int:
    raw = site_settings.get_value(MINIMUM_KEY)
    return int(raw) if raw and raw.isdigit() else DEFAULT_MINIMUM


def insurer_code() -> str:
    return site_settings.get_value(INSURER_KEY) or DEFAULT_INSURER


def premium_for(goods_value: int, rate: int | None = None, floor: int | None = None) -> int:
    """The premium of one store's order of ``goods_value`` rupiah (0 for nothing to protect)."""
    if goods_value <= 0:
        return 0
    rate = rate_bps() if rate is None else rate
    floor = minimum() if floor is None else floor
    return max(floor, -(-goods_value * rate // 10000))


def set_terms(actor, percent, floor, insurer: str | None = None) -> tuple[int, int]:
    """The agency sets the rate (a percent: "0,2") and the minimum premium (rupiah)."""
    bps = site_settings.parse_percent(percent)
    try:
        floor_value = int(str(floor).replace(".", "").strip())
    except (TypeError, ValueError):
        floor_value = -1
    if not 0 <= floor_value <= 10_000_000:
        raise ValidationError(fields={"minimum": _("Premi minimum berupa rupiah antara 0 dan 10.000.000.")})
    if insurer is not None and terms.insurer_by_code(insurer) is None:
        raise ValidationError(fields={"insurer": _("Perusahaan asuransi tidak dikenal.")})
    site_settings.set_value(actor, RATE_KEY, str(bps))
    site_settings.set_value(actor, MINIMUM_KEY, str(floor_value))
    if insurer is not None:
        site_settings.set_value(actor, INSURER_KEY, insurer)
    return bps, floor_value


class OrderProtectionExtra(CheckoutExtra):
    """Offered for every cart; priced per store's order from the server-side goods value."""

    id = EXTRA_ID
    ledger_kind = "premium"  # the premium is the insurer's money, credited on completion

    def __init__(self, cart=None):
        self.rate, self.floor = rate_bps(), minimum()
        self.payee = f"insurer:{insurer_code()}"
        self.name = _l("Proteksi pesanan")
        total = sum(self.price(group) for group in cart.groups) if cart is not None else None
        self.total = total
        base = _(
            "Ganti rugi bila barang tiba rusak atau tidak sampai. Premi %(rate)s dari nilai barang, "
            "minimal %(min)s per toko.",
            rate=site_settings.percent_label(self.rate),
            min=rupiah(self.floor),
        )
        self.description = (
            base if total is None else base + " " + _("Untuk keranjang ini: %(amount)s.", amount=rupiah(total))
        )

    def price(self, group) -> int:
        return premium_for(group.subtotal, self.rate, self.floor)

    def as_json(self) -> dict:
        data = super().as_json()
        data.update({"rate_bps": self.rate, "minimum": self.floor})
        if self.total is not None:
            data["amount"] = self.total
        return data


def _extra_rows(order) -> list:
    from marketplace.orders.models import extras_of

    return [extra for extra in extras_of(order) if extra.extra_id == EXTRA_ID]


def record_for_order(order) -> OrderProtection | None:
    """On order_placed: the premium the core added to this order becomes its protection."""
    rows = _extra_rows(order)
    if not rows:
        return None
    insurer = terms.insurer_by_code(insurer_code())
    protection = OrderProtection(
        order_id=order.id,
        user_id=order.user_id,
        insurer_id=insurer.id,
        premium=sum(r.amount for r in rows),
        rate_bps=rate_bps(),
        minimum=minimum(),
        goods_value=order.subtotal,
        status="active",
    )
    db.session.add(protection)
    db.session.flush()
    return protection


def settle_for_order(order) -> None:
    """A cancelled or refunded order: its whole total (premium included) went back; the protection ends."""
    db.session.execute(
        update(OrderProtection)
        .where(OrderProtection.order_id == order.id, OrderProtection.status == "active")
        .values(status="refunded", refunded_at=now())
        .execution_options(synchronize_session=False)
    )


def for_order(order_id: int) -> OrderProtection | None:
    return db.session.scalar(select(OrderProtection).where(OrderProtection.order_id == order_id))


def protected_orders(user, limit: int = 100) -> list:
    """The user's protected orders, newest first: (protection, order) pairs."""
    from marketplace.orders.models import Order

    rows = db.session.execute(
        select(OrderProtection, Order)
        .join(Order, Order.id == OrderProtection.order_id)
        .where(OrderProtection.user_id == user.id)
        .order_by(OrderProtection.id.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]
