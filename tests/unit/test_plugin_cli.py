"""``flask plugins list [--json]``: every plugin found, enabled or not, its settings with secrets
masked, whether it needs configuration, and its hooks."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint

import pytest

from marketplace import plugin_api


@pytest.fixture
def listed(make_app, monkeypatch):
    point = EntryPoint(name="needy", value="tests.unit.test_plugin_settings:NEEDY", group=plugin_api.ENTRY_POINT_GROUP)
    monkeypatch.setattr(plugin_api, "entry_points", lambda group: [point] if group == point.group else [])
    for name in ("NEEDY_TOKEN", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "ESMART_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return make_app(
        plugins="stripe_payments,cash_on_delivery",
        STRIPE_SECRET_KEY="sk_live_very_secret",
        STRIPE_API_BASE="http://127.0.0.1:9",
    )


def _invoke(app, *args):
    result = app.test_cli_runner().invoke(args=["plugins", "list", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_plugins_list_json_shows_every_plugin_found_with_masked_secrets_and_hooks(listed):
    items = json.loads(_invoke(listed, "--json"))["items"]
    assert [(i["name"], i["enabled"], i["source"]) for i in items] == [
        ("stripe_payments", True, "bundled"),
        ("bank_transfer", False, "bundled"),
        ("cash_on_delivery", True, "bundled"),
        ("esmart_sync", False, "bundled"),
        ("insurance", False, "bundled"),
        ("shipping_table", False, "bundled"),
        ("biteship", False, "bundled"),
        ("xendit", False, "bundled"),
        ("whatsapp", False, "bundled"),
        ("needy", False, "entry point"),
    ]
    assert all({"name", "enabled", "settings", "hooks"} <= set(item) for item in items)  # CONTRACT.md's shape
    by_name = {item["name"]: item for item in items}
    stripe = {s["name"]: s for s in by_name["stripe_payments"]["settings"]}
    assert stripe["STRIPE_SECRET_KEY"]["value"] == "***" and stripe["STRIPE_SECRET_KEY"]["secret"] is True
    assert stripe["STRIPE_WEBHOOK_SECRET"]["value"] is None and stripe["STRIPE_WEBHOOK_SECRET"]["set"] is False
    assert stripe["STRIPE_API_BASE"]["value"] == "http://127.0.0.1:9"
    assert "sk_live_very_secret" not in json.dumps(items)
    assert by_name["stripe_payments"]["hooks"] == [
        "init_app",
        "payment_methods",
        "order_status_changed",
        "openapi_spec",
    ]
    assert by_name["cash_on_delivery"] == {
        "name": "cash_on_delivery",
        "enabled": True,
        "source": "bundled",
        "needs_configuration": False,
        "problems": [],
        "settings": [],
        "hooks": ["payment_methods"],
    }
    window = {s["name"]: s for s in by_name["bank_transfer"]["settings"]}["BANK_TRANSFER_WINDOW_HOURS"]
    assert (window["value"], window["default"], window["kind"]) == (24, 24, "int")
    assert by_name["insurance"]["hooks"] == [
        "init_app",
        "checkout_extras",
        "order_placed",
        "order_status_changed",
        "nav_items",
        "template_panels",
        "openapi_spec",
        "demo_data",
    ]
    needy = by_name["needy"]
    assert needy["needs_configuration"] is True and needy["problems"] == ["NEEDY_TOKEN is required"]
    assert "core" not in by_name  # the host's own implementation is not a plugin to switch off


def test_plugins_list_text_names_state_settings_and_what_needs_configuration(listed):
    text = _invoke(listed)
    assert "stripe_payments  enabled  (bundled)" in text
    assert "esmart_sync  disabled  (bundled)" in text
    assert "STRIPE_SECRET_KEY = ***  [secret]" in text and "sk_live_very_secret" not in text
    assert "STRIPE_WEBHOOK_SECRET = (unset)  [secret]" in text
    assert "needy  disabled  (entry point)  NEEDS CONFIGURATION" in text
    assert "NEEDY_TOKEN = (unset)  [secret, required]" in text and "! NEEDY_TOKEN is required" in text
    assert "hooks: payment_methods" in text


def test_an_enabled_plugin_that_needs_configuration_is_shown_so(make_app):
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_WINDOW_HOURS=0)
    item = next(i for i in json.loads(_invoke(app, "--json"))["items"] if i["name"] == "bank_transfer")
    assert item["enabled"] is True and item["needs_configuration"] is True
    assert item["problems"] == plugin_api.needs_configuration(app)["bank_transfer"]
