"""Account e-mails that a request causes: password reset, e-mail confirmation, links to invitees.

Rendered in the request (the same work whether or not an account has the address) and written
to the mail outbox (``marketplace.mail``) by a job, which sends it after the answer, so neither
the answer nor the statements the request sends tell whether the address has an account (a job is
queued either way; it writes only a real account's message). Links (invites, stores to claim)
are queued in the caller's transaction by :func:`queue_link`.
"""

from __future__ import annotations

import logging

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from marketplace import jobs, mail
from marketplace.accounts import services
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.urls import absolute_url

log = logging.getLogger(__name__)


def _render(to: str, locale: str | None, subject, template: str, **context) -> tuple[str, str, str]:
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return to, str(subject), render_template(template, **context)


@jobs.task(name="accounts.queue_mail")
def _write_to_outbox(to: str, subject: str, body: str, kind: str, real: bool) -> None:
    """The job: write the rendered message to the outbox (when it has a real account) and commit."""
    if real:
        mail.queue_rendered(to, subject, body, kind=kind)
        db.session.commit()


def _send(draft: tuple[str, str, str], kind: str, real: bool = True) -> None:
    """Hand the rendered message to a job that writes it to the outbox: the request does the same
    work (one job queued, nothing written) whether or not the address has an account."""
    try:
        jobs.enqueue(_write_to_outbox, *draft, kind, real)
    except Exception:  # the mail's failure, never the page's
        log.exception("could not queue account mail (%s)", kind)


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
    _send(draft, "accounts/mail/password_reset.txt", real)


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
        ),
        "accounts/mail/confirm_email.txt",
    )


def queue_link(email: str, subject, template: str, **context) -> None:
    """Queue a link (an invite, a store to claim) to an address in the caller's transaction, in its
    account's language when it has one; the template gets ``has_account``. The outbox sends it
    after the commit, and retries it (``marketplace.mail``)."""
    invitee = services.get_user_by_email(email)
    mail.queue_mail(
        email,
        subject,
        template,
        locale=getattr(invitee, "locale", None),
        has_account=invitee is not None,
        **context,
    )
