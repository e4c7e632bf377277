"""Stores: opening, profile, verification status, membership and staff invites."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.accounts.services import clean_name, clean_phone, normalise_email, require_confirmed_email
from marketplace.catalog.sectors import SECTORS
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store, StoreInvite, StoreMember

NIB_RE = re.compile(r"^\d{13}$")


def slugify(text: str, max_len: int = 60) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_len].strip("-") or "toko"


def unique_slug(name: str, exclude_id: int | None = None) -> str:
    base = slugify(name)
    candidate, n = base, 2
    while True:
        query = select(Store.id).where(Store.slug == candidate)
        found = db.session.scalar(query)
        if found is None or found == exclude_id:
            return candidate
        candidate, n = f"{base}-{n}", n + 1


def _clean_store_fields(data: dict, partial: bool = False) -> dict:
    """Validated store fields from ``data``; ValidationError names each bad field."""
    errors: dict[str, str] = {}
    out: dict = {}

    def check(field, fn):
        if partial and field not in data:
            return
        if data.get(field) is not None and not isinstance(data.get(field), str):  # every store field is text
            errors[field] = _("Harus teks.")
            return
        try:
            out[field] = fn(data.get(field))
        except ValidationError as exc:
            errors.update(exc.fields)

    check("name", lambda v: clean_name(v, "name", 120))
    check("sector", _clean_sector)
    check("nib", _clean_nib)
    check("city", lambda v: (v or "").strip()[:80])
    check("address", lambda v: (v or "").strip()[:255])
    check("description", lambda v: (v or "").strip()[:5000])
    check("whatsapp", lambda v: clean_phone(v, "whatsapp"))
    if errors:
        raise ValidationError(fields=errors)
    return out


def _clean_sector(value):
    if value not in SECTORS:
        raise ValidationError(fields={"sector": _("Pilih salah satu sektor.")})
    return value


def _clean_nib(value):
    value = (value or "").strip().replace(" ", "")
    if not value:
        return None
    if not NIB_RE.match(value):
        raise ValidationError(fields={"nib": _("NIB terdiri dari 13 angka.")})
    return value


def open_store(owner: User, data: dict) -> Store:
    """A new store owned by ``owner``, pending until the agency approves it; the owner's e-mail
    address must be confirmed (EmailNotConfirmed, 403)."""
    require_confirmed_email(owner)
    fields = _clean_store_fields(data)
    store = Store(slug=unique_slug(fields["name"]), status="pending", owner_id=owner.id, **fields)
    db.session.add(store)
    db.session.flush()
    db.session.add(StoreMember(store_id=store.id, user_id=owner.id, role="owner"))
    owner.add_role("seller")
    audit.record(owner, "store.opened", "store", store.id, store_id=store.id)
    return store


def update_store(store: Store, actor: User, data: dict) -> Store:
    fields = _clean_store_fields(data, partial=True)
    changed = audit.changes(store, fields)
    for key, value in fields.items():
        setattr(store, key, value)
    if "allow_agency_assist" in data:
        store.allow_agency_assist = bool(data["allow_agency_assist"])
    audit.record(actor, "store.updated", "store", store.id, store_id=store.id, fields=sorted(fields), changes=changed)
    _after_store_renamed(store, fields)
    return store


def _after_store_renamed(store: Store, fields: dict) -> None:
    if "name" in fields:
        from marketplace.catalog.services import reindex_store_products

        reindex_store_products(store.id)


def set_logo(store: Store, actor: User, stream) -> Store:
    from marketplace import media

    require_confirmed_email(actor)
    stored = media.save_image(stream, "logos", field="logo")
    old, store.logo = store.logo, stored.path
    media.delete_image(old)
    audit.record(actor, "store.logo_changed", "store", store.id, store_id=store.id)
    return store


def set_status(store: Store, actor: User | None, status: str, reason: str | None = None) -> Store:
    """The agency's decision on a store: approved, rejected (reason) or suspended (reason)."""
    allowed = {
        "approved": ("pending", "rejected", "suspended"),
        "rejected": ("pending",),
        "suspended": ("approved",),
    }
    if status not in allowed:
        raise ValidationError(fields={"status": _("Status tidak dikenal.")})
    if store.status not in allowed[status]:
        raise Conflict(_("Toko berstatus %(s)s tidak bisa diubah menjadi %(t)s.", s=store.status, t=status))
    if status in ("rejected", "suspended") and not (reason or "").strip():
        raise ValidationError(fields={"reason": _("Tuliskan alasannya untuk penjual.")})
    store.status = status
    store.status_reason = (reason or "").strip() or None
    if status == "approved":
        store.approved_at = now()
    audit.record(actor, f"store.{status}", "store", store.id, store_id=store.id, reason=reason)
    if status == "approved":
        from marketplace import plugin_api

        plugin_api.notify("store_approved", store=store)
    return store


