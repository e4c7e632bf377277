"""Accounts: users, passwords, roles, password reset, e-mail confirmation, and signing in. The
limits on guessing passwords are in signin_limits.py, API tokens in tokens.py."""

from __future__ import annotations

import hashlib
import logging
import secrets
from functools import lru_cache
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace import audit
from marketplace.accounts.models import ROLES, ApiToken, User
from marketplace.accounts.signin_limits import DEVICE_PROOF_MAX_AGE as DEVICE_PROOF_MAX_AGE

# The limits on guessing passwords live in signin_limits; the `X as X` names are re-exported
# because the pages and the tests read them from here.
from marketplace.accounts.signin_limits import FAILURES_FORGOTTEN_AFTER as FAILURES_FORGOTTEN_AFTER
from marketplace.accounts.signin_limits import FREE_FAILURES as FREE_FAILURES
from marketplace.accounts.signin_limits import MAX_BLOCK_MINUTES as MAX_BLOCK_MINUTES
from marketplace.accounts.signin_limits import (
    SignInBlocked,
    blocked_until,
    clear_failures,
    is_known_device,
    record_failure,
)
from marketplace.accounts.signin_limits import block_minutes as block_minutes
from marketplace.accounts.signin_limits import device_proof as device_proof
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, PermissionDenied, Unauthorized, ValidationError
from marketplace.extensions import db
from marketplace.i18n import PhoneError, normalise_phone
from marketplace.i18n import gettext as _

log = logging.getLogger(__name__)

MIN_PASSWORD = 8
INSURERS = ("jasindo", "askrindo")

# The login page and the token endpoint (api/accounts.py) share one count of password guesses per client.
SIGN_IN_LIMIT = "20 per minute"
SIGN_IN_SCOPE = "sign-in"
RESEND_LIMIT = "3 per hour"


class EmailNotConfirmed(PermissionDenied):
    code = "email_not_confirmed"


def text_input(raw, field: str) -> str:
    """``raw`` as a string ("" for None); anything else (a number, a list from JSON) names the field."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(fields={field: _("Harus teks.")})
    return raw


def normalise_email(raw: str | None, field: str = "email") -> str:
    raw = text_input(raw, field)
    try:
        # test_environment: the demo accounts of CONTRACT.md live under the special-use .test domain
        return validate_email((raw or "").strip(), check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError:
        raise ValidationError(fields={field: _("Alamat e-mail tidak valid.")}) from None


def check_password_strength(password: str | None, field: str = "password") -> str:
    password = text_input(password, field)
    if not password or len(password) < MIN_PASSWORD:
        raise ValidationError(fields={field: _("Kata sandi minimal %(n)d karakter.", n=MIN_PASSWORD)})
    if len(password) > 200:
        raise ValidationError(fields={field: _("Kata sandi terlalu panjang.")})
    return password


def clean_phone(raw: str | None, field: str = "phone") -> str | None:
    raw = text_input(raw, field)
    if not raw or not raw.strip():
        return None
    try:
        return normalise_phone(raw)
    except PhoneError:
        raise ValidationError(fields={field: _("Nomor telepon tidak valid. Contoh: 0812-3456-7890.")}) from None


def clean_name(raw: str | None, field: str = "name", max_len: int = 120) -> str:
    value = text_input(raw, field).strip()
    if not value:
        raise ValidationError(fields={field: _("Wajib diisi.")})
    if len(value) > max_len:
        raise ValidationError(fields={field: _("Maksimal %(n)d karakter.", n=max_len)})
    return value


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def create_user(
    email: str,
    password: str,
    name: str,
    role: str = "shopper",
    insurer: str | None = None,
    phone: str | None = None,
    confirmed: bool = False,
) -> User:
    """A new user; raises ValidationError (bad fields) or Conflict (e-mail taken).

    ``confirmed``: the e-mail address counts as confirmed (an operator's or the demo's accounts);
    otherwise the caller mails ``email_confirmation_token`` (``send_email_confirmation``)."""
    values = _checked_new_user(email, password, name, role, insurer, phone)
    if get_user_by_email(values["email"]):
        raise Conflict(_("E-mail ini sudah terdaftar."), fields={"email": _("E-mail ini sudah terdaftar.")})
    user = User(
        email=values["email"],
        name=values["name"],
        phone=values["phone"],
        role_names=",".join(_roles_for(role)),
        insurer_code=insurer if role == "insurer" else None,
        email_confirmed_at=now() if confirmed else None,
    )
    user.set_password(values["password"])
    db.session.add(user)
    db.session.flush()
    audit.record(user, "user.created", "user", user.id, role=role)
    return user


def _checked_new_user(
    email: str, password: str, name: str, role: str, insurer: str | None, phone: str | None
) -> dict[str, Any]:
    """The cleaned e-mail, password, name and phone; every bad field at once as a ValidationError."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}  # what each check returns, by field
    for field, check, raw in (
        ("email", normalise_email, email),
        ("password", check_password_strength, password),
        ("name", clean_name, name),
        ("phone", clean_phone, phone),
    ):
        try:
            values[field] = check(raw)
        except ValidationError as exc:
            errors.update(exc.fields)
    if role not in ROLES:
        errors["role"] = _("Peran tidak dikenal.")
    if role == "insurer" and insurer not in INSURERS:
        errors["insurer"] = _("Pengguna asuransi harus terikat pada satu perusahaan asuransi.")
    if errors:
        raise ValidationError(fields=errors)
    return values


