"""Settings declared by plugins (``plugin_api.Setting``): defaults, the environment, explicit
config, validation; production stops, development records "needs configuration"."""

from __future__ import annotations

import secrets
from importlib.metadata import EntryPoint

import pytest

from marketplace import config, plugin_api
from marketplace.plugin_api import PluginError, Setting, hookimpl

STRONG_KEY = secrets.token_hex(32)


class NeedyPlugin:
    """An outside plugin with a required secret and a checked number."""

    name = "needy"
    settings = (
        Setting("NEEDY_TOKEN", secret=True, required=True, help="The service's token."),
        Setting("NEEDY_RETRIES", 3, kind=int, check=lambda n: None if n >= 0 else "must be 0 or more"),
    )

    @hookimpl
    def payment_methods(self):
        return []


NEEDY = NeedyPlugin()


@pytest.fixture
def needy_installed(monkeypatch):
    point = EntryPoint(name="needy", value=f"{__name__}:NEEDY", group=plugin_api.ENTRY_POINT_GROUP)
    monkeypatch.setattr(plugin_api, "entry_points", lambda group: [point] if group == point.group else [])
    monkeypatch.delenv("NEEDY_TOKEN", raising=False)
    monkeypatch.delenv("NEEDY_RETRIES", raising=False)


def production(make_app, plugins: str, **settings):
    return make_app(plugins=plugins, MARKETPLACE_ENV="production", SECRET_KEY=STRONG_KEY, **settings)


BUNDLED_SETTINGS = {  # name: default, as config.py had them before the plugins declared them
    "stripe_payments": {
        "STRIPE_SECRET_KEY": None,
        "STRIPE_PUBLISHABLE_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None,
        "STRIPE_API_BASE": None,
    },
    "bank_transfer": {
        "BANK_TRANSFER_ACCOUNTS": None,
        "BANK_TRANSFER_WINDOW_HOURS": 24,
        "BANK_TRANSFER_UNIQUE_CODE": True,
    },
    "cash_on_delivery": {},
    "esmart_sync": {
        "ESMART_BASE_URL": None,
        "ESMART_API_KEY": None,
        "ESMART_PAGE_SIZE": 100,
        "ESMART_FILE_PAGE_SIZE": 50,
        "ESMART_TIMEOUT": (5, 30),
        "ESMART_MAX_ATTEMPTS": 5,
        "ESMART_BACKOFF": 1.0,
        "ESMART_MAX_WAIT": 120.0,
        "ESMART_PHOTO_MAX_BYTES": 5 * 1024 * 1024,
        "ESMART_PHOTO_ALLOW_PRIVATE": False,
        "ESMART_AUTO_PUSH": True,
        "ESMART_PUSH_ASYNC": True,
        "ESMART_PULL_SCHEDULE": None,
        "ESMART_UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
    },
    "insurance": {},
    "shipping_table": {"SHIPPING_TABLE_TOLERANCE_GRAMS": 300},
    "biteship": {
        "BITESHIP_API_KEY": None,
        "BITESHIP_BASE_URL": "https://api.biteship.com",
        "BITESHIP_TIMEOUT_SECONDS": 3.0,
        "BITESHIP_CACHE_SECONDS": 600,
        "BITESHIP_WEBHOOK_SECRET": None,
        "BITESHIP_WEBHOOK_HEADER": "X-Biteship-Signature",
    },
    "xendit": {
        "XENDIT_SECRET_KEY": None,
        "XENDIT_CALLBACK_TOKEN": None,
        "XENDIT_API_BASE": None,
        "XENDIT_QRIS_MINUTES": 30,
        "XENDIT_VA_HOURS": 24,
        "XENDIT_EWALLET_MINUTES": 30,
        "XENDIT_VA_BANKS": "BCA,BNI,BRI,MANDIRI,PERMATA,BSI,CIMB,BJB,MUAMALAT",
        "XENDIT_EWALLETS": "OVO,DANA,SHOPEEPAY,LINKAJA",
        "XENDIT_TIMEOUT": 20,
    },
    "whatsapp": {  # new with issue #22: the core never named these
        "WHATSAPP_ACCESS_TOKEN": None,
        "WHATSAPP_PHONE_NUMBER_ID": None,
        "WHATSAPP_API_BASE": "https://graph.facebook.com/v21.0",
        "WHATSAPP_APP_SECRET": None,
        "WHATSAPP_VERIFY_TOKEN": None,
        "WHATSAPP_TEMPLATE_LANGUAGE": "id",
        "WHATSAPP_TIMEOUT": 10.0,
    },
}


