"""Account e-mails that a request causes: password reset and e-mail confirmation.

Rendered in the request (the same work whether or not an account has the address),
handed to the mail outbox to be sent after the answer (``mail.deliver_after_response``),
so neither the time taken nor the answer tells whether the address has an account.
"""

from __future__ import annotations

import logging
import smtplib

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from marketplace import mail
from marketplace.accounts import services
from marketplace.accounts.models import User
from marketplace.urls import absolute_url

log = logging.getLogger(__name__)


def _render(to: str, locale: str | None, subject, template: str, **context) -> tuple[str, str, str]:
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return to, str(subject), render_template(template, **context)


def _send(draft: tuple[str, str, str]) -> None:
    try:
        mail.deliver_after_response(*draft)
    except Exception:  # the mail's failure, never the page's
        log.exception("could not queue account mail (%s)", draft[1])


def password_reset(email: str, user: User | None) -> None:
    """The reset mail for ``email``: built alike for an unknown address (a stand-in user), sent only
    to an active account."""
    real = user is not None and user.active
    subject_of = user if real else User(id=0, email=email, name=email.split("@")[0], password_hash="")
    link = absolute_url("accounts.reset_password", token=services.password_reset_token(subject_of))
    hours = max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600)
    draft = _render(
        email,
        getattr(user, "locale", None),
        _l("Ganti kata sandi Apik Market"),
        "accounts/mail/password_reset.txt",
        user=subject_of,
        link=link,
        hours=hours,
    )
    if real:
        _send(draft)


def email_confirmation(user: User) -> None:
    """The confirmation link for the user's address."""
    link = absolute_url("accounts.confirm_email", token=services.email_confirmation_token(user))
    days = max(1, services.confirm_max_age() // 86400)
    _send(
        _render(
            user.email,
            user.locale,
            _l("Konfirmasi e-mail Apik Market Anda"),
            "accounts/mail/confirm_email.txt",
            user=user,
            link=link,
            days=days,
        )
    )


def send_link_now(email: str, subject, template: str, **context) -> bool:
    """Mail a link (an invite, a store to claim) to an address at once, in its account's language
    when it has one; the template gets ``has_account``. False when delivery failed (logged): the
    caller's record stays, and the page says the mail did not go."""
    invitee = services.get_user_by_email(email)
    try:
        mail.send_mail(
            email,
            subject,
            template,
            locale=getattr(invitee, "locale", None),
            has_account=invitee is not None,
            **context,
        )
    except (smtplib.SMTPException, OSError):
        log.exception("mail to %s (%s) failed", email, template)
        return False
    return True
