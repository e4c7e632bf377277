"""Checkout: a cart becomes one order per store and one payment, all or nothing.

:func:`place_orders` runs small named steps in the caller's transaction:

    claim the submission → validate cart → choose shipping → price → add extras
    → create orders and payment → start the payment method → empty the cart → reserve stock

Any step that fails raises a ServiceError; the caller rolls back and nothing
of the checkout remains (the stock reserved so far is also put back at once).
Prices come from the database, never from the request. The idempotency key
makes a submission arriving twice produce one set of orders: the second finds
the first (:func:`find_submission`), or — when both race — fails on the
unique key with :class:`AlreadySubmitted`, and its caller rolls back and
answers with the first one's result.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace import plugin_api, rows
from marketplace.cart import services as carts
from marketplace.cart.services import CartView, StoreGroup
from marketplace.catalog import stock
from marketplace.checkout import shipping as checkout_shipping
from marketplace.checkout.extras import CheckoutExtra
from marketplace.checkout.models import Checkout
from marketplace.errors import Conflict, NotFound, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import PhoneError, normalise_phone
from marketplace.i18n import gettext as _
from marketplace.orders import creation, notifications
from marketplace.orders import services as orders
from marketplace.payments import services as payments
from marketplace.payments.methods import PaymentMethod, PaymentStart
from marketplace.shipping.options import Option

log = logging.getLogger(__name__)
KEY_RE = re.compile(r"^[A-Za-z0-9_\-:.]{8,100}$")
POSTAL_RE = re.compile(r"^[1-9][0-9]{4}$")


class CartChanged(Conflict):
    code = "cart_changed"


class OutOfStock(Conflict):
    code = "out_of_stock"


class AlreadySubmitted(Conflict):
    """The same idempotency key is being (or was just) used by a parallel request."""

    code = "already_submitted"

    def __init__(self, key: str):
        super().__init__(_("Pesanan ini sudah dikirim."))
        self.key = key


@dataclass
class PricedOrder:
    """One store's part of the checkout, priced from the database."""

    group: StoreGroup
    extras: list[tuple[CheckoutExtra, int]] = field(default_factory=list)
    shipping: Option | None = None  # the option chosen for this store; its price is the ongkir

    @property
    def shipping_cost(self) -> int:
        return self.shipping.price if self.shipping else 0

    @property
    def total(self) -> int:
        return self.group.subtotal + self.shipping_cost + sum(amount for _extra, amount in self.extras)


@dataclass
class CheckoutResult:
    checkout: Checkout
    orders: list
    payment: object
    start: PaymentStart
    replayed: bool = False
    store_slugs: dict[int, str] = field(default_factory=dict)

    def store_slug(self, order) -> str | None:
        """The order's store's slug: known from the cart for a new checkout, loaded with a replayed one."""
        if order.store_id in self.store_slugs:
            return self.store_slugs[order.store_id]
        return order.store.slug if order.store else None


# --- the steps ---------------------------------------------------------------------------


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(18)


def clean_idempotency_key(raw: str | None) -> str:
    """The client's key, or a fresh one (no key: every submission is new)."""
    if raw is None or raw == "":
        return new_idempotency_key()
    if not isinstance(raw, str) or not KEY_RE.match(raw):
        message = _("Kunci idempotensi harus 8-100 karakter huruf, angka, atau - _ : .")
        raise ValidationError(message, fields={"idempotency_key": message})
    return raw


def validate_shipping(raw) -> dict:
    """Name, phone, address, city and a 5-digit postal code of an Indonesian address."""
    raw = raw if isinstance(raw, dict) else {}
    errors: dict[str, str] = {}
    out: dict[str, str] = {}
    limits = {"name": 120, "address": 500, "city": 80}
    for name, limit in limits.items():
        value = raw.get(name)
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            errors[f"shipping.{name}"] = _("Wajib diisi.")
        elif len(value) > limit:
            errors[f"shipping.{name}"] = _("Maksimal %(n)d karakter.", n=limit)
        out[name] = value
    if out.get("address") and len(out["address"]) < 10:
        errors["shipping.address"] = _("Tulis alamat lengkap: jalan, nomor, RT/RW, kelurahan.")
    phone = raw.get("phone")
    try:
        out["phone"] = normalise_phone(phone if isinstance(phone, str) else "")
    except PhoneError:
        errors["shipping.phone"] = _("Nomor telepon tidak valid. Contoh: 0812-3456-7890.")
    postal = raw.get("postal_code")
    out["postal_code"] = str(postal).strip() if isinstance(postal, (str, int)) and not isinstance(postal, bool) else ""
    if not POSTAL_RE.match(out["postal_code"]):
        errors["shipping.postal_code"] = _("Kode pos terdiri dari 5 angka.")
    if errors:
        raise ValidationError(fields=errors)
    return out


