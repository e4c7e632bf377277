"""The agency's registry of offices (perangkat daerah) and their officials.

The agency registers an office (name, kode satker, NPWP, address) and appoints its people: a
pejabat pengadaan (``pp``), a PPK and a bendahara, each a user with the ``gov`` role and ONE
position in ONE office, so the one who prepares a purchase never approves or pays it. A person
who sells (a store's owner or member) or works for the agency may not buy for an office: they
would sit on both sides of the purchase. Deactivating an office stops its officials at once
(``officials.official_of`` reads ``office.active``); dismissing an official keeps their row, so
the documents they signed still name them.

Every change is audited; the caller commits. ``actor`` None is the operator at the command line
(or the demo loader).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace import audit
from marketplace.accounts import mails as account_mails
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.agency.assist import is_officer
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.gov import officials
from marketplace.gov.models import POSITIONS, GovOffice, GovOfficial
from marketplace.gov.officials import POSITION_LABELS_ID
from marketplace.i18n import gettext as _
from marketplace.stores import interest
from marketplace.urls import absolute_url

CODE_RE = re.compile(r"^\d+(\.\d+)*$")
NPWP_SEPARATORS = re.compile(r"[\s.\-]")
NIP_LENGTH = 18  # Nomor Induk Pegawai: birth date, appointment month, sex and a serial
POSITION_LABELS = {
    "pp": _l("Pejabat Pengadaan"),
    "ppk": _l("Pejabat Pembuat Komitmen (PPK)"),
    "bendahara": _l("Bendahara"),
}


def position_label(position: str) -> str:
    return str(POSITION_LABELS.get(position, position))


def _require_officer(actor) -> None:
    """The agency (or an admin) keeps the registry; ``None`` is the operator at the command line."""
    if actor is not None and not is_officer(actor):
        raise PermissionDenied()


# --- reading ------------------------------------------------------------------------


def get_office(code: str) -> GovOffice:
    """:raise NotFound: no office has this kode satker."""
    office = db.session.scalar(select(GovOffice).where(GovOffice.code == (code or "").strip()))
    if office is None:
        raise NotFound(_("Instansi dengan kode satker %(code)s tidak ditemukan.", code=code))
    return office


def count_offices() -> int:
    return db.session.scalar(select(func.count(GovOffice.id))) or 0


def list_offices(*, limit: int | None = None, offset: int = 0) -> list[tuple[GovOffice, int]]:
    """Every office (the active first) by name, with the number of its active officials, one
    page of them when ``limit`` is given (one statement)."""
    counts = (
        select(GovOfficial.office_id, func.count().label("n"))
        .where(GovOfficial.active.is_(True))
        .group_by(GovOfficial.office_id)
        .subquery()
    )
    rows = db.session.execute(
        select(GovOffice, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.office_id == GovOffice.id)
        .order_by(GovOffice.active.desc(), GovOffice.name, GovOffice.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(office, int(n)) for office, n in rows]


def officials_of(office: GovOffice) -> list[tuple[GovOfficial, User]]:
    """The office's officials with their accounts: the active ones first, by position."""
    order = {p: i for i, p in enumerate(POSITIONS)}
    rows = db.session.execute(
        select(GovOfficial, User).join(User, User.id == GovOfficial.user_id).where(GovOfficial.office_id == office.id)
    ).all()
    return sorted(((o, u) for o, u in rows), key=lambda r: (not r[0].active, order.get(r[0].position, 9), r[1].name))


# --- the office ---------------------------------------------------------------------


def _text(data: dict, field: str, errors: dict, low: int, high: int, label: str) -> str:
    value = data.get(field)
    if value is not None and not isinstance(value, str):
        errors[field] = _("Isi dengan teks.")
        return ""
    value = " ".join((value or "").split())
    if len(value) < low:
        errors[field] = (
            _("%(label)s wajib diisi.", label=label)
            if not value
            else _("%(label)s minimal %(n)d karakter.", label=label, n=low)
        )
    elif len(value) > high:
        errors[field] = _("%(label)s paling banyak %(n)d karakter.", label=label, n=high)
    return value


