"""Every user-facing string has its English translation.

Source strings are Indonesian (the default language); the English catalogue
must translate each of them, or English pages would show Indonesian.
"""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _source_messages() -> set[str]:
    messages = set()
    method_map = [
        ("marketplace/**.py", "python"),
        ("plugins/**.py", "python"),
        ("**/templates/**.html", "jinja2"),
        ("**/templates/**.txt", "jinja2"),
    ]
    for folder in ("marketplace", "plugins"):
        base = ROOT / folder
        if not base.exists():
            continue
        mapping = [
            (pattern.split("/", 1)[1] if pattern.startswith(folder) else pattern, method)
            for pattern, method in method_map
            if not pattern.startswith(("marketplace", "plugins")) or pattern.startswith(folder)
        ]
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(base), mapping, keywords=KEYWORDS, options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}
        ):
            messages.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in messages if m}


def test_every_string_has_an_english_translation():
    with open(ROOT / "marketplace/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {
        m.id[0] if isinstance(m.id, tuple) else m.id
        for m in catalog
        if m.id and m.string and (all(m.string) if isinstance(m.string, tuple) else True)
    }
    missing = sorted(_source_messages() - translated)
    assert not missing, f"{len(missing)} strings lack English (run `make extract-messages`): {missing[:20]}"


def test_counts_take_the_english_singular_and_plural(app):
    """Indonesian has one form ("1 ulasan", "3 ulasan"); English needs two."""
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("en"):
        assert ngettext("%(num)d ulasan", "%(num)d ulasan", 1) == "1 review"
        assert ngettext("%(num)d ulasan", "%(num)d ulasan", 3) == "3 reviews"
        assert ngettext("Keranjang: %(num)d barang", "Keranjang: %(num)d barang", 1) == "Cart: 1 item"
    with app.test_request_context(), force_locale("id"):
        assert ngettext("%(num)d ulasan", "%(num)d ulasan", 1) == "1 ulasan"
        assert ngettext("%(num)d ulasan", "%(num)d ulasan", 3) == "3 ulasan"
