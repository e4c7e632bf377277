"""Account pages: register, sign in and out, password reset, profile, e-mail confirmation, API tokens.

HTTP only: the forms parse, ``accounts.services`` decides.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user

from marketplace import nav
from marketplace.accounts import mails, services
from marketplace.accounts import tokens as api_tokens
from marketplace.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    RevokeTokenForm,
)
from marketplace.accounts.services import RESEND_LIMIT, SIGN_IN_LIMIT, SIGN_IN_SCOPE
from marketplace.accounts.sessions import sign_out, start_session
from marketplace.errors import Conflict, NotFound, ServiceError, Unauthorized, ValidationError
from marketplace.extensions import db, limiter, login_manager
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.i18n import phone_display
from marketplace.mail import queue_mail
from marketplace.urls import safe_next

log = logging.getLogger(__name__)

bp = Blueprint("accounts", __name__, template_folder="templates")

HOME = "catalog.home"


@bp.record_once
def _login_messages(state) -> None:
    """Flask-Login's "please sign in" flash, in the page's language."""
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str


# --- helpers -------------------------------------------------------------------


def _page(template: str, form, status: int | None = None, **context):
    """Render a form page: 200 on GET, 422 on a POST that comes back with errors."""
    if status is None:
        status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


def _link_invalid(exc: ServiceError, retry_url: str, retry_label: str):
    """The page for a mailed link that is bad or expired, with the way to a new one."""
    return render_template(
        "accounts/link_invalid.html", message=exc.message, retry_url=retry_url, retry_label=retry_label
    ), exc.status


def _mail(user, subject, template: str, **context) -> None:
    """Queue an account e-mail in the current transaction (the caller commits; the outbox sends it)."""
    queue_mail(user.email, subject, template, locale=user.locale, user=user, **context)


def _retry_after(exc) -> dict:
    """The Retry-After header of a sign-in wait (none for other refusals)."""
    return {"Retry-After": str(exc.retry_after)} if isinstance(exc, services.SignInBlocked) else {}


def _remember_cookie_present() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


# --- register, sign in, sign out ------------------------------------------------

# kept by a browser that signed in: it gets past the wait other people's wrong guesses put on the address
KNOWN_DEVICE_COOKIE = "known_signin"


def _resend_key() -> str:
    """Confirmation mails are limited per account as well as per client address."""
    return f"confirm:{getattr(current_user, 'id', '')}:{getattr(current_user, 'email', '')}"


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    """The sign-up form; creates a shopper and signs them in. 422 with field errors."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or url_for(HOME))
    form = RegisterForm()
    if not form.validate_on_submit():
        return _page("accounts/register.html", form, next_url=next_url)
    try:
        user = services.create_user(form.email.data, form.password.data, form.name.data)
    except (ValidationError, Conflict) as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _page("accounts/register.html", form, 422, next_url=next_url)
    db.session.commit()
    mails.email_confirmation(user)
    start_session(user)
    flash(_("Selamat datang, %(name)s! Akun Anda sudah dibuat.", name=user.name), "success")
    flash(
        _(
            "Kami mengirim tautan konfirmasi ke %(email)s. Konfirmasi e-mail Anda sebelum membuka toko.",
            email=user.email,
        ),
        "info",
    )
    return redirect(next_url or url_for(HOME))


@bp.route("/login", methods=["GET", "POST"])
@limiter.shared_limit(SIGN_IN_LIMIT, scope=SIGN_IN_SCOPE, methods=["POST"])
def login():
    """The sign-in form; on success a new session and a redirect to a local ``next``. 401 on bad credentials;
    429 (and when to retry) while the address waits after too many wrong passwords."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or _landing(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return _page("accounts/login.html", form, next_url=next_url)
    try:
        user = services.authenticate(
            form.email.data, form.password.data, known_device=request.cookies.get(KNOWN_DEVICE_COOKIE)
        )
    except (Unauthorized, services.SignInBlocked) as exc:
        db.session.commit()  # the failure count
        form.form_errors = [exc.message]
        return (*_page("accounts/login.html", form, exc.status, next_url=next_url), _retry_after(exc))
    db.session.commit()
    start_session(user, remember=bool(form.remember.data))
    response = redirect(next_url or _landing(user))
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        services.device_proof(user.email),
        max_age=services.DEVICE_PROOF_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def _landing(user) -> str:
    """Where a user goes after signing in without a ``next``: where its role works, else home."""
    return nav.landing_url(user) or url_for(HOME)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET: a page with the sign-out button; POST (CSRF-checked): signs out and goes home."""
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for(HOME))
        return render_template("accounts/logout.html", form=LogoutForm())
    sign_out()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for(HOME))


