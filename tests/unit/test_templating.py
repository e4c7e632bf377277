"""The app's Jinja environment (marketplace/templating.py): each template's globals in a plain
dict, yet every global the environment has when a template renders is there."""

from __future__ import annotations

import pytest
from flask import Flask, render_template
from jinja2 import DictLoader

from marketplace import templating

TEMPLATES = {
    "macros.html": "{% macro greet() %}{{ greeting }} {{ shop() }}{% endmacro %}",
    "page.html": '{% from "macros.html" import greet %}{{ greet() }}|{{ greeting }}',
}


@pytest.fixture
def flask_app():
    app = Flask(__name__)
    app.jinja_environment = templating.Environment
    app.jinja_loader = DictLoader(TEMPLATES)
    app.jinja_env.globals.update(greeting="Halo", shop=lambda: "Apik")
    return app


def test_the_app_renders_with_this_environment(app):
    assert isinstance(app.jinja_env, templating.Environment)
    template = app.jinja_env.get_template("base.html")
    # a plain dict: a render copies it and an import compares its keys without walking a
    # ChainMap key by key (the whole point of the class)
    assert type(template.globals) is dict
    assert template.globals["url_for"] is app.jinja_env.globals["url_for"]


def test_templates_and_the_macros_they_import_see_the_globals(flask_app):
    with flask_app.test_request_context():
        assert render_template("page.html") == "Halo Apik|Halo"


@pytest.mark.parametrize(
    "change",
    [
        lambda g: g.__setitem__("greeting", "Sugeng"),
        lambda g: g.update(greeting="Sugeng"),
        lambda g: g.update({"greeting": "Sugeng"}),
        lambda g: g.__ior__({"greeting": "Sugeng"}),
        lambda g: (g.pop("greeting"), g.setdefault("greeting", "Sugeng")),
    ],
    ids=["item", "update-keywords", "update-dict", "or-assign", "pop-and-setdefault"],
)
def test_a_global_changed_after_a_template_loaded_shows_in_its_next_render(flask_app, change):
    """A plugin adds its globals after the core's templates may have loaded: the environment
    forgets its templates when its globals change, so they load again with the change."""
    with flask_app.test_request_context():
        assert render_template("page.html") == "Halo Apik|Halo"
        change(flask_app.jinja_env.globals)
        assert render_template("page.html") == "Sugeng Apik|Sugeng"
        flask_app.jinja_env.globals["shop"] = lambda: "Tegal"
        assert render_template("page.html") == "Sugeng Tegal|Sugeng"


def test_a_removed_global_is_gone_from_the_next_render(flask_app):
    with flask_app.test_request_context():
        assert render_template("page.html") == "Halo Apik|Halo"
        del flask_app.jinja_env.globals["greeting"]
        assert render_template("page.html") == " Apik|"
        flask_app.jinja_env.globals.clear()
        flask_app.jinja_env.globals["shop"] = lambda: "x"
        assert render_template("page.html") == " x|"


def test_a_templates_own_globals_overlay_the_environments_and_stay_its_own(flask_app):
    env = flask_app.jinja_env
    with flask_app.test_request_context():
        own = env.from_string("{{ greeting }}", globals={"greeting": "Monggo"})
        assert own.render() == "Monggo"
        assert env.globals["greeting"] == "Halo"
        assert env.from_string("{{ greeting }}").render() == "Halo"
