"""media_url remembers the URLs it built (marketplace/media.py): the same answers as url_for,
under any script root, inside a request or outside one."""

from __future__ import annotations

from flask import url_for

from marketplace.media import media_url, thumb_path


def test_the_urls_are_url_fors_own(app):
    with app.test_request_context("/"):
        for _ in range(2):  # built, then remembered
            assert media_url(None, 400) == url_for("static", filename="img/placeholder.svg")
            assert media_url("products/ab12.jpg", 400) == url_for("media.serve", path="products/ab12_400.jpg")
            assert media_url("products/ab12.jpg") == url_for("media.serve", path="products/ab12.jpg")


def test_an_app_under_a_prefix_gets_its_own_urls(app):
    with app.test_request_context("/"):
        plain = media_url("products/ab12.jpg", 200)
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/pasar"}):
        prefixed = media_url("products/ab12.jpg", 200)
        assert prefixed == url_for("media.serve", path=thumb_path("products/ab12.jpg", 200))
    assert prefixed == "/pasar" + plain


def test_outside_a_request_it_builds_as_before(app):
    app.config["SERVER_NAME"] = "pasar.example.id"
    with app.app_context():
        assert media_url("products/ab12.jpg", 800).endswith("/media/products/ab12_800.jpg")
