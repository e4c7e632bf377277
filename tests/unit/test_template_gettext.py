"""The templates' _(), gettext() and ngettext() (marketplace/i18n.py): Jinja's newstyle gettext
in one call each, so they must write what Jinja's own wrappers write."""

from __future__ import annotations

from flask_babel import force_locale
from markupsafe import Markup


def test_template_gettext_is_jinjas_newstyle_gettext(app):
    with app.test_request_context():
        env = app.jinja_env
        html = env.from_string(
            "{{ _('Cari') }}|{{ gettext('Cari') }}|{{ _('100%% lokal') }}|{{ _('a %(x)s b', x='<i>') }}"
            "|{{ _('Stan %(n)s', n=3) }}|{{ ngettext('%(num)d barang', '%(num)d barang', 2) }}"
        )
        assert html.render() == "Cari|Cari|100% lokal|a &lt;i&gt; b|Stan 3|2 barang"
        with force_locale("en"):
            assert env.from_string("{{ _('Cari') }}").render() == "Search"
        plain = env.from_string(
            "{% autoescape false %}{{ _('100%% lokal') }}|{{ _('a %(x)s', x='<i>') }}{% endautoescape %}"
        )
        assert plain.render() == "100% lokal|a <i>"


def test_a_string_without_variables_is_markup_in_html_and_text_in_mail(app):
    from jinja2.nodes import EvalContext

    from marketplace.i18n import template_gettext

    with app.test_request_context():
        html, text = EvalContext(app.jinja_env), EvalContext(app.jinja_env)
        html.autoescape, text.autoescape = True, False
        assert isinstance(template_gettext(html, "Cari"), Markup)
        assert not isinstance(template_gettext(text, "Cari"), Markup)
        assert template_gettext(text, "50%% off") == "50% off" == template_gettext(html, "50%% off")
