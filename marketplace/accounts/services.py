"""Accounts: users, passwords, roles, API tokens, password reset."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, exists, func, select

from marketplace import audit
from marketplace.accounts.models import ROLES, ApiToken, EndedSession, User
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, Unauthorized, ValidationError
from marketplace.extensions import db
from marketplace.i18n import PhoneError, normalise_phone

MIN_PASSWORD = 8
INSURERS = ("jasindo", "askrindo")


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
        return validate_email((raw or "").strip(), check_deliverability=False,
                              test_environment=True).normalized.lower()
    except EmailNotValidError:
        raise ValidationError(fields={field: _("Alamat e-mail tidak valid.")})


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
        raise ValidationError(fields={field: _("Nomor telepon tidak valid. Contoh: 0812-3456-7890.")})


def clean_name(raw: str | None, field: str = "name", max_len: int = 120) -> str:
    value = text_input(raw, field).strip()
    if not value:
        raise ValidationError(fields={field: _("Wajib diisi.")})
    if len(value) > max_len:
        raise ValidationError(fields={field: _("Maksimal %(n)d karakter.", n=max_len)})
    return value


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def create_user(email: str, password: str, name: str, role: str = "shopper",
                insurer: str | None = None, phone: str | None = None) -> User:
    """A new user; raises ValidationError (bad fields) or Conflict (e-mail taken)."""
    errors: dict[str, str] = {}
    values = {}
    for field, check, raw in (("email", normalise_email, email), ("password", check_password_strength, password),
                              ("name", clean_name, name), ("phone", clean_phone, phone)):
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
    if get_user_by_email(values["email"]):
        raise Conflict(_("E-mail ini sudah terdaftar."), fields={"email": _("E-mail ini sudah terdaftar.")})
    roles = ["shopper"] if role == "shopper" else ["shopper", role] if role == "seller" else [role]
    user = User(email=values["email"], name=values["name"], phone=values["phone"],
                role_names=",".join(roles), insurer_code=insurer if role == "insurer" else None)
    user.set_password(values["password"])
    db.session.add(user)
    db.session.flush()
    audit.record(user, "user.created", "user", user.id, role=role)
    return user


def authenticate(email: str | None, password: str | None) -> User:
    """The user with these credentials; raises Unauthorized with one vague message."""
    if not isinstance(email, str) or not isinstance(password, str):
        raise Unauthorized(_("E-mail atau kata sandi salah."))
    user = get_user_by_email(email.strip()) if email else None
    if user is None or not user.active or not user.check_password(password or ""):
        raise Unauthorized(_("E-mail atau kata sandi salah."))
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
    """Checks the current password; every other session and token stops working."""
    if not user.check_password(current or ""):
        raise ValidationError(fields={"current_password": _("Kata sandi saat ini salah.")})
    set_new_password(user, new)


def set_new_password(user: User, new: str, field: str = "password") -> None:
    user.set_password(check_password_strength(new, field))
    invalidate_sessions(user)
    audit.record(user, "user.password_changed", "user", user.id)


def invalidate_sessions(user: User) -> None:
    """Log the user out everywhere: cookie sessions and API tokens."""
    user.session_version = (user.session_version or 1) + 1
    db.session.execute(
        ApiToken.__table__.update().where(ApiToken.user_id == user.id).values(revoked=True)
    )


# --- browser sessions ---------------------------------------------------------
# A session cookie is signed, not stored: a copy of it stays valid until it ages
# out. Each signed-in session therefore carries a random id, and sign-out records
# that id, so the copy is refused from then on (see ``load_session_user``).

def new_session_id() -> str:
    return secrets.token_urlsafe(24)


def end_session(session_id: str | None) -> None:
    """Record a signed-out session id; forget records older than any cookie can live."""
    if not session_id:
        return
    # kept as long as any cookie naming it can live: the session's, or the remember-me cookie's
    remember = current_app.config.get("REMEMBER_COOKIE_DURATION") or timedelta(days=365)
    if not isinstance(remember, timedelta):
        remember = timedelta(seconds=int(remember))
    lifetime = max(current_app.permanent_session_lifetime, remember)
    db.session.execute(delete(EndedSession).where(EndedSession.ended_at < now() - lifetime))
    if db.session.get(EndedSession, _hash(session_id)) is None:
        db.session.add(EndedSession(sid_hash=_hash(session_id), ended_at=now()))


def load_session_user(user_id: int, version: int, session_id: str | None) -> User | None:
    """The active user of a session cookie whose version is current and whose id was not signed out
    (one statement)."""
    query = select(User).where(User.id == user_id)
    if session_id:
        query = query.where(~exists().where(EndedSession.sid_hash == _hash(session_id)))
    user = db.session.scalar(query)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


# --- API tokens ------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = "apk_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash(token)))
    return token


@lru_cache(maxsize=1)
def _user_of_token():
    # built once: every API request runs it, only the hash changes
    return (select(User).join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked.is_(False),
                   User.active.is_(True)))


def user_for_token(token: str) -> User | None:
    """The active user of a token that was not revoked, else None (one statement: the user alone)."""
    return db.session.scalar(_user_of_token(), {"token_hash": _hash(token)})


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
        raise ValidationError(_("Tautan sudah kedaluwarsa. Minta tautan baru."))
    except BadSignature:
        raise NotFound(_("Tautan tidak valid."))
    user = db.session.get(User, data.get("u"))
    if user is None or _password_fingerprint(user) != data.get("h"):
        raise NotFound(_("Tautan tidak valid atau sudah dipakai."))
    return user


def grant_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise ValidationError(fields={"role": _("Peran tidak dikenal.")})
    user.add_role(role)