def test_the_bundled_plugins_declare_the_settings_the_core_used_to_name(make_app):
    for name in plugin_api.bundled_plugins():
        plugin = plugin_api.find_plugin(name)
        declared = {s.name: s.default for s in plugin_api.declared_settings(plugin, name)}
        assert declared == BUNDLED_SETTINGS[name], name
    secrets_ = {
        s.name
        for name in plugin_api.bundled_plugins()
        for s in plugin_api.declared_settings(plugin_api.find_plugin(name))
        if s.secret
    }
    assert secrets_ == {
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "ESMART_API_KEY",
        "BITESHIP_API_KEY",
        "BITESHIP_WEBHOOK_SECRET",
        "XENDIT_SECRET_KEY",
        "XENDIT_CALLBACK_TOKEN",
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_VERIFY_TOKEN",
    }
    # core config.py names none of them
    names = {setting for declared in BUNDLED_SETTINGS.values() for setting in declared}
    assert not names & set(config.ENV_SETTINGS)
    assert not names & set(vars(config.Defaults))
    # and MARKETPLACE_PLUGINS unset still means every bundled plugin, in order
    assert config.Defaults.MARKETPLACE_PLUGINS is None
    app = make_app()
    app.config["MARKETPLACE_PLUGINS"] = None
    assert plugin_api.plugin_names(app) == list(plugin_api.bundled_plugins())


def test_an_enabled_plugin_gets_its_defaults_a_disabled_one_none(make_app):
    app = make_app(plugins="bank_transfer")
    assert app.config["BANK_TRANSFER_WINDOW_HOURS"] == 24 and app.config["BANK_TRANSFER_UNIQUE_CODE"] is True
    assert app.config["BANK_TRANSFER_ACCOUNTS"] is None
    assert plugin_api.needs_configuration(app) == {}
    assert "BANK_TRANSFER_WINDOW_HOURS" not in make_app(plugins="").config


def test_the_environment_wins_over_the_default_and_explicit_config_over_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("BANK_TRANSFER_WINDOW_HOURS", "6")
    monkeypatch.setenv("BANK_TRANSFER_UNIQUE_CODE", "false")
    monkeypatch.setenv("ESMART_TIMEOUT", "3,10")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_env")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_env")
    app = make_app(plugins="bank_transfer,esmart_sync,stripe_payments")
    assert app.config["BANK_TRANSFER_WINDOW_HOURS"] == 6  # coerced by kind, as config._coerce did
    assert app.config["BANK_TRANSFER_UNIQUE_CODE"] is False
    assert app.config["ESMART_TIMEOUT"] == (3, 10)
    with app.app_context():
        from marketplace.payments import services as payments

        assert "stripe" in {m.id for m in payments.available_methods()}  # keys from the environment work
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_WINDOW_HOURS=2)  # create_app's config wins
    assert app.config["BANK_TRANSFER_WINDOW_HOURS"] == 2


def test_the_environment_wins_over_instance_config(make_app, monkeypatch):
    """A value already in app.config that create_app was not given (instance/config.py) loses to
    the environment, as core settings do."""
    app = make_app(plugins="")
    app.config["BANK_TRANSFER_WINDOW_HOURS"] = 12
    setting = Setting("BANK_TRANSFER_WINDOW_HOURS", 24, kind=int)
    assert plugin_api.resolve(app, setting) == (12, None)
    monkeypatch.setenv("BANK_TRANSFER_WINDOW_HOURS", "48")
    assert plugin_api.resolve(app, setting) == (48, None)


