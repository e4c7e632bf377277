"""Request ids: in the X-Request-ID header and in every log line; JSON log lines in production."""

from __future__ import annotations

import json
import logging
import re

import pytest

from marketplace import observability

HEX_ID = re.compile(r"^[0-9a-f]{32}$")
STRONG_KEY = "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d0f"


def probing(app):
    """Routes that log from inside a request, and one that fails."""

    def probe():
        logging.getLogger("marketplace.probe").warning("probing %s", "stock")
        return "ok"

    def boom():
        raise RuntimeError("the database fell over")

    app.add_url_rule("/_probe", "probe", probe)
    app.add_url_rule("/_boom", "boom", boom)
    return app.test_client()


def lines_from(err: str, marker: str) -> list[str]:
    return [line for line in err.splitlines() if marker in line]


def test_every_response_gets_a_fresh_request_id(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert HEX_ID.match(first) and HEX_ID.match(second) and first != second


def test_errors_carry_a_request_id_too(client):
    assert HEX_ID.match(client.get("/no-such-page").headers["X-Request-ID"])
    assert HEX_ID.match(client.get("/api/v1/products/999999").headers["X-Request-ID"])


@pytest.mark.parametrize("incoming", ["abc-123", "2f1e0c9a8b7d6e5f4a3b2c1d0e9f8a7b", "lb.7:req_42"])
def test_a_sane_incoming_request_id_is_kept(client, incoming):
    assert client.get("/", headers={"X-Request-ID": incoming}).headers["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 129, "<script>", 'a"b', "-starts-with-dash", "ünïcode"])
def test_an_odd_incoming_request_id_is_replaced(client, incoming):
    sent = client.get("/", headers={"X-Request-ID": incoming}).headers["X-Request-ID"]
    assert HEX_ID.match(sent)


def test_log_lines_written_during_a_request_carry_its_id(make_app, capsys):
    client = probing(make_app())
    capsys.readouterr()
    client.get("/_probe", headers={"X-Request-ID": "trace-text-1"})
    (line,) = lines_from(capsys.readouterr().err, "probing stock")
    assert "WARNING [trace-text-1] marketplace.probe probing stock" in line


def test_log_lines_outside_a_request_have_a_dash(make_app, capsys):
    make_app()
    capsys.readouterr()
    logging.getLogger("marketplace.probe").warning("no request here")
    (line,) = lines_from(capsys.readouterr().err, "no request here")
    assert "[-] marketplace.probe" in line


def test_development_writes_no_line_per_request_by_default(make_app, capsys):
    client = probing(make_app())
    capsys.readouterr()
    client.get("/_probe")
    assert not lines_from(capsys.readouterr().err, "marketplace.request")


def _json_lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_production_logs_one_json_object_per_line(make_app, capsys):
    client = probing(make_app(MARKETPLACE_ENV="production", SECRET_KEY=STRONG_KEY))
    capsys.readouterr()
    response = client.get("/_probe", headers={"X-Request-ID": "trace-json-1"})
    err = capsys.readouterr().err
    records = _json_lines(err)
    assert len(records) == len([line for line in err.splitlines() if line.strip()])  # nothing but JSON
    probe = next(r for r in records if r["logger"] == "marketplace.probe")
    assert probe["message"] == "probing stock" and probe["level"] == "WARNING"
    assert probe["request_id"] == "trace-json-1" and probe["method"] == "GET" and probe["path"] == "/_probe"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", probe["time"])
    done = next(r for r in records if r["logger"] == "marketplace.request")
    assert done["request_id"] == response.headers["X-Request-ID"] == "trace-json-1"
    assert done["status"] == 200 and done["method"] == "GET" and done["path"] == "/_probe"
    assert isinstance(done["duration_ms"], float) and done["duration_ms"] >= 0


def test_production_json_logs_keep_the_traceback_of_a_failure(make_app, capsys):
    client = probing(make_app(MARKETPLACE_ENV="production", SECRET_KEY=STRONG_KEY))
    capsys.readouterr()
    response = client.get("/_boom", headers={"X-Request-ID": "trace-boom"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "trace-boom"
    records = _json_lines(capsys.readouterr().err)
    error = next(r for r in records if r["level"] == "ERROR")
    assert error["request_id"] == "trace-boom" and "RuntimeError: the database fell over" in error["exception"]
    assert any(r.get("status") == 500 and r["request_id"] == "trace-boom" for r in records)


def test_health_checks_do_not_flood_the_request_log(make_app, capsys):
    client = make_app(MARKETPLACE_ENV="production", SECRET_KEY=STRONG_KEY).test_client()
    capsys.readouterr()
    client.get("/healthz")
    assert not [r for r in _json_lines(capsys.readouterr().err) if r.get("path") == "/healthz"]


def test_log_format_and_request_lines_can_be_chosen(make_app, capsys):
    client = probing(make_app(LOG_FORMAT="json", LOG_REQUESTS=True))
    capsys.readouterr()
    client.get("/_probe")
    assert any(r["logger"] == "marketplace.request" for r in _json_lines(capsys.readouterr().err))


def test_one_handler_however_many_apps_are_built(make_app):
    make_app()
    make_app(MARKETPLACE_ENV="production", SECRET_KEY=STRONG_KEY)
    make_app()
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_apik", False)]
    assert len(ours) == 1 and not isinstance(ours[0].formatter, observability.JsonFormatter)
