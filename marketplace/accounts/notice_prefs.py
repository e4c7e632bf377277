"""The user's choice of notices besides e-mail: WhatsApp with a number they consented to, or not.

Opting in stores the number (E.164, checked as the store's WhatsApp number is) and the time of
consent; opting out clears both. The WhatsApp plugin calls :func:`opt_out_number` when someone
answers STOP (BERHENTI). Every change is audited; the caller commits.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace import audit
from marketplace.accounts.models import User
from marketplace.accounts.services import clean_phone
from marketplace.channels import enabled_channels
from marketplace.clock import now
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.i18n import PhoneError, normalise_phone
from marketplace.i18n import gettext as _


class NoChannel(Conflict):
    code = "no_channel"

    def default_message(self) -> str:
        return _("Notifikasi WhatsApp belum tersedia di situs ini.")


def available() -> bool:
    """Whether a channel besides e-mail is enabled on this site (else the opt-in is closed)."""
    return bool(enabled_channels())


def opted_in(user: User) -> bool:
    return bool(user.whatsapp and user.whatsapp_opt_in_at)


def opt_in(user: User, number: str | None, consent: bool = True) -> User:
    """Send ``user`` notices by WhatsApp at ``number``. :raise ValidationError: no valid number,
    or no consent. :raise NoChannel: no channel is enabled."""
    errors: dict[str, str] = {}
    e164 = None
    try:
        e164 = clean_phone(number, "whatsapp")
    except ValidationError as exc:
        errors.update(exc.fields)
    if not e164 and "whatsapp" not in errors:
        errors["whatsapp"] = _("Wajib diisi.")
    if not consent:
        errors["consent"] = _("Centang persetujuan untuk menerima notifikasi WhatsApp.")
    if errors:
        raise ValidationError(fields=errors)
    if not available():
        raise NoChannel()
    if user.whatsapp == e164 and user.whatsapp_opt_in_at is not None:
        return user  # nothing changes: no audit row
    user.whatsapp, user.whatsapp_opt_in_at = e164, now()
    audit.record(user, "notices.opt_in", "user", user.id, whatsapp=e164)
    return user


def opt_out(user: User, actor=None, reason: str = "user") -> bool:
    """No more WhatsApp notices for ``user``: the number and the consent are forgotten. False
    when they had not opted in."""
    if user.whatsapp is None and user.whatsapp_opt_in_at is None:
        return False
    user.whatsapp, user.whatsapp_opt_in_at = None, None
    audit.record(actor if actor is not None else user, "notices.opt_out", "user", user.id, reason=reason)
    return True


def opt_out_number(number: str) -> int:
    """Whoever opted in with ``number`` (someone answered STOP from it) opts out; how many.
    A number that does not parse matches nobody."""
    try:
        e164 = normalise_phone(number)
    except PhoneError:
        return 0
    users = db.session.scalars(select(User).where(User.whatsapp == e164)).all()
    return sum(opt_out(user, reason="stop") for user in users)