def approve_store(store: Store, actor: User | None) -> Store:
    return set_status(store, actor, "approved")


def get_store(slug: str) -> Store:
    store = db.session.scalar(_store_by_slug(), {"slug": slug})
    if store is None:
        raise NotFound(_("Toko tidak ditemukan."))
    return store


@cache
def _store_by_slug() -> Select:
    """Built once per process (every storefront asks): a statement object remembers its
    SQLAlchemy cache key, a new one is built and traversed again on each request."""
    return select(Store).where(Store.slug == bindparam("slug"))


def get_selling_store(slug: str) -> Store:
    """A store the public may see: approved ones only."""
    store = get_store(slug)
    if store.status != "approved":
        raise NotFound(_("Toko tidak ditemukan."))
    return store


def membership(store: Store, user: User | None) -> StoreMember | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(StoreMember).where(StoreMember.store_id == store.id, StoreMember.user_id == user.id)
    )


def require_member(store: Store, user: User | None, owner_only: bool = False) -> StoreMember:
    """The user's membership of the store, or NotFound (we do not confirm that a
    store someone else runs exists behind a private URL).

    An agency officer gets a transient ``assistant`` membership of a store whose
    owner allowed assistance, and PermissionDenied (saying why) for one that did
    not (marketplace.agency.assist); assistants never pass ``owner_only``."""
    member = membership(store, user)
    if member is None:
        from marketplace.agency import assist

        member = assist.assistant_membership(store, user)
    if member is None:
        raise NotFound(_("Toko tidak ditemukan."))
    if owner_only and member.role != "owner":
        raise PermissionDenied(_("Hanya pemilik toko yang boleh melakukan ini."))
    return member


def acting_membership(store: Store, user: User | None) -> StoreMember | None:
    """The membership the user acts under in this store: a real one, or an agency
    officer's assistant membership where the owner allowed assistance; None otherwise
    (unlike require_member, never raises)."""
    member = membership(store, user)
    if member is not None:
        return member
    from marketplace.agency import assist

    if not assist.is_officer(user) or not store.allow_agency_assist:
        return None
    return assist.assistant_membership(store, user)


def workable_stores(user: User) -> list[Store]:
    """The stores whose seller pages the user may work in: those they belong to and,
    for an agency officer, every approved or suspended store that allowed assistance."""
    own = stores_of(user)
    from marketplace.agency import assist

    if not assist.is_officer(user):
        return own
    mine = {store.id for store in own}
    assisted = db.session.scalars(
        select(Store).where(Store.allow_agency_assist.is_(True), Store.id.not_in(mine or [-1])).order_by(Store.name)
    )
    return own + list(assisted)


def stores_of(user: User) -> list[Store]:
    return list(
        db.session.scalars(
            select(Store)
            .join(StoreMember, StoreMember.store_id == Store.id)
            .where(StoreMember.user_id == user.id)
            .order_by(Store.name)
        )
    )


# --- staff invites -----------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_staff(store: Store, actor: User, email: str, role: str = "staff") -> tuple[StoreInvite, str]:
    """An invite and its secret token (only the hash is stored); the caller e-mails the link."""
    email = normalise_email(email)
    if role not in ("staff", "owner"):
        raise ValidationError(fields={"role": _("Peran tidak dikenal.")})
    existing = db.session.scalar(
        select(StoreMember)
        .join(User, User.id == StoreMember.user_id)
        .where(StoreMember.store_id == store.id, User.email == email)
    )
    if existing:
        raise Conflict(_("Orang ini sudah menjadi anggota toko."), fields={"email": _("Sudah menjadi anggota toko.")})
    token = secrets.token_urlsafe(32)
    invite = StoreInvite(
        store_id=store.id,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by_id=getattr(actor, "id", None),
        expires_at=now() + timedelta(seconds=current_app.config["INVITE_MAX_AGE"]),
    )
    db.session.add(invite)
    db.session.flush()
    audit.record(actor, "store.invite_sent", "store", store.id, store_id=store.id, email=email, role=role)
    return invite, token


