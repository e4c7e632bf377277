"""The outside example plugin, examples/apik-plugin-booth (``booth_pay``), as a plugin author ships one.

It is found only through its ``apik_market.plugins`` entry point, as ``pip install -e
./examples/apik-plugin-booth`` (in requirements-dev.txt, so ``make test`` does it) installs it.
Outside CI a venv without it skips these tests, saying so; in CI (CI=true) its absence fails them.
"""

from __future__ import annotations

import os
from importlib.metadata import entry_points

import pytest
from openapi_spec_validator import validate

from marketplace.extensions import db
from tests.factories import PASSWORD, gen_product, gen_store, gen_user

GROUP = "apik_market.plugins"
NAME = "booth_pay"
INSTALL = "pip install -e ./examples/apik-plugin-booth (requirements-dev.txt; `make test` does it)"


@pytest.fixture(autouse=True)
def installed():
    found = [ep for ep in entry_points(group=GROUP) if ep.name == NAME]
    if not found:
        message = f"the example plugin {NAME!r} is not installed in this venv: {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found[0]


@pytest.fixture
def booth_app(make_app):
    return make_app(plugins=f"cash_on_delivery,{NAME}")


def test_it_is_found_by_its_entry_point_not_as_a_bundled_plugin(installed):
    from marketplace.plugin_api import bundled_plugins, find_plugin

    assert NAME not in bundled_plugins()
    assert installed.value == "apik_plugin_booth"
    assert find_plugin(NAME) is installed.load().plugin


def test_it_adds_a_payment_method_a_shopper_can_check_out_with(booth_app):
    from tests.buying_factories import buy, variant_of

    client = booth_app.test_client()
    methods = {item["id"]: item for item in client.get("/api/v1/payment-methods").get_json()["items"]}
    assert set(methods) == {"cash_on_delivery", NAME}
    assert methods[NAME]["name"] == "Bayar di booth" and methods[NAME]["pay_on_delivery"] is True
    with booth_app.app_context():
        shopper = gen_user("siti@test.id", name="Siti Aminah")
        product = gen_product(gen_store(name="Batik Sari"), name="Batik Tulis Tegalan", price=350_000, stock=5)
        result = buy(shopper, (variant_of(product), 1), method=NAME)
        db.session.commit()
        assert [order.payment_method for order in result.orders] == [NAME]
        assert "booth" in result.start.instructions


def test_it_adds_a_panel_to_the_seller_dashboard(booth_app, make_app):
    with booth_app.app_context():
        seller = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
        slug = gen_store(seller, name="Batik Sari").slug
        db.session.commit()

    def dashboard(app) -> str:
        client = app.test_client()
        assert client.post("/login", data={"email": "sari@test.id", "password": PASSWORD}).status_code == 302
        page = client.get(f"/seller/stores/{slug}/")
        assert page.status_code == 200
        return page.get_data(as_text=True)

    assert 'class="panel booth-pay"' in dashboard(booth_app)
    assert 'class="panel booth-pay"' not in dashboard(make_app(plugins="cash_on_delivery"))


def test_its_api_path_answers_and_is_in_openapi_json_only_while_it_is_enabled(booth_app, make_app):
    client = booth_app.test_client()
    info = client.get("/api/v1/booth-pay")
    assert info.status_code == 200
    assert info.get_json() == {"id": NAME, "name": "Bayar di booth", "note": info.get_json()["note"]}
    assert info.get_json()["note"]
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    operation = spec["paths"]["/api/v1/booth-pay"]["get"]
    assert operation["x-provided-by"] == NAME
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BoothPayInfo"
    }
    assert NAME in spec["components"]["schemas"]["CheckoutInput"]["properties"]["payment_method"]["examples"]
    without = make_app(plugins="cash_on_delivery").test_client()
    assert without.get("/api/v1/booth-pay").status_code == 404
    assert "/api/v1/booth-pay" not in without.get("/api/v1/openapi.json").get_json()["paths"]


def test_the_note_is_the_declared_setting(make_app):
    app = make_app(plugins=NAME, BOOTH_PAY_NOTE="Booth B-07, Gedung Expo Tegal.")
    assert app.test_client().get("/api/v1/booth-pay").get_json()["note"] == "Booth B-07, Gedung Expo Tegal."


def test_it_declares_its_setting(installed):
    from marketplace.plugin_api import Setting

    plugin = installed.load().plugin
    (setting,) = plugin.settings
    assert isinstance(setting, Setting)
    assert (setting.name, setting.secret, setting.required) == ("BOOTH_PAY_NOTE", False, False)
    assert setting.default
