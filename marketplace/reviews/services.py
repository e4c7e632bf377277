"""Review rules: only the buyer, only once the order is completed, one review per order line,
and never by the store's own people (its owner or members: marketplace.stores.interest)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, Text, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from marketplace import audit, pagecache
from marketplace import pagecache_tags as tags
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import digits
from marketplace.reviews.models import Review
from marketplace.stores import interest

MAX_COMMENT = 2000


def can_review(order, user) -> bool:
    return (
        user is not None
        and order.user_id == getattr(user, "id", None)
        and order.status == "completed"
        and not interest.is_member(order.store_id, user)
    )


def reviewed_line_ids(order) -> set[int]:
    return set(db.session.scalars(select(Review.order_line_id).where(Review.order_id == order.id)))


def _clean_rating(value: Any) -> int:
    message = _("Beri nilai 1 sampai 5 bintang.")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not digits(str(value).strip()):
        raise ValidationError(message, fields={"rating": message})
    rating = int(str(value).strip())
    if not 1 <= rating <= 5:
        raise ValidationError(message, fields={"rating": message})
    return rating


def _clean_comment(value: Any) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError(fields={"comment": _("Harus berupa teks.")})
    comment = (value or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(fields={"comment": _("Maksimal %(n)d karakter.", n=MAX_COMMENT)})
    return comment


def _line_of(order, line_id: Any):
    """The order line to review: ``line_id``, or the only line of a one-line order."""
    lines = list(order.lines)
    if line_id in (None, ""):
        if len(lines) == 1:
            return lines[0]
        message = _("Pilih produk yang diulas (line_id).")
        raise ValidationError(message, fields={"line_id": message})
    for line in lines:
        if str(line.id) == str(line_id).strip():
            return line
    message = _("Produk ini tidak ada di pesanan tersebut.")
    raise ValidationError(message, fields={"line_id": message})


def add_review(user, order, rating: Any, comment: Any = "", line_id: Any = None) -> Review:
    """The buyer's review of one line of a completed order (``order`` with its lines loaded).
    PermissionDenied for anyone else or for the store's own people (ConflictOfInterest);
    Conflict before completion or for a second review."""
    _check_reviewer(user, order)
    values = _checked_review_input(order, rating, comment, line_id)
    line = values["line"]
    if db.session.scalar(select(Review.id).where(Review.order_line_id == line.id)):
        raise Conflict(_("Anda sudah mengulas %(name)s dari pesanan ini.", name=line.product_name))
    review = Review(
        order_line_id=line.id,
        order_id=order.id,
        product_id=line.product_id,
        store_id=order.store_id,
        user_id=user.id,
        rating=values["rating"],
        comment=values["comment"],
    )
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a parallel submit of the same review
        raise Conflict(_("Anda sudah mengulas %(name)s dari pesanan ini.", name=line.product_name)) from exc
    audit.record(
        user, "review.created", "review", review.id, store_id=order.store_id, order=order.number, rating=review.rating
    )
    return review


def _check_reviewer(user, order) -> None:
    """Only the order's buyer reviews it, once it is completed, and never a member of its store."""
    if order.user_id != user.id:
        raise PermissionDenied(_("Hanya pembeli yang boleh mengulas pesanan ini."))
    if order.status != "completed":
        raise Conflict(_("Ulasan bisa diberikan setelah pesanan selesai."))
    interest.refuse_own_store(
        order.store_id,
        user,
        _(
            "Anda anggota toko %(store)s; ulasan toko hanya dari pembelinya, bukan dari orang toko sendiri.",
            store=order.store_name,
        ),
    )


