"""The agency's rules: verification decisions, featured vendors, onboarding
exhibitors (one by one or from a CSV) and the console's lists.

The store status machine itself is stores.services.set_status, the expo's
rules are expo.services and the commission is site_settings; these functions
put them together for the console pages, the JSON API and the CLI. Nothing
here commits.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from marketplace import audit
from marketplace.accounts import mails as account_mails
from marketplace.accounts.services import normalise_email
from marketplace.agency import assist
from marketplace.catalog.sectors import SECTORS, sector_name
from marketplace.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationError
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores import interest
from marketplace.stores import services as stores
from marketplace.stores.models import STORE_STATUSES, Store
from marketplace.urls import absolute_url

log = logging.getLogger(__name__)

DECISIONS = {"approve": "approved", "reject": "rejected", "suspend": "suspended", "reinstate": "approved"}


def require_agency(user) -> None:
    """:raise PermissionDenied: not an agency officer (or admin)."""
    if not assist.is_officer(user):
        raise PermissionDenied()


# --- verification -------------------------------------------------------------------


def store_queue(status: str | None = "pending", page: int = 1, per_page: int = 50) -> tuple[list[Store], int]:
    """Stores of one status (all when None) with their owners loaded, the oldest first
    (who waited longest is served first). :raise ValidationError: unknown status."""
    if status is not None and status not in STORE_STATUSES:
        raise ValidationError(fields={"status": _("Status tidak dikenal.")})
    query = select(Store)
    if status:
        query = query.where(Store.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(joinedload(Store.owner))
        .order_by(Store.created_at, Store.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), total or 0


def status_counts() -> dict[str, int]:
    rows = db.session.execute(select(Store.status, func.count()).group_by(Store.status)).tuples().all()
    counts = dict.fromkeys(STORE_STATUSES, 0)
    counts.update(rows)
    return counts


def store_with_owner(slug: str) -> Store:
    store = db.session.scalar(select(Store).options(joinedload(Store.owner)).where(Store.slug == slug))
    if store is None:
        raise NotFound(_("Toko tidak ditemukan."))
    return store


def decide(actor, store: Store, decision: str, reason: str | None = None) -> Store:
    """approve / reject (reason) / suspend (reason) / reinstate a store; audited by set_status.

    Suspension hides the store's products and stops new orders at once (the catalogue and
    the checkout sell approved stores only); its open orders go on to be fulfilled."""
    require_agency(actor)
    if decision not in DECISIONS:
        raise ValidationError(fields={"decision": _("Keputusan tidak dikenal.")})
    interest.refuse_own_store(
        store.id,
        actor,
        _("Anda anggota toko %(store)s; verifikasi dan pembekuannya diputus oleh petugas lain.", store=store.name),
    )
    if decision == "reinstate" and store.status != "suspended":
        raise Conflict(_("Hanya toko yang dibekukan yang bisa dipulihkan."))
    if decision == "approve" and store.status == "suspended":
        decision = "reinstate"
    return stores.set_status(store, actor, DECISIONS[decision], reason)


# --- featured vendors ------------------------------------------------------------------


def featured_slugs() -> list[str]:
    from marketplace.expo import queries

    return [s.slug for s in queries.featured_stores()]


def set_featured_slugs(actor, slugs: list) -> list[Store]:
    """Replace the featured vendors by store slugs, in order. :raise ValidationError: unknown or not approved."""
    require_agency(actor)
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
        raise ValidationError(fields={"stores": _("Kirim daftar slug toko.")})
    found = {s.slug: s for s in db.session.scalars(select(Store).where(Store.slug.in_(slugs)))} if slugs else {}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(fields={"stores": _("Toko tidak dikenal: %(s)s", s=", ".join(unknown))})
    chosen = [found[s] for s in slugs]
    _not_promoting_own(actor, chosen)
    expos.set_featured(actor, chosen)
    return chosen


def _not_promoting_own(actor, chosen: list[Store]) -> None:
    """An officer does not add its own store to the featured vendors nor move it: another officer does."""
    own = interest.member_store_ids(actor) & {store.id for store in chosen}
    if not own:
        return
    before = expos.featured_store_ids()
    moved = [s for s in chosen if s.id in own and (s.id not in before or before.index(s.id) != chosen.index(s))]
    if moved:
        message = _(
            "Anda anggota toko %(store)s; toko sendiri diunggulkan atau dipindah oleh petugas lain.",
            store=", ".join(s.name for s in moved),
        )
        raise interest.ConflictOfInterest(message, fields={"stores": message})


def change_featured(actor, action: str, slug: str) -> list[Store]:
    """add (at the end) / remove / up / down one store of the featured list."""
    slugs = featured_slugs()
    if action == "add":
        if slug in slugs:
            raise Conflict(_("Toko ini sudah diunggulkan."))
        slugs.append(slug)
    elif slug not in slugs:
        raise NotFound(_("Toko ini tidak ada di daftar unggulan."))
    elif action == "remove":
        slugs.remove(slug)
    elif action in ("up", "down"):
        i = slugs.index(slug)
        j = i - 1 if action == "up" else i + 1
        if 0 <= j < len(slugs):
            slugs[i], slugs[j] = slugs[j], slugs[i]
    else:
        raise ValidationError(fields={"action": _("Tindakan tidak dikenal.")})
    return set_featured_slugs(actor, slugs)


def approved_stores() -> list[Store]:
    return list(db.session.scalars(select(Store).where(Store.status == "approved").order_by(Store.name)))


# --- onboarding: a store for an owner to claim ------------------------------------------


@dataclass
class Onboarded:
    store: Store
    invite: object
    token: str
    exhibitor: object | None = None


def onboard_store(actor, data: dict, owner_email: str, expo=None, booth: str = "", zone: str = "") -> Onboarded:
    """Register an approved store with no owner yet, put it in ``expo`` (optional) and invite
    its owner by e-mail to claim it (the caller sends the link)."""
    require_agency(actor)
    email_errors = {}
    try:
        owner_email = normalise_email(owner_email, "owner_email")
        _not_own_invite(actor, owner_email)
    except ValidationError as exc:
        email_errors = exc.fields
    try:
        store = stores.register_store(actor, data, status="approved")
    except ValidationError as exc:
        raise ValidationError(fields={**exc.fields, **email_errors}) from None
    if email_errors:
        raise ValidationError(fields=email_errors)
    exhibitor = expos.add_exhibitor(actor, expo, store, booth=booth, zone=zone) if expo is not None else None
    invite, token = stores.invite_staff(store, actor, owner_email, role="owner")
    return Onboarded(store, invite, token, exhibitor)


def invite_owner(actor, store: Store, email: str):
    """Invite someone to claim an owner-less store. :raise Conflict: the store has an owner."""
    require_agency(actor)
    if store.owner_id is not None:
        raise Conflict(_("Toko ini sudah punya pemilik."))
    _not_own_invite(actor, email)
    return stores.invite_staff(store, actor, email, role="owner")


def _not_own_invite(actor, email) -> None:
    """An officer does not register an approved store for itself (it would skip verification)."""
    if isinstance(email, str) and actor is not None and email.strip().lower() == (actor.email or "").lower():
        message = _("Toko untuk diri sendiri didaftarkan lewat pengajuan biasa dan diverifikasi petugas lain.")
        raise ValidationError(message, fields={"owner_email": message})


CSV_COLUMNS = ("name", "sector", "city", "owner_email", "booth", "zone")
OPTIONAL_COLUMNS = ("nib", "whatsapp", "address", "description")
HEADER_ALIASES = {
    "nama": "name",
    "nama_toko": "name",
    "sektor": "sector",
    "kota": "city",
    "email": "owner_email",
    "email_pemilik": "owner_email",
    "stan": "booth",
    "zona": "zone",
    "telepon": "whatsapp",
}


@dataclass
class BulkResult:
    created: list[Onboarded] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, name, message)
    rows: int = 0


def _sector_slug(raw: str) -> str:
    text = (raw or "").strip()
    if text in SECTORS:
        return text
    by_name = {sector_name(slug).lower(): slug for slug in SECTORS}
    by_name.update({str(name).split(" & ")[0].lower(): slug for slug, name in SECTORS.items()})
    return by_name.get(text.lower(), text)


def read_exhibitor_rows(source: str | list[list[str]]) -> list[dict]:
    """Exhibitors from CSV text (comma or semicolon, a header row) or from the rows of a
    spreadsheet (``sheets.xlsx_table``). :raise ValidationError: empty, or no usable header."""
    if isinstance(source, str):
        text = source.lstrip("\ufeff").strip()
        table = _csv_table(text) if text else []
    else:
        table = source
    if not table or not any(table[0]):
        raise ValidationError(fields={"rows": _("Tempel atau unggah CSV peserta terlebih dahulu.")})
    header = [HEADER_ALIASES.get(str(h).strip().lower(), str(h).strip().lower()) for h in table[0]]
    missing = [c for c in ("name", "sector", "owner_email") if c not in header]
    if missing:
        raise ValidationError(
            fields={
                "rows": _(
                    "Baris pertama harus judul kolom: %(c)s (kurang: %(m)s).",
                    c=", ".join(CSV_COLUMNS),
                    m=", ".join(missing),
                )
            }
        )
    return [{k: (v or "").strip() for k, v in zip(header, row, strict=False) if k} for row in table[1:]]


def _csv_table(text: str) -> list[list[str]]:
    """CSV text as rows of cells. :raise ValidationError: not CSV (a NUL, an unclosed quote...)."""
    dialect: type[csv.Dialect] = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        pass
    try:
        return list(csv.reader(io.StringIO(text), dialect=dialect))
    except csv.Error as exc:
        raise ValidationError(fields={"rows": _("CSV tidak valid: %(e)s", e=exc)}) from exc


def bulk_onboard(actor, source: str | list[list[str]], expo=None) -> BulkResult:
    """Register, put in the expo and invite the owner of every row (CSV text or spreadsheet
    rows); a bad row is reported with its number and skipped (savepoint per row), the others go through."""
    require_agency(actor)
    result = BulkResult()
    for number, row in enumerate(read_exhibitor_rows(source), start=2):
        if not any(row.values()):
            continue
        result.rows += 1
        data = {
            "name": row.get("name"),
            "sector": _sector_slug(row.get("sector", "")),
            "city": row.get("city"),
            **{k: row.get(k) for k in OPTIONAL_COLUMNS if row.get(k)},
        }
        try:
            with db.session.begin_nested():
                result.created.append(
                    onboard_store(
                        actor,
                        data,
                        row.get("owner_email", ""),
                        expo,
                        booth=row.get("booth", ""),
                        zone=row.get("zone", ""),
                    )
                )
        except ServiceError as exc:
            result.errors.append((number, row.get("name") or "", _describe(exc)))
    audit.record(
        actor,
        "agency.bulk_onboard",
        "expo" if expo else "stores",
        expo.id if expo else "-",
        rows=result.rows,
        created=len(result.created),
        errors=len(result.errors),
    )
    return result


def _describe(exc: ServiceError) -> str:
    labels = {
        "name": _("nama"),
        "sector": _("sektor"),
        "nib": "NIB",
        "whatsapp": "WhatsApp",
        "owner_email": _("e-mail pemilik"),
        "email": _("e-mail pemilik"),
        "booth": _("stan"),
        "zone": _("zona"),
        "city": _("kota"),
        "store": _("toko"),
    }
    if exc.fields:
        return "; ".join(f"{labels.get(k, k)}: {v}" for k, v in exc.fields.items())
    return exc.message


# --- the audit log -----------------------------------------------------------------------


# --- claim links ------------------------------------------------------------------------


def claim_url(token: str) -> str:
    return absolute_url("stores.accept_invite", token=token)


def queue_claim_mail(store, invite, token: str) -> None:
    """Queue the claim link in the transaction that makes the invite (the outbox sends it)."""
    account_mails.queue_link(
        invite.email,
        _("Toko %(store)s menunggu Anda di Apik Market", store=store.name),
        "agency/mail/claim.txt",
        store=store,
        invite=invite,
        claim_url=claim_url(token),
    )