def test_in_development_a_bad_setting_is_recorded_and_start_up_goes_on(make_app, monkeypatch, needy_installed, caplog):
    monkeypatch.setenv("ESMART_PAGE_SIZE", "lots")
    app = make_app(plugins="needy,bank_transfer,esmart_sync", BANK_TRANSFER_WINDOW_HOURS=0, NEEDY_RETRIES=-1)
    assert plugin_api.enabled(app) == ["needy", "bank_transfer", "esmart_sync"]
    assert plugin_api.needs_configuration(app) == {
        "needy": ["NEEDY_TOKEN is required", "NEEDY_RETRIES: must be 0 or more"],
        "bank_transfer": ["BANK_TRANSFER_WINDOW_HOURS: must be at least 1"],
        "esmart_sync": ["ESMART_PAGE_SIZE='lots' is not a int"],
    }
    assert "plugin needy needs configuration: NEEDY_TOKEN is required" in caplog.text
    # it goes on with the defaults, not values it cannot use
    assert (app.config["BANK_TRANSFER_WINDOW_HOURS"], app.config["ESMART_PAGE_SIZE"]) == (24, 100)
    monkeypatch.setenv("NEEDY_TOKEN", "t0ken")
    assert plugin_api.needs_configuration(make_app(plugins="needy")) == {}


def test_a_value_of_the_wrong_kind_needs_configuration(make_app):
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_UNIQUE_CODE=3)
    assert plugin_api.needs_configuration(app) == {
        "bank_transfer": ["BANK_TRANSFER_UNIQUE_CODE must be a bool, not int"]
    }
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_WINDOW_HOURS="36")  # text is coerced, as from the env
    assert app.config["BANK_TRANSFER_WINDOW_HOURS"] == 36 and plugin_api.needs_configuration(app) == {}


def test_in_production_a_missing_required_setting_stops_start_up_naming_plugin_and_setting(make_app, needy_installed):
    with pytest.raises(PluginError) as exc:
        production(make_app, "needy")
    assert "'needy'" in str(exc.value) and "NEEDY_TOKEN is required" in str(exc.value)
    with pytest.raises(PluginError, match="'bank_transfer'.*BANK_TRANSFER_WINDOW_HOURS"):
        production(make_app, "bank_transfer", BANK_TRANSFER_WINDOW_HOURS=0)
    with pytest.raises(PluginError, match="'stripe_payments'.*STRIPE_API_BASE"):
        production(make_app, "stripe_payments", STRIPE_API_BASE="stripe.local")
    app = production(make_app, "needy,bank_transfer", NEEDY_TOKEN="t0ken")
    assert plugin_api.enabled(app) == ["needy", "bank_transfer"]
    # unset optional settings keep today's meaning: the methods are hidden, nothing stops
    assert plugin_api.enabled(production(make_app, "stripe_payments,esmart_sync")) == ["stripe_payments", "esmart_sync"]


def test_a_plugin_registered_at_run_time_is_configured_too(make_app):
    app = make_app(plugins="")
    plugin_api.register(app, NeedyPlugin(), "needy_later")
    assert plugin_api.needs_configuration(app) == {"needy_later": ["NEEDY_TOKEN is required"]}
    assert app.config["NEEDY_RETRIES"] == 3


class Undeclared:
    settings = ("SOME_KEY",)


def test_settings_must_be_declared_as_setting_objects(make_app):
    with pytest.raises(PluginError, match="marketplace.plugin_api.Setting"):
        plugin_api.register(make_app(plugins=""), Undeclared(), "undeclared")


def test_coercion_by_kind():
    assert plugin_api.coerce(Setting("A", kind=bool), " Yes ") is True
    assert plugin_api.coerce(Setting("A", kind=bool), "0") is False
    assert plugin_api.coerce(Setting("A", kind=int), "42") == 42
    assert plugin_api.coerce(Setting("A", kind=float), "0.5") == 0.5
    assert plugin_api.coerce(Setting("A", kind=tuple), "5, 2.5") == (5, 2.5)
    assert plugin_api.coerce(Setting("A"), "text") == "text"
    with pytest.raises(ValueError):
        plugin_api.coerce(Setting("A", kind=int), "ten")
