"""Language choice and the formats users read: rupiah, phone numbers, dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache, partial

import phonenumbers
from babel import Locale
from babel.dates import get_date_format, get_time_format, parse_pattern
from babel.numbers import get_group_symbol, get_minus_sign_symbol
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import format_date, format_time, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from marketplace.clock import to_jakarta
from marketplace.internals import app_context


def select_locale() -> str:
    """?lang= wins (and is remembered), then the user's choice, then Indonesian."""
    if not has_request_context():  # CLI, e-mail jobs: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = _visitor_choice()
    if chosen:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in current_app.config["LANGUAGES"]:
        return user_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def anonymous_locale() -> str:
    """``select_locale()`` for a visitor known to be signed out (no user in the session, no
    remember-me cookie): the same answer, without loading a user (the page cache's key)."""
    return _visitor_choice() or current_app.config["BABEL_DEFAULT_LOCALE"]


def _visitor_choice() -> str | None:
    """?lang= (remembered in the session), else the language the session remembers."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        if session.get("lang") != asked:  # an unchanged session is not signed and sent again
            session["lang"] = asked
        return asked
    remembered = session.get("lang")
    return remembered if remembered in languages else None


# Indonesian grouping, read from Babel's locale data once: a product grid formats dozens of
# prices, and format_decimal parses its pattern and looks the symbols up again each time.
_ID_GROUP = get_group_symbol("id_ID")
_ID_MINUS = get_minus_sign_symbol("id_ID")


def rupiah(amount: int | None) -> str:
    """Rp 25.000 — rupiah in Indonesian grouping, whatever the page language (what
    ``format_decimal(amount, "#,##0", locale="id_ID")`` writes)."""
    if amount is None:
        return ""
    amount = int(amount)
    digits = f"{abs(amount):,}".replace(",", _ID_GROUP)
    return "Rp " + (_ID_MINUS + digits if amount < 0 else digits)


class PhoneError(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """An Indonesian (or international) number in E.164, or PhoneError."""
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(str(exc)) from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("invalid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str | None) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "ID")
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 62
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def whatsapp_link(e164: str | None, text: str = "") -> str:
    if not e164:
        return ""
    from urllib.parse import quote

    link = "https://wa.me/" + e164.lstrip("+")
    return link + ("?text=" + quote(text) if text else "")


def whatsapp_share_link(text: str) -> str:
    """wa.me with no number: WhatsApp asks whom to send ``text`` to."""
    from urllib.parse import quote

    return "https://wa.me/?text=" + quote(text)


def wib(value: datetime | date | None, fmt: str = "datetime", zone: bool = True) -> str:
    """The one date style of every page and mail, in Asia/Jakarta time: "3 Des 2026, 14.25 WIB"
    ("Dec 3, 2026, 2:25 PM WIB" in English); ``fmt="date"`` is "3 Des 2026", ``"time"`` "14.25 WIB".
    Babel's own names (short, medium...) give the same style: one style everywhere. ``zone=False``
    leaves "WIB" out for a sentence that says it itself ("Bayar sebelum %(at)s WIB")."""
    if value is None:
        return ""
    locale = get_locale()
    if locale is None:  # no app context: Babel's own default locale, as flask_babel would
        return _wib_babel(value, fmt, zone)
    on_date, clock_of = _wib_patterns(str(locale))
    if not isinstance(value, datetime):
        return on_date(value)
    local = to_jakarta(value)
    if fmt == "date":
        return on_date(local.date())
    # CLDR's English "2:25\u202fPM": a plain space reads (and searches) the same everywhere
    clock = clock_of(local).replace("\u202f", " ")
    text = clock if fmt == "time" else f"{on_date(local.date())}, {clock}"
    return f"{text} WIB" if zone else text


@cache
def _wib_patterns(locale: str) -> tuple[Callable[[date], str], Callable[[datetime], str]]:
    """The medium date and short time of ``locale``, parsed once per process: flask_babel's
    format_date and format_time look the locale, the time zone and the pattern up again for
    each date (~13 µs each), and an expo hall shows dozens. What they then do with a datetime
    already on Jakarta's clock (the configured BABEL_DEFAULT_TIMEZONE, tested) is this."""
    parsed = Locale.parse(locale)
    on_date = parse_pattern(get_date_format("medium", locale=parsed))
    clock = parse_pattern(get_time_format("short", locale=parsed))

    def clock_of(local: datetime) -> str:
        return clock.apply(local.timetz(), parsed, reference_date=local.date())

    return partial(on_date.apply, locale=parsed), clock_of