def claim_submission(user, key: str, method: PaymentMethod) -> Checkout:
    """Write the checkout row first: a parallel submission with the same key waits here, then fails."""
    try:
        return rows.insert_returning(
            Checkout, [{"user_id": user.id, "idempotency_key": key, "payment_method": method.id}]
        )[0]
    except IntegrityError as exc:
        raise AlreadySubmitted(key) from exc


def validate_cart(user, expected_version: str | None = None) -> tuple[int, CartView]:
    """(cart id, the user's cart as it is now), read in one statement. CartChanged (409)
    when it is empty, has a line no longer sold, or differs from what the shopper saw
    (``expected_version``); OutOfStock (409) when a line wants more than is left;
    OwnStoreItem (409) when a line is from a store the shopper owns or works for."""
    view = carts.load(user, with_contacts=True)  # the owners, for the new-order mail
    if view.empty or view.cart_id is None:  # no cart at all is an empty one
        raise CartChanged(_("Keranjang Anda kosong."))
    if expected_version and expected_version != view.version:
        raise CartChanged(
            _(
                "Isi keranjang, harga, atau stok berubah sejak Anda membukanya. "
                "Periksa lagi sebelum membayar; belum ada yang dipesan."
            )
        )
    problems = view.problems
    if problems:
        flawed = [line for line in view.lines if line.item_id in problems]
        error: type[ServiceError]
        if any(line.own_store for line in flawed):  # read with the cart: no statement of its own
            error = carts.OwnStoreItem
        else:
            error = OutOfStock if all(line.facts.sellable for line in flawed) else CartChanged
        raise error(" ".join(problems.values()), fields={f"items.{k}": v for k, v in problems.items()})
    return view.cart_id, view


def price(view: CartView, shipping: dict[int, Option] | None = None) -> list[PricedOrder]:
    """One priced order per store. Prices are the variants' current database prices; ongkir
    is the price of the option chosen for the store (quoted again by the server)."""
    shipping = shipping or {}
    return [PricedOrder(group, shipping=shipping.get(group.store_id)) for group in view.groups]


def offered_extras(view: CartView | None) -> list[CheckoutExtra]:
    """The extras the enabled plugins offer for this cart; loud when a plugin fails."""
    try:
        offered = plugin_api.gather("checkout_extras", loud=True, cart=view)
    except plugin_api.PluginFailure as exc:
        raise payments.PaymentUnavailable(
            _("Layanan tambahan checkout sedang bermasalah. Tidak ada yang dicatat; coba lagi sebentar lagi.")
        ) from exc
    unique: dict[str, CheckoutExtra] = {}
    for extra in offered:
        unique.setdefault(extra.id, extra)
    return list(unique.values())


def add_extras(priced: list[PricedOrder], view: CartView, chosen) -> None:
    """Price each chosen extra for each store's order (the plugin prices it)."""
    if chosen in (None, ""):
        chosen = []
    if not isinstance(chosen, (list, tuple)) or not all(isinstance(c, str) for c in chosen):
        raise ValidationError(fields={"extras": _("Daftar tambahan tidak valid.")})
    if not chosen:
        return
    offered = {extra.id: extra for extra in offered_extras(view)}
    unknown = [c for c in chosen if c not in offered]
    if unknown:
        raise ValidationError(fields={"extras": _("Tambahan tidak tersedia: %(ids)s", ids=", ".join(unknown))})
    for part in priced:
        for extra_id in dict.fromkeys(chosen):
            amount = _extra_price(offered[extra_id], part.group)
            if amount:
                part.extras.append((offered[extra_id], amount))


def _extra_price(extra: CheckoutExtra, group: StoreGroup) -> int:
    try:
        amount = extra.price(group)
    except ServiceError:
        raise
    except Exception as exc:
        log.exception("checkout extra %s failed to price", extra.id)
        raise payments.PaymentUnavailable(
            _(
                'Layanan tambahan "%(name)s" sedang bermasalah. Tidak ada yang dicatat; coba lagi tanpa tambahan itu.',
                name=str(extra.name),
            )
        ) from exc
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        log.error("checkout extra %s priced %r", extra.id, amount)
        raise payments.PaymentUnavailable()
    return amount


def reserve_stock(priced: list[PricedOrder]) -> None:
    """One atomic conditional update per variant, in id order (no deadlocks).
    A line that cannot be reserved puts back what was taken and raises OutOfStock."""
    wanted: dict[int, int] = {}
    names: dict[int, str] = {}
    for part in priced:
        for line in part.group.lines:
            wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
            names[line.variant_id] = carts.line_label(line.facts)
    taken: list[tuple[int, int]] = []
    for variant_id in sorted(wanted):
        if not stock.reserve(variant_id, wanted[variant_id]):
            for done_id, quantity in taken:
                stock.release(done_id, quantity)
            left = stock.variant_facts([variant_id]).get(variant_id)
            message = _(
                "Stok %(name)s tidak cukup: tersisa %(n)d. Belum ada yang dipesan; ubah jumlahnya lalu coba lagi.",
                name=names[variant_id],
                n=left.stock if left else 0,
            )
            raise OutOfStock(message, fields={f"variants.{variant_id}": message})
        taken.append((variant_id, wanted[variant_id]))


