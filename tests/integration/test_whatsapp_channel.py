"""The WhatsApp channel against the fake Cloud API: each notice as its template, Meta's
errors as permanent or temporary ChannelError, timeouts and no connection, and no channel at
all while the plugin is not configured."""

from __future__ import annotations

import logging

import pytest

from marketplace import plugin_api
from marketplace.channels import NOTICES, ChannelError, Notice
from tests.fakes.whatsapp_server import ACCESS_TOKEN, PHONE_NUMBER_ID, FakeWhatsApp
from tests.whatsapp_support import BASE_URL, whatsapp_config
from tests.whatsapp_support import fake_whatsapp as fake_whatsapp
from tests.whatsapp_support import whatsapp_app as whatsapp_app

TO = "+6281234567890"
PARAMS = {
    "name": "Siti Aminah",
    "number": "APK-20261206-0001",
    "total": "Rp 125.000",
    "courier": "JNE REG",
    "tracking_number": "JNE0123456789",
    "reason": "Barang rusak",
    "decision": "Dana dikembalikan",
    "deadline": "8 Des 2026 10.00 WIB",
}
BODY_COUNTS = {
    "order_placed": 3,
    "order_paid": 3,
    "order_shipped": 4,
    "complaint_opened": 3,
    "complaint_decided": 3,
    "seller_order_waiting": 4,
}


def channel():
    channels = plugin_api.gather("notification_channels", loud=True)
    assert [(c.id, c.name) for c in channels] == [("whatsapp", "WhatsApp")]
    return channels[0]


def notice(name: str = "order_placed", url: str = f"{BASE_URL}/orders/APK-20261206-0001") -> Notice:
    return Notice(name, "id", {**{p: PARAMS[p] for p in NOTICES[name] if p != "url"}, "url": url})


@pytest.mark.parametrize("name", list(NOTICES))
def test_each_notice_goes_as_its_registered_template(whatsapp_app, fake_whatsapp, name):
    message_id = channel().send(TO, notice(name))
    assert message_id.startswith("wamid.") and message_id in fake_whatsapp.messages
    [call] = fake_whatsapp.requests
    assert call.path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert call.authorization == f"Bearer {ACCESS_TOKEN}"
    body = call.body
    assert {k: body[k] for k in ("messaging_product", "recipient_type", "to", "type")} == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
    }
    template = body["template"]
    assert template["name"] == f"apik_{name}" and template["language"] == {"code": "id"}
    body_part, button = template["components"]
    texts = [p["text"] for p in body_part["parameters"]]
    assert len(texts) == BODY_COUNTS[name]
    assert texts == [PARAMS[p] for p in NOTICES[name] if p != "url"]
    assert button == {
        "type": "button",
        "sub_type": "url",
        "index": "0",
        "parameters": [{"type": "text", "text": "orders/APK-20261206-0001"}],
    }


def test_the_template_language_is_the_setting(make_app, fake_whatsapp):
    fake_whatsapp.templates["apik_order_paid"] = ("en_US", 3, True)
    app = make_app(plugins="whatsapp", **whatsapp_config(fake_whatsapp), WHATSAPP_TEMPLATE_LANGUAGE="en_US")
    with app.app_context():
        assert channel().send(TO, notice("order_paid")).startswith("wamid.")
    assert fake_whatsapp.requests[0].body["template"]["language"] == {"code": "en_US"}


def test_a_link_elsewhere_is_refused_by_the_registered_template_for_good(whatsapp_app, fake_whatsapp):
    with pytest.raises(ChannelError) as refused:
        channel().send(TO, notice("order_placed", url="https://elsewhere.test/orders/1"))
    assert refused.value.permanent is True and "132000" in str(refused.value)


def _refused(fake: FakeWhatsApp, to: str = TO, name: str = "order_placed") -> ChannelError:
    with pytest.raises(ChannelError) as refused:
        channel().send(to, notice(name))
    return refused.value


def test_a_number_not_on_whatsapp_is_permanent(whatsapp_app, fake_whatsapp):
    fake_whatsapp.not_on_whatsapp.add("6281234567890")
    error = _refused(fake_whatsapp)
    assert error.permanent is True and "131026" in str(error)


def test_a_template_that_is_not_registered_is_permanent(whatsapp_app, fake_whatsapp):
    del fake_whatsapp.templates["apik_complaint_decided"]
    error = _refused(fake_whatsapp, name="complaint_decided")
    assert error.permanent is True and "132001" in str(error)


def test_a_template_registered_with_other_parameters_is_permanent(whatsapp_app, fake_whatsapp):
    fake_whatsapp.templates["apik_order_placed"] = ("id", 4, True)
    error = _refused(fake_whatsapp)
    assert error.permanent is True and "132000" in str(error)