def _wib_babel(value: datetime | date, fmt: str, zone: bool) -> str:
    """``wib`` through flask_babel's formatters (outside an app context)."""
    if not isinstance(value, datetime):
        return format_date(value, "medium")
    local = to_jakarta(value)
    if fmt == "date":
        return format_date(local, "medium")
    clock = format_time(local, "short").replace("\u202f", " ")
    text = clock if fmt == "time" else f"{format_date(local, 'medium')}, {clock}"
    return f"{text} WIB" if zone else text


def wib_iso(value: datetime | None) -> str:
    """2026-12-03T14:25:00+07:00: a time in a CSV file, WIB with its offset so a script reads it."""
    return to_jakarta(value).isoformat(timespec="seconds") if value is not None else ""


def translations():
    """flask_babel's ``get_translations()``, remembered for the request: it walks ``g`` three
    times for every string (~10 µs; a catalogue page translates dozens in its templates). The
    memo holds the locale and domain it was made for, so ``force_locale`` (mail in the
    recipient's language) and ``refresh`` still switch at once."""
    app_ctx = app_context()  # one read, not has_app_context() and the g proxy: asked per string
    ctx = getattr(app_ctx.g, "_flask_babel", None) if app_ctx is not None else None  # flask_babel's state
    memo = getattr(ctx, "apik_translations", None)
    if memo is not None and memo[0] is getattr(ctx, "babel_locale", None) and memo[1] is ctx.babel_domain:
        return memo[2]
    found = get_translations()
    ctx = g.get("_flask_babel") if has_app_context() else None
    if ctx is not None and getattr(ctx, "babel_locale", None) is not None:
        ctx.apik_translations = (ctx.babel_locale, getattr(ctx, "babel_domain", None), found)
    return found


def gettext(string: str, /, **variables: object) -> str:
    """flask_babel's ``gettext`` (the translation, %-formatted with ``variables`` when given)
    through :func:`translations`: flask_babel's walks the app context twice per string, four
    times the cost, and a listing's filter sheet, facets and headings translate dozens.
    ``string`` is positional only: a variable may have any name (``message=`` included)."""
    found = translations().ugettext(string)
    return found % variables if variables else found


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, message: str, **variables) -> str:
    """The templates' ``_()`` and ``gettext()``: Jinja's newstyle gettext (markup when the template
    autoescapes, always %-formatted) in one call. Jinja's own ``_`` looks ``gettext`` up and calls
    it, which calls the installed function: three calls through the template context per string,
    and a page translates dozens."""
    found = translations().ugettext(message)
    if not variables and "%" not in found:  # what % {} would give back, without Markup's formatting
        return Markup(found) if eval_ctx.autoescape else found
    return (Markup(found) if eval_ctx.autoescape else found) % variables


@pass_eval_context
def template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables) -> str:
    """The templates' ``ngettext()``: Jinja's newstyle ngettext (``num`` a variable too) in one call."""
    variables.setdefault("num", num)
    found = translations().ungettext(singular, plural, num)
    return (Markup(found) if eval_ctx.autoescape else found) % variables


def init_app(app: Flask) -> None:
    # after babel.init_app: the templates' _() and ngettext() through the request's memo
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["phone"] = phone_display
    app.jinja_env.filters["wib"] = wib
    app.jinja_env.globals["whatsapp_link"] = whatsapp_link
    app.jinja_env.globals["whatsapp_share_link"] = whatsapp_share_link