def invite_for_token(token: str) -> StoreInvite:
    invite = db.session.scalar(select(StoreInvite).where(StoreInvite.token_hash == _hash(token)))
    if invite is None or invite.accepted_at is not None:
        raise NotFound(_("Undangan tidak valid atau sudah dipakai."))
    if invite.expires_at < now():
        raise ValidationError(_("Undangan sudah kedaluwarsa. Minta undangan baru."))
    return invite


def accept_invite(invite: StoreInvite, user: User) -> StoreMember:
    """Joins the store as staff, or takes it over as owner for an owner invite."""
    if user.email.lower() != invite.email.lower():
        raise PermissionDenied(_("Undangan ini untuk alamat e-mail lain."))
    store = db.session.get_one(Store, invite.store_id)
    member = membership(store, user) or StoreMember(store_id=store.id, user_id=user.id, role="staff")
    if invite.role == "owner":
        member.role = "owner"
        store.owner_id = user.id
    db.session.add(member)
    invite.accepted_at = now()
    user.add_role("seller")
    audit.record(user, "store.invite_accepted", "store", store.id, store_id=store.id, role=invite.role)
    return member


def invite_needs_account(invite: StoreInvite) -> bool:
    """An owner invite (a store to claim) sent to an e-mail that has no account yet."""
    from marketplace.accounts.services import get_user_by_email

    return invite.role == "owner" and get_user_by_email(invite.email) is None


def claim_with_new_account(invite: StoreInvite, name: str, password: str) -> User:
    """The invited owner sets a name and password: the account is made and the store taken over."""
    from marketplace.accounts.services import create_user

    if not invite_needs_account(invite):
        raise Conflict(_("Sudah ada akun dengan e-mail ini. Masuk untuk menerima undangan."))
    user = create_user(invite.email, password, name, role="seller", confirmed=True)  # the invite proves the mailbox
    accept_invite(invite, user)
    return user


def register_store(actor, data: dict, status: str = "approved") -> Store:
    """A store created by the agency or an import, with no owner yet; the owner
    claims it later through an owner invite (invite_staff(..., role="owner"))."""
    if status not in ("pending", "approved"):
        raise ValidationError(fields={"status": _("Status tidak dikenal.")})
    fields = _clean_store_fields(data)
    store = Store(slug=unique_slug(data.get("slug") or fields["name"]), status=status, owner_id=None, **fields)
    if status == "approved":
        store.approved_at = now()
    db.session.add(store)
    db.session.flush()
    audit.record(actor, "store.registered", "store", store.id, store_id=store.id, status=status)
    return store


# --- lookups for the seller pages, the API and the CLI -------------------------


def get_store_by_id(store_id: int) -> Store:
    store = db.session.get(Store, store_id)
    if store is None:
        raise NotFound(_("Toko tidak ditemukan."))
    return store


def member_store(store_id: int, user: User | None, owner_only: bool = False) -> Store:
    """The store with this id if ``user`` is a member; NotFound otherwise."""
    store = get_store_by_id(store_id)
    require_member(store, user, owner_only=owner_only)
    return store


def selling_stores(
    sector: str | None = None, ids: list[int] | None = None, page: int = 1, per_page: int = 50
) -> tuple[list[Store], int]:
    """Approved stores, by name; with ``ids``, only those and in that order."""
    query = select(Store).where(Store.status == "approved")
    if sector:
        query = query.where(Store.sector == sector)
    if ids is not None:
        found = {s.id: s for s in db.session.scalars(query.where(Store.id.in_(ids)))}
        ordered = [found[i] for i in ids if i in found]
        return ordered[(page - 1) * per_page : page * per_page], len(ordered)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.scalars(query.order_by(Store.name, Store.id).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def list_stores(status: str | None = None) -> list[Store]:
    query = select(Store).order_by(Store.created_at, Store.id)
    if status:
        query = query.where(Store.status == status)
    return list(db.session.scalars(query))


def members_of(store: Store) -> list[StoreMember]:
    """The store's members with their users loaded, owners first."""
    members = db.session.scalars(
        select(StoreMember)
        .options(joinedload(StoreMember.user))
        .where(StoreMember.store_id == store.id)
        .order_by(StoreMember.created_at, StoreMember.id)
    )
    return sorted(members, key=lambda m: m.role != "owner")


def pending_invites(store: Store) -> list[StoreInvite]:
    return list(
        db.session.scalars(
            select(StoreInvite)
            .where(StoreInvite.store_id == store.id, StoreInvite.accepted_at.is_(None), StoreInvite.expires_at > now())
            .order_by(StoreInvite.created_at)
        )
    )