def _checked_review_input(order, rating: Any, comment: Any, line_id: Any) -> dict[str, Any]:
    """The cleaned rating, comment and order line; every bad field at once as a ValidationError."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, check, raw in (
        ("rating", _clean_rating, rating),
        ("comment", _clean_comment, comment),
        ("line", lambda v: _line_of(order, v), line_id),
    ):
        try:
            values[name] = check(raw)
        except ValidationError as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationError(fields=errors)
    return values


def short_name(full_name: str | None) -> str:
    """How a reviewer is shown to everyone: first name and the initial of the last
    ("Siti Rahayu" -> "Siti R."), never the full name or an e-mail address."""
    parts = (full_name or "").split()
    if not parts or any("@" in part for part in parts):
        return _("Pembeli")
    first = parts[0][:30]
    return f"{first} {parts[-1][0].upper()}." if len(parts) > 1 else first


def product_reviews(product_id: int, limit: int = 20) -> list[tuple[Review, str]]:
    """The newest reviews of a product with the reviewer's short name, in one statement."""
    from marketplace.accounts.models import User

    rows = db.session.execute(
        select(Review, User.name)
        .outerjoin(User, User.id == Review.user_id)
        .where(Review.product_id == product_id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(limit)
    )
    return [(review, short_name(name)) for review, name in rows]


class ShownReview(NamedTuple):
    """A review as a product page shows it. Plain values, not the ORM object: a visitor's summary
    is remembered across requests (an ORM object belongs to one request's session)."""

    rating: int
    comment: str
    created_at: datetime


class _Summary(NamedTuple):
    rating: float | None
    reviews: int  # how many (a tuple's own ``count`` is a method)
    items: tuple[tuple[ShownReview, str], ...]
    reviewable: dict | None


def product_reviews_summary(product_id: int, limit: int = 10, user_id: int | None = None) -> dict:
    """Average rating, number of reviews and the newest ``limit`` of them (with the
    reviewers' short names), and for a signed-in ``user_id`` the line of theirs they may
    review here (``reviewable``), in one statement: window aggregates ride along with the
    rows, and the rows hang off a one-row ``me`` so a product without reviews still answers.
    A visitor's (no line to review) is the same for everyone until a review of the product or
    a reviewer's name changes, so it is remembered (pagecache.memo) until then."""
    if user_id is None:
        found = pagecache.memo(
            ("product-reviews", product_id, limit),
            lambda: _read_summary(_visitor_summary(limit), {"product_id": product_id}),
            scope="detail",
            depends=(tags.product_detail(product_id),),
            size=lambda summary: 256 + sum(96 + len(review.comment) for review, _name in summary.items),
        )
    else:
        found = _read_summary(_summary(_reviewable_line(product_id, user_id), product_id, limit))
    # a new dict each time: the page adds its own fields to it
    return {"rating": found.rating, "count": found.reviews, "items": found.items, "reviewable": found.reviewable}


def _read_summary(statement: Select, params: dict | None = None) -> _Summary:
    rows = db.session.execute(statement, params).all()
    line_id, number, count, average = rows[0][0], rows[0][1], int(rows[0][6] or 0), rows[0][7]
    return _Summary(
        round(float(average), 1) if average is not None else None,
        count,
        tuple(
            (ShownReview(rating, comment or "", created_at), short_name(name))
            for _l, _n, rating, comment, created_at, name, _c, _a in rows
            if rating is not None
        ),
        {"line_id": line_id, "number": number} if line_id is not None else None,
    )


def _summary(me, product_id, limit: int) -> Select:
    """``product_reviews_summary``'s statement: the reviews hang off the one-row ``me``."""
    from marketplace.accounts.models import User

    return (
        select(
            me.c.line_id,
            me.c.number,
            Review.rating,
            Review.comment,
            Review.created_at,
            User.name,
            func.count(Review.id).over(),
            func.avg(Review.rating).over(),
        )
        .select_from(me)
        .outerjoin(Review, Review.product_id == product_id)
        .outerjoin(User, User.id == Review.user_id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(limit)
    )


@cache
def _visitor_summary(limit: int) -> Select:
    """The summary's statement for a visitor (no line to review), ``:product_id`` bound: a
    statement object remembers its SQLAlchemy cache key, a new one is built and traversed
    again on every request."""
    return _summary(_reviewable_line(0, None), bindparam("product_id"), limit)


def _reviewable_line(product_id: int, user_id: int | None):
    """A one-row subquery: the user's first line of the product in a completed order not
    reviewed yet, of a store they are not a member of (``can_review`` in SQL), as ``line_id``
    with that order's ``number``; NULLs for a visitor or none."""
    from sqlalchemy import Integer, cast, null

    from marketplace.orders.models import Order, OrderLine

    if user_id is None:
        return select(cast(null(), Integer).label("line_id"), cast(null(), Text).label("number")).subquery("me")
    mine = (
        select(OrderLine.id, Order.number)
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(Review, Review.order_line_id == OrderLine.id)
        .where(
            OrderLine.product_id == product_id,
            Order.user_id == user_id,
            Order.status == "completed",
            Review.id.is_(None),
            ~interest.member_clause(Order.store_id, user_id),  # can_review's conflict of interest
        )
        .order_by(OrderLine.id)
        .limit(1)
        .subquery("mine")
    )
    return select(
        select(mine.c.id).scalar_subquery().label("line_id"), select(mine.c.number).scalar_subquery().label("number")
    ).subquery("me")


def product_rating(product_id: int) -> tuple[float | None, int]:
    """Average rating (one decimal) and number of reviews."""
    average, count = db.session.execute(
        select(func.avg(Review.rating), func.count(Review.id)).where(Review.product_id == product_id)
    ).one()
    return (round(float(average), 1) if average is not None else None), int(count)


def review_json(review: Review) -> dict:
    return {
        "id": review.id,
        "line_id": review.order_line_id,
        "product_id": review.product_id,
        "rating": review.rating,
        "comment": review.comment,
        "created_at": review.created_at.isoformat(),
    }