def _roles_for(role: str) -> list[str]:
    """The roles a new account starts with: every seller is also a shopper."""
    return ["shopper"] if role == "shopper" else ["shopper", role] if role == "seller" else [role]


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


@lru_cache(maxsize=8)
def _dummy_hash(method: str) -> str:
    """A hash of a random password made like real ones: checked when no account has the address,
    so an unknown address costs the same work (and time) as a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def verify_password(user: User | None, password: str) -> bool:
    """One password hash check whatever ``user`` is (None, inactive, no password): the same work
    either way, so the time taken tells nothing about the account."""
    stored = user.password_hash if user is not None and user.password_hash else None
    ok = check_password_hash(stored or _dummy_hash(_hash_method()), password or "")
    return ok and user is not None and stored is not None and user.active


def authenticate(email: str | None, password: str | None, known_device: str | None = None) -> User:
    """The user with these credentials; raises Unauthorized with one vague message, or SignInBlocked
    (429) while the address waits after too many failures — unless ``known_device`` is this address's
    proof from a browser that signed in before (``device_proof``), so a stranger's guesses cannot keep
    the owner out. The same statements and one hash check run whether or not the address has an
    account. The caller commits either way (the failure count)."""
    if not isinstance(email, str) or not isinstance(password, str):
        raise Unauthorized(_("E-mail atau kata sandi salah."))
    key = (email or "").strip().lower()
    user = get_user_by_email(key) if key else None
    blocked = blocked_until(key)
    ok = verify_password(user, password)
    if blocked is not None and not is_known_device(known_device, key):
        raise SignInBlocked(blocked)
    if not ok:
        record_failure(key)
        raise Unauthorized(_("E-mail atau kata sandi salah."))
    assert user is not None  # verify_password is never true without one
    clear_failures(key)
    return user


def update_profile(user: User, name: str, phone: str | None, locale: str | None = None) -> User:
    errors: dict[str, str] = {}
    try:
        user.name = clean_name(name)
    except ValidationError as exc:
        errors.update(exc.fields)
    try:
        user.phone = clean_phone(phone)
    except ValidationError as exc:
        errors.update(exc.fields)
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        errors["locale"] = _("Bahasa tidak dikenal.")
    if errors:
        db.session.rollback()
        raise ValidationError(fields=errors)
    if locale:
        user.locale = locale
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Checks the current password (counted like a sign-in: wrong ones make the account wait, and
    SignInBlocked while it waits); every other session and token stops working. The caller commits
    on failure too (the count)."""
    blocked = blocked_until(user.email)
    ok = verify_password(user, current if isinstance(current, str) else "")
    if blocked is not None:
        raise SignInBlocked(blocked)
    if not ok:
        record_failure(user.email)
        raise ValidationError(fields={"current_password": _("Kata sandi saat ini salah.")})
    clear_failures(user.email)
    set_new_password(user, new)