def clean_npwp(raw) -> str:
    """The NPWP's digits: 15 (the old format, 01.234.567.8-901.000) or 16 (the NIK-based one).
    :raise ValidationError: on ``npwp``."""
    digits = NPWP_SEPARATORS.sub("", raw if isinstance(raw, str) else "")
    if not digits:
        raise ValidationError(fields={"npwp": _("NPWP wajib diisi.")})
    if not digits.isdigit() or len(digits) not in (15, 16):
        raise ValidationError(fields={"npwp": _("NPWP terdiri dari 15 atau 16 angka, mis. 01.234.567.8-901.000.")})
    return digits


def _clean_office(data: dict, office: GovOffice | None) -> dict[str, Any]:
    """The cleaned fields of an office; every bad field at once as a ValidationError."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "name": _text(data, "name", errors, 3, 200, _("Nama instansi")),
        "code": _text(data, "code", errors, 1, 30, _("Kode satker")).replace(" ", ""),
        "address": _text(data, "address", errors, 5, 500, _("Alamat")),
        "city": _text(data, "city", errors, 0, 80, _("Kota")),
    }
    if "code" not in errors and not CODE_RE.match(values["code"]):
        errors["code"] = _("Kode satker hanya angka dan titik, mis. 4.01.0.00.0.00.01.0000.")
    try:
        values["npwp"] = clean_npwp(data.get("npwp"))
    except ValidationError as exc:
        errors.update(exc.fields)
    if "code" not in errors:
        taken = db.session.scalar(select(GovOffice).where(GovOffice.code == values["code"]))
        if taken is not None and taken is not office:
            errors["code"] = _("Kode satker %(code)s sudah dipakai %(name)s.", code=values["code"], name=taken.name)
    if errors:
        raise ValidationError(fields=errors)
    if "active" in data:
        values["active"] = bool(data["active"])
    return values


def register_office(actor, data: dict) -> GovOffice:
    """A new active office from ``data`` (name, code, npwp, address, city).
    :raise ValidationError: bad fields, or a kode satker already registered."""
    _require_officer(actor)
    values = _clean_office(data, None)
    values["active"] = True
    office = GovOffice(**values)
    db.session.add(office)
    db.session.flush()
    audit.record(actor, "gov_office.registered", "gov_office", office.code, name=office.name, npwp=office.npwp)
    return office


def update_office(actor, office: GovOffice, data: dict) -> GovOffice:
    """Change an office's fields; ``active`` in ``data`` switches it on or off (off stops its
    officials at once). Audited with what changed. :raise ValidationError: bad fields."""
    _require_officer(actor)
    values = _clean_office(data, office)
    active = values.pop("active", office.active)
    changed = audit.changes(office, values)
    for key, value in values.items():
        setattr(office, key, value)
    if changed:
        audit.record(actor, "gov_office.updated", "gov_office", office.code, changes=changed)
    if active != office.active:
        office.active = active
        officials.forget()
        if active:
            audit.record(actor, "gov_office.reactivated", "gov_office", office.code, name=office.name)
        else:
            audit.record(actor, "gov_office.deactivated", "gov_office", office.code, name=office.name)
    db.session.flush()
    return office


# --- its officials ------------------------------------------------------------------


def clean_nip(raw) -> str | None:
    """The NIP's 18 digits (spaces allowed in between), or None when empty.
    :raise ValidationError: on ``nip``."""
    digits = "".join((raw if isinstance(raw, str) else "").split())
    if not digits:
        return None
    if not digits.isdigit() or len(digits) != NIP_LENGTH:
        raise ValidationError(fields={"nip": _("NIP terdiri dari 18 angka.")})
    return digits


def _refuse_conflicts(user: User, office: GovOffice) -> None:
    """Why ``user`` may not hold a position: they sell, work for the agency, or hold one already."""
    roles = set(user.roles)
    if "agency" in roles or "admin" in roles:
        message = _(
            "%(email)s adalah akun petugas dinas atau admin; pejabat instansi memakai akun tersendiri.",
            email=user.email,
        )
        raise Conflict(message, fields={"email": message})
    if "seller" in roles or interest.member_store_ids(user):
        message = _(
            "%(email)s adalah penjual atau anggota toko; penjual tidak boleh membeli untuk instansi.",
            email=user.email,
        )
        raise Conflict(message, fields={"email": message})
    held = db.session.scalar(select(GovOfficial).where(GovOfficial.user_id == user.id))
    if held is not None and held.active:
        message = (
            _(
                "%(email)s sudah menjabat %(position)s di instansi ini. Satu orang satu jabatan.",
                email=user.email,
                position=position_label(held.position),
            )
            if held.office_id == office.id
            else _(
                "%(email)s sudah menjabat %(position)s di %(office)s. Satu orang satu jabatan: "
                "berhentikan dulu di sana.",
                email=user.email,
                position=position_label(held.position),
                office=held.office.name,
            )
        )
        raise Conflict(message, fields={"email": message})


def appoint(
    actor,
    office: GovOffice,
    email,
    position,
    nip=None,
    name=None,
    *,
    notify: bool = True,
) -> GovOfficial:
    """Give ``email`` the position in ``office``. An existing account gets the ``gov`` role (and,
    with ``notify``, a note that it was appointed); an unknown address gets a new account of the
    ``gov`` role with a random password and a mail with the link to set its own (the password
    reset link), so the agency never knows it. :raise ValidationError: bad fields (a name is
    needed for a new account). :raise Conflict: the person sells, works for the agency or holds
    a position already, or the office is inactive."""
    _require_officer(actor)
    errors: dict[str, str] = {}
    try:
        address = accounts.normalise_email(email if isinstance(email, str) else "")
    except ValidationError as exc:
        errors.update(exc.fields)
        address = ""
    if position not in POSITIONS:
        errors["position"] = _("Pilih jabatan: pejabat pengadaan, PPK atau bendahara.")
    try:
        nip = clean_nip(nip)
    except ValidationError as exc:
        errors.update(exc.fields)
    user = accounts.get_user_by_email(address) if address else None
    if user is None and address:
        try:
            name = accounts.clean_name(name if isinstance(name, str) else "")
        except ValidationError:
            errors["name"] = _("Nama wajib untuk akun baru (dipakai pada tanda tangan dokumen).")
    if errors:
        raise ValidationError(fields=errors)
    if not office.active:
        raise Conflict(_("Instansi %(name)s nonaktif; aktifkan dulu sebelum mengangkat pejabat.", name=office.name))
    created = user is None
    if user is None:
        # confirmed: the only way in is the set-password link mailed to this address
        user = accounts.create_user(address, secrets.token_urlsafe(24), str(name), role="gov", confirmed=True)
    else:
        _refuse_conflicts(user, office)
        accounts.grant_role(user, "gov")
    official = db.session.get(GovOfficial, user.id)
    if official is None:
        official = GovOfficial(user_id=user.id)
        db.session.add(official)
    official.office_id, official.office = office.id, office
    official.position, official.nip, official.active = str(position), nip, True
    db.session.flush()
    officials.forget(user.id)
    audit.record(
        actor,
        "gov_official.appointed",
        "gov_official",
        user.id,
        office=office.code,
        position=position,
        email=user.email,
        nip=nip,
    )
    if created or notify:
        _mail_appointment(user, office, str(position), created)
    return official


def _mail_appointment(user: User, office: GovOffice, position: str, created: bool) -> None:
    """Queue the appointment mail in the caller's transaction: a new account's holds the link to
    set its password (the reset link, which dies once used)."""
    link = (
        absolute_url("accounts.reset_password", token=accounts.password_reset_token(user))
        if created
        else absolute_url("accounts.login")
    )
    account_mails.queue_link(
        user.email,
        _(
            "Anda diangkat sebagai %(position)s %(office)s di Apik Market",
            position=POSITION_LABELS_ID[position],
            office=office.name,
        ),
        "agency/mail/gov_appointed.txt",
        office=office,
        position=POSITION_LABELS[position],
        link=link,
        created=created,
        address=user.email,
        hours=max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600),
    )


def get_official(office: GovOffice, user_id: int) -> GovOfficial:
    """:raise NotFound: the user holds no position (active or past) in this office."""
    official = db.session.get(GovOfficial, user_id)
    if official is None or official.office_id != office.id:
        raise NotFound(_("Pejabat tidak ditemukan di instansi ini."))
    return official


def dismiss(actor, official: GovOfficial) -> GovOfficial:
    """End the position: the person can no longer act for the office (their account and the
    documents they signed stay). :raise Conflict: already dismissed."""
    _require_officer(actor)
    if not official.active:
        raise Conflict(_("Pejabat ini sudah diberhentikan."))
    official.active = False
    db.session.flush()
    officials.forget(official.user_id)
    audit.record(
        actor,
        "gov_official.dismissed",
        "gov_official",
        official.user_id,
        office=official.office.code,
        position=official.position,
    )
    return official
