"""Account forms: they parse the request and carry CSRF; the services judge the values.

Only what belongs to HTTP is checked here (a field was sent, the two typed
passwords match). E-mail syntax, password strength and phone numbers are the
rules of ``accounts.services``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import EqualTo, InputRequired

REQUIRED = _l("Wajib diisi.")
LANGUAGE_CHOICES = [("id", "Bahasa Indonesia"), ("en", "English")]


def _required():
    return InputRequired(message=REQUIRED)


def _confirmation():
    return [_required(), EqualTo("password", message=_l("Kedua kata sandi tidak sama."))]


class RegisterForm(FlaskForm):
    name = StringField(_l("Nama lengkap"), validators=[_required()], render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail"), validators=[_required()], render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Kata sandi"), validators=[_required()], render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(
        _l("Ulangi kata sandi"), validators=_confirmation(), render_kw={"autocomplete": "new-password"}
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[_required()], render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Kata sandi"), validators=[_required()], render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class LogoutForm(FlaskForm):
    """No fields: the CSRF token is the point."""


class ResendConfirmationForm(FlaskForm):
    """No fields: the CSRF token is the point."""


class RevokeTokenForm(FlaskForm):
    """No fields: the CSRF token is the point."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[_required()], render_kw={"autocomplete": "email"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Kata sandi baru"), validators=[_required()], render_kw={"autocomplete": "new-password"}
    )
    password_confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=_confirmation(), render_kw={"autocomplete": "new-password"}
    )


class ProfileForm(FlaskForm):
    name = StringField(_l("Nama lengkap"), validators=[_required()], render_kw={"autocomplete": "name"})
    phone = TelField(_l("Nomor telepon"), render_kw={"autocomplete": "tel", "placeholder": "0812-3456-7890"})
    # the service decides which languages exist; the form only offers them
    locale = SelectField(_l("Bahasa"), choices=LANGUAGE_CHOICES, validate_choice=False)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Kata sandi saat ini"), validators=[_required()], render_kw={"autocomplete": "current-password"}
    )
    password = PasswordField(
        _l("Kata sandi baru"), validators=[_required()], render_kw={"autocomplete": "new-password"}
    )
    password_confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=_confirmation(), render_kw={"autocomplete": "new-password"}
    )