# --- forgotten password ---------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    """Asks for an e-mail; answers the same whether or not an account has it."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return _page("accounts/forgot_password.html", form)
    try:
        email = services.normalise_email(form.email.data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _page("accounts/forgot_password.html", form, 422)
    mails.password_reset(email, services.get_user_by_email(email))  # same work for unknown addresses
    flash(
        _(
            "Jika e-mail itu terdaftar, kami sudah mengirim tautan untuk mengganti kata sandi. "
            "Periksa kotak masuk Anda."
        ),
        "info",
    )
    return redirect(url_for("accounts.login"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """A new password from an e-mailed link. 404 for a bad or used link, 422 when it has expired."""
    try:
        user = services.user_for_reset_token(token)
    except (ValidationError, NotFound) as exc:
        return _link_invalid(exc, url_for("accounts.forgot_password"), _("Minta tautan baru"))
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return _page("accounts/reset_password.html", form)
    try:
        services.set_new_password(user, form.password.data)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _page("accounts/reset_password.html", form, 422)
    _mail(user, _l("Kata sandi Apik Market Anda diganti"), "accounts/mail/password_changed.txt")
    db.session.commit()
    flash(_("Kata sandi baru sudah disimpan. Silakan masuk."), "success")
    return redirect(url_for("accounts.login"))


# --- the signed-in user's account ----------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    """Name, phone and language of the signed-in user. 422 with field errors."""
    user = current_user._get_current_object()
    form = ProfileForm()
    if request.method == "GET":
        form.name.data = user.name
        form.phone.data = phone_display(user.phone)
        form.locale.data = user.locale or str(get_locale())
    if not form.validate_on_submit():
        return _page("accounts/profile.html", form, user=user)
    try:
        services.update_profile(user, form.name.data, form.phone.data, form.locale.data or None)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _page("accounts/profile.html", form, 422, user=user)
    db.session.commit()
    if user.locale:
        session["lang"] = user.locale
    flash(_("Profil disimpan."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Current and new password; this session stays signed in, every other one ends."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page("accounts/change_password.html", form)
    try:
        services.change_password(user, form.current_password.data, form.password.data)
    except services.SignInBlocked as exc:
        form.form_errors = [exc.message]
        return (*_page("accounts/change_password.html", form, exc.status), _retry_after(exc))
    except ValidationError as exc:
        if "current_password" in exc.fields:
            db.session.commit()  # the failure count, and nothing else
        else:
            db.session.rollback()
        apply_errors(form, exc)
        return _page("accounts/change_password.html", form, 422)
    _mail(user, _l("Kata sandi Apik Market Anda diganti"), "accounts/mail/password_changed.txt")
    db.session.commit()
    login_user(user, remember=_remember_cookie_present())  # the new session_version
    flash(_("Kata sandi diganti. Sesi di perangkat lain sudah dikeluarkan."), "success")
    return redirect(url_for("accounts.profile"))


# --- e-mail confirmation ----------------------------------------------------------


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(RESEND_LIMIT, methods=["POST"])
@limiter.limit(RESEND_LIMIT, methods=["POST"], key_func=_resend_key)
def email_confirmation():
    """Whether the address is confirmed; POST (CSRF-checked) mails a new confirmation link."""
    user = current_user._get_current_object()
    form = ResendConfirmationForm()
    if request.method == "POST" and form.validate_on_submit():
        if services.needs_email_confirmation(user):
            mails.email_confirmation(user)
            flash(_("Tautan konfirmasi baru sudah dikirim ke %(email)s.", email=user.email), "success")
        else:
            flash(_("Alamat e-mail Anda sudah dikonfirmasi."), "info")
        return redirect(url_for("accounts.email_confirmation"))
    return render_template(
        "accounts/email_confirmation.html", user=user, form=form, confirmed=not services.needs_email_confirmation(user)
    ), 422 if form.errors else 200


@bp.route("/account/confirm/<token>")
def confirm_email(token: str):
    """The link of the confirmation mail: marks the address confirmed (signed in or not: the signed link
    names its user). 404 for a bad link, 422 expired."""
    try:
        services.confirm_email(token)
    except (ValidationError, NotFound) as exc:
        db.session.rollback()
        return _link_invalid(exc, url_for("accounts.email_confirmation"), _("Kirim ulang tautan konfirmasi"))
    db.session.commit()
    return render_template("accounts/confirmed.html")


# --- API tokens -------------------------------------------------------------------


@bp.route("/account/tokens")
@login_required
def tokens():
    """The user's live API tokens (never the secret), each with a revoke button."""
    user = current_user._get_current_object()
    return render_template("accounts/tokens.html", tokens=api_tokens.tokens_of(user), form=RevokeTokenForm())


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revokes one of the user's tokens (CSRF-checked). 404 for anyone else's."""
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        flash(_("Sesi formulir kedaluwarsa. Coba lagi."), "error")
        return redirect(url_for("accounts.tokens"))
    api_tokens.revoke_token(current_user._get_current_object(), token_id)
    db.session.commit()
    flash(_("Token dicabut. Aplikasi yang memakainya harus masuk lagi."), "success")
    return redirect(url_for("accounts.tokens"))