def create_orders_and_payment(
    user,
    checkout: Checkout,
    priced: list[PricedOrder],
    address: dict,
    method: PaymentMethod,
    channel: str | None = None,
):
    total = sum(part.total for part in priced)
    payment = payments.create_payment(
        checkout_id=checkout.id, user_id=user.id, method=method, amount=total, channel=channel
    )
    placed = creation.create_orders(
        checkout_id=checkout.id,
        payment_id=payment.id,
        user=user,
        parts=[(part.group, part.extras) for part in priced],
        address=address,
        method=method,
        shipping={part.group.store_id: part.shipping for part in priced if part.shipping},
    )
    return placed, payment


def start_payment(checkout: Checkout, payment, method: PaymentMethod) -> PaymentStart:
    """Ask the method how to pay; the checkout row keeps the answer and the total (one UPDATE)."""
    start = payments.start_payment(payment, method)
    rows.write_through(
        checkout,
        total=payment.amount,
        redirect_url=(start.redirect_url or None) and start.redirect_url[:500],
        instructions=(start.instructions or None) and str(start.instructions)[:2000],
    )
    return start


def announce(placed: list, start: PaymentStart, priced: list[PricedOrder]) -> None:
    """Events for plugins (isolated) and e-mails, sent after the commit."""
    for order in placed:
        plugin_api.notify("order_placed", order=order)
    notifications.order_placed(
        placed, start.instructions, owners={part.group.store_id: part.group.contact for part in priced}
    )


# --- the whole checkout ----------------------------------------------------------------


def place_orders(
    user,
    *,
    payment_method: str | None,
    shipping,
    payment_channel: str | None = None,
    extras=None,
    idempotency_key: str | None = None,
    cart_version: str | None = None,
) -> CheckoutResult:
    """Check out the user's cart. Raises ValidationError (422: bad address, no shipping option
    for a store, cash on delivery where a store refuses it, a missing or foreign
    ``payment_channel``), Conflict (409: empty or changed cart, short stock, no payment method,
    ShippingChanged), PaymentUnavailable (503), AlreadySubmitted (a parallel duplicate: roll back,
    then :func:`replay`)."""
    key = clean_idempotency_key(idempotency_key)
    if idempotency_key:  # a key made here just now cannot have been used: no lookup
        earlier = find_submission(user, key)
        if earlier is not None:
            return earlier
    method = payments.method_for(payment_method)
    channel = payments.channel_for(method, payment_channel)
    wanted = checkout_shipping.parse(user, shipping, validate_shipping, checking_out=True)
    checkout = claim_submission(user, key, method)
    cart_id, view = validate_cart(user, cart_version)
    priced = price(view, checkout_shipping.choose(view, wanted, method))
    add_extras(priced, view, extras)
    placed, payment = create_orders_and_payment(user, checkout, priced, wanted.address, method, channel)
    start = start_payment(checkout, payment, method)
    carts.clear(cart_id)
    announce(placed, start, priced)
    # Last: each reservation locks its variant's row until the commit, and every checkout of
    # that variant waits for the lock. With everything else already written, a sought-after
    # variant is held for its UPDATE and the COMMIT only, never across a payment provider's
    # API call. When a reservation fails, the rollback takes back all of the above; a hosted
    # payment page already opened is never shown and expires unused (its webhook finds no
    # session row and is refused), and queued mail is dropped with the transaction.
    reserve_stock(priced)
    db.session.flush()
    return CheckoutResult(
        checkout, placed, payment, start, store_slugs={part.group.store_id: part.group.store_slug for part in priced}
    )


def find_submission(user, key: str | None) -> CheckoutResult | None:
    """The result of the user's earlier checkout with this key, or None."""
    if not key:
        return None
    checkout = db.session.scalar(select(Checkout).where(Checkout.user_id == user.id, Checkout.idempotency_key == key))
    return result_of(checkout, replayed=True) if checkout else None


def replay(user, key: str) -> CheckoutResult:
    """After AlreadySubmitted and a rollback: the winning submission's result."""
    result = find_submission(user, key)
    if result is None:  # the other one failed and rolled back: nothing to show
        raise Conflict(_("Pesanan yang sama sedang diproses. Muat ulang halaman untuk melihat hasilnya."))
    return result


def result_of(checkout: Checkout, replayed: bool = False) -> CheckoutResult:
    placed = orders.orders_of_checkout(checkout.id)
    payment = payments.get_payment(placed[0].payment_id) if placed and placed[0].payment_id else None
    start = PaymentStart(redirect_url=checkout.redirect_url, instructions=checkout.instructions)
    return CheckoutResult(checkout, placed, payment, start, replayed)


def get_checkout(user, checkout_id: int) -> CheckoutResult:
    checkout = db.session.get(Checkout, checkout_id)
    if checkout is None or checkout.user_id != user.id:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return result_of(checkout)