def test_a_number_that_is_no_number_is_refused_before_any_call(whatsapp_app, fake_whatsapp):
    error = _refused(fake_whatsapp, to="+62 812 ABC")
    assert error.permanent is True and fake_whatsapp.requests == []


@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (400, 100, True),
        (400, 131008, True),
        (400, 131009, True),
        (400, 131047, True),
        (400, 131051, True),
        (400, 132005, True),
        (400, 132007, True),
        (400, 132012, True),
        (400, 132015, True),
        (400, 132016, True),
        (400, 133010, True),
        (429, 4, False),
        (400, 80007, False),
        (429, 130429, False),
        (400, 131048, False),
        (400, 131056, False),
        (500, 1, False),
        (503, 2, False),
        (500, 131000, False),
        (503, 131016, False),
        (502, 999, False),
    ],
)
def test_each_error_class_is_permanent_or_temporary(whatsapp_app, fake_whatsapp, status, code, permanent):
    fake_whatsapp.fail(status, code)
    error = _refused(fake_whatsapp)
    assert error.permanent is permanent and str(code) in str(error)
    assert channel().send(TO, notice()).startswith("wamid.")  # the fake's one failure is spent: the next goes


def test_a_refused_token_is_permanent_and_logged_loudly_without_the_token(make_app, fake_whatsapp, caplog):
    logging.getLogger("plugins.whatsapp").disabled = False
    app = make_app(
        plugins="whatsapp", **{**whatsapp_config(fake_whatsapp), "WHATSAPP_ACCESS_TOKEN": "EAAG-wrong-token"}
    )
    with app.app_context(), caplog.at_level(logging.INFO):
        error = _refused(fake_whatsapp)
    assert error.permanent is True and "190" in str(error)
    alerts = [r for r in caplog.records if r.levelno >= logging.ERROR and "ALERT" in r.getMessage()]
    assert len(alerts) == 1 and "WHATSAPP_ACCESS_TOKEN" in alerts[0].getMessage()
    assert "EAAG-wrong-token" not in caplog.text and ACCESS_TOKEN not in caplog.text


def test_a_slow_answer_is_a_temporary_error(make_app, fake_whatsapp):
    fake_whatsapp.delay = 1.5
    app = make_app(plugins="whatsapp", **{**whatsapp_config(fake_whatsapp), "WHATSAPP_TIMEOUT": 0.3})
    with app.app_context():
        error = _refused(fake_whatsapp)
    assert error.permanent is False and "in time" in str(error)


def test_no_connection_is_a_temporary_error(whatsapp_app, fake_whatsapp):
    fake_whatsapp.down()
    error = _refused(fake_whatsapp)
    assert error.permanent is False and "could not be reached" in str(error)


def test_an_answer_without_a_message_id_is_a_temporary_error(whatsapp_app, fake_whatsapp):
    fake_whatsapp.fail(200, 0)
    error = _refused(fake_whatsapp)
    assert error.permanent is False and "no message id" in str(error)


def test_a_wrong_phone_number_id_is_permanent(whatsapp_app, fake_whatsapp):
    whatsapp_app.config["WHATSAPP_PHONE_NUMBER_ID"] = "999"
    error = _refused(fake_whatsapp)
    assert error.permanent is True and "100" in str(error)


@pytest.mark.parametrize("missing", ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"])
def test_unconfigured_there_is_no_channel_and_the_plugin_says_so(make_app, fake_whatsapp, missing):
    app = make_app(plugins="whatsapp", **{**whatsapp_config(fake_whatsapp), missing: None})
    with app.app_context():
        assert plugin_api.gather("notification_channels", loud=True) == []
        assert "WHATSAPP_ACCESS_TOKEN" in plugin_api.needs_configuration(app)["whatsapp"][0]
        assert app.test_client().get("/webhooks/whatsapp").status_code == 403  # the routes are there, refusing
    assert fake_whatsapp.requests == []


def test_hook_notification_channels__whatsapp_offers_its_channel_once_configured(whatsapp_app, fake_whatsapp):
    assert "whatsapp" not in plugin_api.needs_configuration(whatsapp_app)
    [offered] = plugin_api.gather("notification_channels", loud=False)
    assert (offered.id, offered.name, offered.language) == ("whatsapp", "WhatsApp", "id")
    assert offered.connection.api_base == fake_whatsapp.api_base and offered.base_url == BASE_URL


def test_production_starts_without_whatsapp_configured(make_app):
    app = make_app(plugins="whatsapp", MARKETPLACE_ENV="production", RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        assert plugin_api.gather("notification_channels", loud=True) == []