def set_new_password(user: User, new: str, field: str = "password") -> None:
    """A new password (from the account page or a reset link, which proves the mailbox): it also
    ends the wait after failed sign-ins."""
    user.set_password(check_password_strength(new, field))
    clear_failures(user.email)
    invalidate_sessions(user)
    audit.record(user, "user.password_changed", "user", user.id)


def invalidate_sessions(user: User) -> None:
    """Log the user out everywhere: cookie sessions and API tokens."""
    user.session_version = (user.session_version or 1) + 1
    db.session.execute(ApiToken.__table__.update().where(ApiToken.user_id == user.id).values(revoked=True))


# --- secrets at rest ------------------------------------------------------------
# Browser sessions (signing in and out, the session id, the user loader) are in sessions.py.


def secret_digest(secret: str) -> str:
    """What is stored of a secret (an API token, a signed-out session id): its SHA-256, never itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


# --- password reset ----------------------------------------------------------


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    """Changes with every new password; a digest, so the link reveals nothing of the hash."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    """A signed token bound to the current password hash: it dies once used."""
    return _reset_serializer().dumps({"u": user.id, "h": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise ValidationError(_("Tautan sudah kedaluwarsa. Minta tautan baru.")) from None
    except BadSignature:
        raise NotFound(_("Tautan tidak valid.")) from None
    user = db.session.get(User, data.get("u"))
    if user is None or _password_fingerprint(user) != data.get("h"):
        raise NotFound(_("Tautan tidak valid atau sudah dipakai."))
    return user


def grant_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise ValidationError(fields={"role": _("Peran tidak dikenal.")})
    user.add_role(role)


# --- e-mail confirmation ---------------------------------------------------------


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirm")


def confirm_max_age() -> int:
    """Seconds a confirmation link lives (EMAIL_CONFIRM_MAX_AGE, default 3 days)."""
    return int(current_app.config.get("EMAIL_CONFIRM_MAX_AGE") or 3 * 24 * 3600)


def email_confirmation_token(user: User) -> str:
    """A signed token for the user's current address (it dies if the address changes);
    valid EMAIL_CONFIRM_MAX_AGE seconds."""
    return _confirm_serializer().dumps({"u": user.id, "e": user.email})


def confirm_email(token: str) -> User:
    """Marks the address of a confirmation link confirmed (again: no change)."""
    try:
        data = _confirm_serializer().loads(token, max_age=confirm_max_age())
    except SignatureExpired:
        raise ValidationError(_("Tautan konfirmasi sudah kedaluwarsa. Minta tautan baru dari halaman akun.")) from None
    except BadSignature:
        raise NotFound(_("Tautan konfirmasi tidak valid.")) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or user.email != data.get("e"):
        raise NotFound(_("Tautan konfirmasi tidak valid."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now()
        audit.record(user, "user.email_confirmed", "user", user.id)
    return user


def needs_email_confirmation(user: User) -> bool:
    return user.email_confirmed_at is None


def require_confirmed_email(user) -> None:
    """EmailNotConfirmed (403) until the user opened the confirmation link: opening a store and
    uploading images wait for it."""
    if isinstance(user, User) and user.email_confirmed_at is None:
        raise EmailNotConfirmed(
            _(
                "Konfirmasi alamat e-mail Anda dulu sebelum membuka toko atau mengunggah "
                "foto. Buka tautan yang kami kirim, atau kirim ulang dari halaman "
                "Akun > Konfirmasi e-mail (/account/email) atau lewat API "
                "POST /api/v1/me/email-confirmation."
            )
        )
