"""The paths templates build from remembered patterns (marketplace/urls.py: ``remembered_url_for``,
``id_path``) are url_for's own, byte for byte, under any script root and whatever the arguments."""

from __future__ import annotations

from flask import Blueprint, Flask, url_for

from marketplace import urls


def make_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/products/<int:product_id>", "product", lambda product_id: "")
    app.add_url_rule("/stores/<slug>", "store", lambda slug: "")
    app.add_url_rule("/search", "search", lambda: "")
    return app


def test_remembered_urls_are_url_fors_under_any_script_root():
    app = make_app()
    calls = [
        ("product", {"product_id": 7}),
        ("store", {"slug": "batik sari/ü"}),
        ("search", {"q": "teh poci", "page": 2}),
        ("search", {"page": 2, "q": "teh poci"}),  # a query string keeps the order it was given
        ("search", {"in_stock": True}),
        ("search", {"in_stock": 1}),  # equal to True as a key, not as a URL
        ("search", {"sector": None}),
        ("search", {"tags": ["a", "b"]}),  # no key: built each time
        ("store", {"slug": "x", "_anchor": "zona-kuliner"}),
        ("product", {"product_id": 7, "_external": True}),
    ]
    for root in ("", "/pasar", "/pasar ku"):
        for _ in range(2):  # built, then remembered
            with app.test_request_context("/search", environ_base={"SCRIPT_NAME": root}):
                for endpoint, values in calls:
                    assert urls.remembered_url_for(endpoint, **values) == url_for(endpoint, **values)
                for n in (1, 50001, 2**31 - 1):
                    assert urls.id_path("product", "product_id", n) == url_for("product", product_id=n)


def test_an_app_with_url_defaults_builds_every_url():
    app = make_app()
    bp = Blueprint("shop", __name__)
    bp.add_url_rule("/shop/<lang>/", "front", lambda lang: "")
    bp.url_defaults(lambda endpoint, values: values.setdefault("lang", "id"))
    app.register_blueprint(bp)
    with app.test_request_context("/"):
        assert urls.remembered_url_for("shop.front") == "/shop/id/"
        assert "apik_remembered_urls" in app.extensions and not isinstance(app.extensions["apik_remembered_urls"], dict)


def test_remembered_absolute_urls_follow_base_url_and_the_arguments():
    """absolute_url's links, built then remembered, are the URL map's own under BASE_URL; a
    changed BASE_URL (another app's, a test's) gets its own, and an anchor is never remembered
    into a URL without one."""
    app = make_app()
    calls = [
        ("product", {"product_id": 7}),
        ("store", {"slug": "batik sari/ü"}),
        ("search", {"q": "teh poci", "page": 2}),
        ("search", {"page": 2, "q": "teh poci"}),
        ("search", {"in_stock": True}),
        ("search", {"in_stock": 1}),
        ("search", {"tags": ["a", "b"]}),  # no key: built each time
    ]
    for base in ("https://pasar.example.id", "https://tegalkota.go.id/pasar", "http://127.0.0.1:5000/"):
        app.config["BASE_URL"] = base
        host, _, root = base.split("://")[1].rstrip("/").partition("/")
        adapter = app.url_map.bind(host, script_name="/" + root, url_scheme=base.split(":")[0])
        with app.app_context():
            for _ in range(2):  # built, then remembered
                for endpoint, values in calls:
                    expected = adapter.build(endpoint, dict(values), force_external=True)
                    assert urls.absolute_url(endpoint, **values) == expected
            assert (
                urls.absolute_url("store", slug="x", _anchor="zona kuliner")
                == adapter.build("store", {"slug": "x"}, force_external=True) + "#zona%20kuliner"
            )
            assert urls.absolute_url("store", slug="x") == adapter.build("store", {"slug": "x"}, force_external=True)


def test_an_app_with_url_defaults_builds_every_absolute_url():
    app = make_app()
    app.config["BASE_URL"] = "https://pasar.example.id"
    bp = Blueprint("shop", __name__)
    bp.add_url_rule("/shop/<lang>/", "front", lambda lang: "")
    bp.url_defaults(lambda endpoint, values: values.setdefault("lang", "id"))
    app.register_blueprint(bp)
    with app.app_context():
        assert urls.absolute_url("shop.front") == "https://pasar.example.id/shop/id/"
        assert urls.absolute_url("shop.front", lang="en") == "https://pasar.example.id/shop/en/"
        assert not isinstance(app.extensions["apik_remembered_absolute_urls"], dict)
