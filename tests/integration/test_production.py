"""MARKETPLACE_ENV=production: what it refuses, what it hardens, the headers every page sends,
and gunicorn started with the checked-in gunicorn.conf.py as an operator would."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import requests
from flask import request, url_for

from marketplace import production
from marketplace.production import ConfigurationError
from tests.factories import PASSWORD, gen_user
from tests.live_server import ROOT, free_port

STRONG_KEY = secrets.token_hex(32)
CSP = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture(autouse=True)
def no_debug_env(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def production_app(make_app, **config):
    return make_app(MARKETPLACE_ENV="production", **{"SECRET_KEY": STRONG_KEY, **config})


# --- refusals ---------------------------------------------------------------------------


def test_an_unknown_environment_name_stops_start_up(make_app):
    with pytest.raises(ConfigurationError, match="MARKETPLACE_ENV='prod' is not one of development, production"):
        make_app(MARKETPLACE_ENV="prod")


@pytest.mark.parametrize("key", [None, ""])
def test_production_refuses_to_start_without_an_explicit_secret_key(make_app, key):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set.*token_hex"):
        production_app(make_app, SECRET_KEY=key)


@pytest.mark.parametrize(
    "key",
    [
        "secret",
        "dev",
        "change-me",  # short
        secrets.token_hex(15),  # 30 characters
        "a" * 64,  # long, no entropy
        "abababababababababababababababab1234",  # 6 different characters
        "change-me-" + secrets.token_hex(16),  # a placeholder left in
        "example-" + secrets.token_hex(16),
    ],
)
def test_production_refuses_a_weak_secret_key(make_app, key):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is too weak"):
        production_app(make_app, SECRET_KEY=key)


@pytest.mark.parametrize("key", [secrets.token_hex(32), secrets.token_urlsafe(32), secrets.token_hex(16)])
def test_production_accepts_a_generated_secret_key(make_app, key):
    app = production_app(make_app, SECRET_KEY=key)
    assert app.config["SECRET_KEY"] == key


def test_production_refuses_debug_mode(make_app, monkeypatch):
    with pytest.raises(ConfigurationError, match="Debug mode is on"):
        production_app(make_app, DEBUG=True)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigurationError, match="unset FLASK_DEBUG"):
        production_app(make_app)


@pytest.fixture
def fake_mounts(tmp_path, monkeypatch):
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw,relatime 0 0\n"
        "server:/export /mnt/nfs nfs4 rw,relatime 0 0\n"
        "//nas/share /mnt/smb\\040share cifs rw 0 0\n"
        "/dev/vdb /mnt/nfs/local ext4 rw 0 0\n"
    )
    monkeypatch.setattr(production, "MOUNTS_FILE", str(mounts))


@pytest.mark.parametrize(
    "url, where",
    [
        ("sqlite:////mnt/nfs/apik/marketplace.sqlite", "nfs4"),
        ("sqlite:////mnt/smb share/apik.sqlite", "cifs"),
        ("sqlite://///fileserver/share/apik.sqlite", "UNC"),
    ],
)
def test_production_refuses_sqlite_on_a_network_path(make_app, fake_mounts, url, where):
    with pytest.raises(ConfigurationError, match=f"is on .*{where}.*PostgreSQL"):
        production_app(make_app, DATABASE_URL=url)


def test_production_refuses_rate_limits_that_each_worker_counts_alone(make_app):
    """Without a shared store 2 workers let 35 of 60 guesses through a 20-a-minute limit (issue #15)."""
    with pytest.raises(
        ConfigurationError,
        match=r"REDIS_URL is not set.*N times the limit.*"
        r"ALLOW_UNSHARED_RATE_LIMITS=true",
    ):
        production_app(make_app, RATELIMIT_ENABLED=True, REDIS_URL=None)


@pytest.mark.parametrize("value, starts", [("true", True), ("1", True), ("false", False), ("", False)])
def test_the_operator_may_accept_unshared_rate_limits_explicitly(make_app, monkeypatch, caplog, value, starts):
    monkeypatch.setenv("ALLOW_UNSHARED_RATE_LIMITS", value)
    if not starts:
        with pytest.raises(ConfigurationError, match="REDIS_URL is not set"):
            production_app(make_app, RATELIMIT_ENABLED=True, REDIS_URL=None)
        return
    app = production_app(make_app, RATELIMIT_ENABLED=True, REDIS_URL=None)
    assert app.config["ALLOW_UNSHARED_RATE_LIMITS"] is True and app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert "rate limits are counted per worker process" in caplog.text


def test_production_with_a_shared_limiter_store_or_without_limits_starts(make_app):
    app = production_app(make_app, RATELIMIT_ENABLED=True, REDIS_URL="redis://127.0.0.1:6379/13")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/13"
    production_app(make_app, RATELIMIT_ENABLED=False)  # benchmarks and load tests: nothing to share


def test_development_counts_in_memory_without_asking(make_app):
    assert make_app(RATELIMIT_ENABLED=True, REDIS_URL=None).config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_refuses_an_in_memory_database(make_app):
    with pytest.raises(ConfigurationError, match="in-memory SQLite"):
        production_app(make_app, DATABASE_URL="sqlite://")


def test_local_disks_are_fine_even_below_a_network_mount(fake_mounts):
    assert production.filesystem_type(Path("/mnt/nfs/local/apik")) == "ext4"
    assert production.filesystem_type(Path("/srv/apik")) == "ext4"
    assert production.filesystem_type(Path("/mnt/nfs")) == "nfs4"
    assert production.filesystem_type(Path("/mnt/nfsother")) == "ext4"  # a prefix of the name is not a parent


def test_development_does_not_check_where_sqlite_lives(make_app, fake_mounts):
    make_app(DATABASE_URL="sqlite:////mnt/nfs/apik/marketplace.sqlite")


def test_production_refuses_to_serve_a_database_with_demo_accounts(make_app, app):
    gen_user("admin@demo.test", role="admin")
    with pytest.raises(ConfigurationError, match=r"demo accounts \(admin@demo.test\) whose password is public"):
        production_app(make_app)


def test_a_flask_command_only_warns_about_demo_accounts_so_they_can_be_repaired(make_app, app, caplog):
    gen_user("admin@demo.test", role="admin")
    with click.Context(click.Command("backup")):
        production_app(make_app)
    assert "demo accounts (admin@demo.test)" in caplog.text


def test_an_unmigrated_or_unreachable_database_is_left_to_healthz(make_app):
    app = production_app(make_app, DATABASE_URL="sqlite:////nonexistent-apik-dir/x.sqlite")
    assert app.test_client().get("/healthz").status_code == 503


# --- what production hardens --------------------------------------------------------------


def test_production_cookies_are_secure_httponly_and_lax(make_app):
    app = production_app(make_app)
    with app.app_context():
        gen_user("budi@test.id")
    client = app.test_client()
    response = client.post("/login", data={"email": "budi@test.id", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_cookies_are_httponly_and_lax_but_work_over_http(make_app):
    app = make_app()
    with app.app_context():
        gen_user("budi@test.id")
    response = app.test_client().post("/login", data={"email": "budi@test.id", "password": PASSWORD})
    session = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session


def test_production_builds_https_links(make_app):
    app = production_app(make_app, BASE_URL="https://pasar.example.id")
    with app.test_request_context(base_url="https://pasar.example.id"):
        assert url_for("catalog.home", _external=True).startswith("https://pasar.example.id/")


def test_hsts_only_in_production(make_app):
    assert "Strict-Transport-Security" not in make_app().test_client().get("/").headers
    headers = production_app(make_app).test_client().get("/").headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize(
    "path", ["/", "/login", "/register", "/search?q=batik", "/no-such-page", "/api/v1/products", "/healthz"]
)
def test_every_page_sends_the_content_security_policy_and_friends(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script_or_style_for_the_policy_to_block(client):
    for path in ("/", "/login", "/register", "/search?q=batik", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", html, re.I), path


def test_a_plugin_may_allow_an_origin_in_the_policy(app, client):
    from marketplace import security

    security.csp_allow(app, "form-action", "https://checkout.stripe.com")
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com;" in policy


# --- behind a reverse proxy -----------------------------------------------------------------


def _probe(app):
    app.add_url_rule("/_probe", "probe", lambda: f"{request.remote_addr} {request.scheme} {request.host}")
    return app.test_client()


def test_without_trusted_proxies_forwarded_headers_are_ignored(make_app):
    client = _probe(make_app())
    response = client.get(
        "/_probe",
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert response.get_data(as_text=True) == "10.0.0.2 http localhost"


def test_trusted_proxies_give_the_client_address_and_scheme(make_app):
    client = _probe(make_app(TRUSTED_PROXIES=1))
    response = client.get(
        "/_probe",
        headers={
            "X-Forwarded-For": "198.51.100.1, 203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
        },
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    # the last hop the proxy added; the forged first entry and the Host override are ignored
    assert response.get_data(as_text=True) == "203.0.113.7 https localhost"


def test_forwarded_host_is_trusted_only_when_asked(make_app):
    client = _probe(make_app(TRUSTED_PROXIES=1, PROXY_FIX_X_HOST=1, BASE_URL="https://pasar.example.id"))
    response = client.get("/_probe", headers={"X-Forwarded-Host": "pasar.example.id"})
    assert response.get_data(as_text=True).endswith(" pasar.example.id")


# --- gunicorn with the checked-in configuration --------------------------------------------


def _gunicorn(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "MARKETPLACE_PLUGINS": "",
        "RATELIMIT_ENABLED": "false",
        "BASE_URL": f"http://127.0.0.1:{port}",
        **env,
    }
    env.pop("FLASK_DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
    )
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_gunicorn_conf_serves_production_with_request_ids_in_both_logs(app, tmp_path):
    log = tmp_path / "gunicorn.log"
    process, url = _gunicorn(
        {
            "MARKETPLACE_ENV": "production",
            "SECRET_KEY": STRONG_KEY,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        },
        log,
    )
    try:
        deadline, response = time.monotonic() + 60, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                response = requests.get(url + "/healthz", headers={"X-Request-ID": "lb-check-1"}, timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        assert response is not None, log.read_text()
        assert response.status_code == 200 and response.json()["migrations"] == "current"
        assert response.headers["X-Request-ID"] == "lb-check-1"
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        page = requests.get(url + "/", headers={"X-Request-ID": "shopper-visit-7"}, timeout=10)
        assert page.status_code == 200
    finally:
        _stop(process)
    output = log.read_text()
    assert "Using worker: gthread" in output
    assert "request_id=lb-check-1" in output and '"GET / HTTP/1.1" 200' in output  # gunicorn's access log
    assert re.search(r'^\{.*"request_id": "shopper-visit-7".*"status": 200.*\}$', output, re.M)  # the app's JSON


def test_gunicorns_access_log_never_shows_a_reset_or_invitation_token(app, tmp_path):
    """gunicorn logs the request line and the Referer after the app answered (issue #15)."""
    log = tmp_path / "gunicorn.log"
    secret = "eyJ1IjoxfQ.ZZZ-live-reset-secret-0123456789"
    process, url = _gunicorn(
        {
            "MARKETPLACE_ENV": "production",
            "SECRET_KEY": STRONG_KEY,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        },
        log,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                requests.get(url + "/healthz", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        for path in (f"/password/reset/{secret}", f"/invites/{secret}"):
            response = requests.get(
                url + path + "?lang=en", headers={"Referer": url + path}, timeout=10, allow_redirects=False
            )
            assert response.status_code in (200, 302, 404)
    finally:
        _stop(process)
    output = log.read_text()
    assert secret not in output
    assert '"GET /password/reset/[redacted]?lang=en HTTP/1.1"' in output
    assert f'"{url}/invites/[redacted]"' in output  # the Referer


@pytest.mark.parametrize(
    "settings,refusal",
    [
        ({"SECRET_KEY": STRONG_KEY, "BASE_URL": ""}, "ConfigurationError: BASE_URL is not set"),
        ({"SECRET_KEY": "change-me"}, "ConfigurationError: SECRET_KEY is too weak"),
    ],
    ids=["without_base_url", "with_a_weak_key"],
)
def test_gunicorn_refuses_to_start_production(app, tmp_path, settings, refusal):
    log = tmp_path / "gunicorn.log"
    process, _url = _gunicorn(
        {
            "MARKETPLACE_ENV": "production",
            **settings,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        },
        log,
    )
    try:
        assert process.wait(timeout=60) != 0
    finally:
        _stop(process)
    assert refusal in log.read_text()
