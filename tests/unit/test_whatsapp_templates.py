"""The WhatsApp plugin's pure parts: a template for every notice, parameters in order, the
URL button, the recipient's digits and the sorting of Meta's error codes."""

from __future__ import annotations

import re

import pytest

from marketplace.channels import NOTICES, ChannelError, Notice
from plugins.whatsapp import client
from plugins.whatsapp.templates_wa import TEMPLATES, message_template, parameter_text

BASE = "https://pasar.example.id"


def test_every_notice_has_a_template_whose_body_is_its_parameters_without_the_url():
    assert set(TEMPLATES) == set(NOTICES)
    for notice, template in TEMPLATES.items():
        assert template.name == f"apik_{notice}"
        assert template.body == tuple(p for p in NOTICES[notice] if p != "url")
        numbers = sorted({int(n) for n in re.findall(r"\{\{(\d+)\}\}", template.text)})
        assert numbers == list(range(1, len(template.body) + 1)), template.name  # each {{n}} once, none missing
        assert len(template.text) <= 1024 and len(template.button) <= 25  # WhatsApp Manager's limits


def test_a_link_on_the_site_is_the_buttons_suffix_and_the_body_keeps_the_order():
    notice = Notice(
        "order_shipped",
        "id",
        {
            "url": f"{BASE}/orders/APK-0001",
            "tracking_number": "JNE123",
            "courier": "JNE REG",
            "number": "APK-0001",
            "name": "Siti",
        },
    )
    assert message_template(notice, BASE + "/", "id") == {
        "name": "apik_order_shipped",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Siti"},
                    {"type": "text", "text": "APK-0001"},
                    {"type": "text", "text": "JNE REG"},
                    {"type": "text", "text": "JNE123"},
                ],
            },
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": "orders/APK-0001"}],
            },
        ],
    }


def test_a_link_elsewhere_goes_as_one_more_body_parameter():
    notice = Notice(
        "order_paid", "id", {"name": "A", "number": "N", "total": "Rp 1", "url": "https://elsewhere.test/x"}
    )
    template = message_template(notice, BASE, "id")
    assert [c["type"] for c in template["components"]] == ["body"]
    assert template["components"][0]["parameters"][-1] == {"type": "text", "text": "https://elsewhere.test/x"}


def test_a_parameter_is_one_line_and_never_empty():
    assert parameter_text("Jl. Mawar\n\tNo. 5     RT 2") == "Jl. Mawar No. 5 RT 2"
    assert parameter_text("") == "-" and parameter_text(None) == "-"
    assert len(parameter_text("x" * 5000)) == 1024


def test_a_notice_without_a_template_is_refused():
    with pytest.raises(KeyError):
        message_template(Notice("password_reset", "id", {}), BASE, "id")


@pytest.mark.parametrize(
    ("given", "digits"),
    [("+6281234567890", "6281234567890"), ("+62 812-3456-7890", "6281234567890"), ("6281234567890", "6281234567890")],
)
def test_the_recipient_is_digits_without_plus(given, digits):
    assert client.to_number(given) == digits


@pytest.mark.parametrize("given", ["", "+62abc", "12345", "+" + "1" * 16, "+６２８１２３４５６７８９"])
def test_what_is_no_phone_number_is_a_permanent_error(given):
    with pytest.raises(ChannelError) as refused:
        client.to_number(given)
    assert refused.value.permanent is True


@pytest.mark.parametrize(
    "code",
    [100, 131008, 131009, 131026, 131047, 131051, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 133010, 190],
)
def test_meta_refusals_that_cannot_succeed_later_are_permanent(code):
    assert client.classify(400, code) is True


@pytest.mark.parametrize("code", [4, 80007, 130429, 131048, 131056, 1, 2, 131000, 131016])
def test_rate_limits_and_metas_trouble_are_temporary(code):
    assert client.classify(400, code) is False


def test_an_unknown_code_is_judged_by_the_http_status():
    assert client.classify(500, None) is False and client.classify(503, 999999) is False
    assert client.classify(429, None) is False
    assert client.classify(400, 999999) is True and client.classify(404, None) is True


def test_the_connection_never_shows_its_token():
    connection = client.Connection("https://graph.facebook.com/v21.0", "1065", "EAAG-secret-token")
    assert "EAAG-secret-token" not in repr(connection) and "EAAG-secret-token" not in str(connection)


def test_the_readme_lists_each_template_exactly_as_sent():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "plugins" / "whatsapp" / "README.md").read_text()
    for template in TEMPLATES.values():
        assert f"`{template.name}`" in readme and f"> {template.text}\n" in readme
        assert f"**{template.button}**" in readme
