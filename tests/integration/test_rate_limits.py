"""Abuse limits (Flask-Limiter): 429 with Retry-After, as the JSON error shape under /api and as a
page elsewhere; counted per client (behind a proxy too); in memory, or in Redis when REDIS_URL is set."""

from __future__ import annotations

import random

import pytest

from tests.factories import PASSWORD, gen_user

MESSAGE = "Terlalu banyak permintaan. Coba lagi sebentar lagi."


def a_client_address() -> str:
    """A client address no other test (or earlier run sharing Redis) has used."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def limited_app(make_app, **config):
    return make_app(RATELIMIT_ENABLED=True, **config)


def hammer(client, path: str, times: int, address: str, **kwargs):
    """``times`` POSTs from ``address``; "{n}" in a body's value becomes the request's number, so the
    guesses can name different e-mails (the per-address wait of accounts.services stays out of the way)."""

    def numbered(value, n):
        if isinstance(value, dict):
            return {key: numbered(item, n) for key, item in value.items()}
        return value.replace("{n}", str(n)) if isinstance(value, str) else value

    return [
        client.post(
            path, environ_base={"REMOTE_ADDR": address}, **{key: numbered(value, n) for key, value in kwargs.items()}
        )
        for n in range(times)
    ]


def assert_retry_after(response):
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_api_token_requests_are_limited_with_the_json_error_shape(make_app):
    client = limited_app(make_app).test_client()
    responses = hammer(
        client,
        "/api/v1/auth/tokens",
        21,
        a_client_address(),
        json={"email": "nobody{n}@test.id", "password": "salah-sekali"},
    )
    assert [r.status_code for r in responses[:20]] == [401] * 20
    assert_retry_after(responses[20])
    assert responses[20].get_json() == {"error": {"code": "rate_limited", "message": MESSAGE, "fields": {}}}


def test_sign_in_form_is_limited_with_a_page(make_app):
    client = limited_app(make_app).test_client()
    responses = hammer(
        client, "/login", 21, a_client_address(), data={"email": "nobody{n}@test.id", "password": "salah-sekali"}
    )
    assert 429 not in [r.status_code for r in responses[:20]]
    last = responses[20]
    assert_retry_after(last)
    assert last.mimetype == "text/html"
    page = last.get_data(as_text=True)
    assert MESSAGE in page and "<h1>429</h1>" in page


def test_a_browser_asking_for_json_gets_json(make_app):
    client = limited_app(make_app).test_client()
    address = a_client_address()
    hammer(client, "/password/forgot", 5, address, data={"email": "nobody@test.id"})
    response = client.post(
        "/password/forgot",
        data={"email": "nobody@test.id"},
        headers={"Accept": "application/json"},
        environ_base={"REMOTE_ADDR": address},
    )
    assert_retry_after(response)
    assert response.get_json()["error"]["code"] == "rate_limited"


def test_password_reset_requests_allow_five_a_minute(make_app):
    client = limited_app(make_app).test_client()
    responses = hammer(client, "/password/forgot", 6, a_client_address(), data={"email": "nobody@test.id"})
    assert 429 not in [r.status_code for r in responses[:5]]
    assert_retry_after(responses[5])


def test_api_sign_up_is_limited(make_app):
    client = limited_app(make_app).test_client()
    responses = hammer(client, "/api/v1/auth/register", 21, a_client_address(), json={})
    assert [r.status_code for r in responses[:20]] == [422] * 20
    assert_retry_after(responses[20])


def test_the_sign_in_page_and_the_token_endpoint_share_one_count(make_app):
    """40 guesses a minute used to pass (20 on each door); now 20 in all, whichever door."""
    client = limited_app(make_app).test_client()
    address = a_client_address()
    pages = hammer(client, "/login", 10, address, data={"email": "a{n}@test.id", "password": "salah-sekali"})
    api = hammer(client, "/api/v1/auth/tokens", 10, address, json={"email": "b{n}@test.id", "password": "salah-sekali"})
    assert {r.status_code for r in pages + api} == {401}
    assert_retry_after(
        client.post(
            "/login", data={"email": "c@test.id", "password": "salah-sekali"}, environ_base={"REMOTE_ADDR": address}
        )
    )
    assert_retry_after(
        client.post(
            "/api/v1/auth/tokens",
            json={"email": "c@test.id", "password": "salah-sekali"},
            environ_base={"REMOTE_ADDR": address},
        )
    )


def test_reading_pages_is_not_limited(make_app):
    client = limited_app(make_app).test_client()
    address = a_client_address()
    assert {client.get("/login", environ_base={"REMOTE_ADDR": address}).status_code for _ in range(30)} == {200}


def test_each_client_has_its_own_count(make_app):
    client = limited_app(make_app).test_client()
    hammer(client, "/login", 21, a_client_address(), data={"email": "x{n}@test.id", "password": "salah-sekali"})
    fresh = client.post(
        "/login",
        data={"email": "x@test.id", "password": "salah-sekali"},
        environ_base={"REMOTE_ADDR": a_client_address()},
    )
    assert fresh.status_code != 429


def test_behind_a_proxy_clients_are_told_apart_by_x_forwarded_for(make_app):
    app = limited_app(make_app, TRUSTED_PROXIES=1)
    client = app.test_client()
    proxy, noisy, quiet = "127.0.0.1", a_client_address(), a_client_address()
    body = {"email": "x@test.id", "password": "salah-sekali"}
    for n in range(21):
        last = client.post(
            "/api/v1/auth/tokens",
            json={**body, "email": f"x{n}@test.id"},
            headers={"X-Forwarded-For": noisy},
            environ_base={"REMOTE_ADDR": proxy},
        )
    assert last.status_code == 429
    other = client.post(
        "/api/v1/auth/tokens", json=body, headers={"X-Forwarded-For": quiet}, environ_base={"REMOTE_ADDR": proxy}
    )
    assert other.status_code == 401


def test_a_right_password_after_the_limit_still_waits(make_app):
    app = limited_app(make_app)
    with app.app_context():
        gen_user("budi@test.id")
    client = app.test_client()
    address = a_client_address()
    hammer(client, "/api/v1/auth/tokens", 20, address, json={"email": "budi@test.id", "password": "salah-sekali"})
    response = client.post(
        "/api/v1/auth/tokens",
        json={"email": "budi@test.id", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.status_code == 429


def test_ratelimit_enabled_false_switches_limits_off(make_app):
    client = make_app(RATELIMIT_ENABLED=False).test_client()
    responses = hammer(
        client,
        "/api/v1/auth/tokens",
        25,
        a_client_address(),
        json={"email": "nobody{n}@test.id", "password": "salah-sekali"},
    )
    assert {r.status_code for r in responses} == {401}


# --- Redis -----------------------------------------------------------------------------------


def _keys_for(url: str, address: str) -> list[bytes]:
    import redis

    return list(redis.Redis.from_url(url).scan_iter(match=f"*{address}*"))


def _forget(url: str, address: str) -> None:
    import redis

    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter(match=f"*{address}*"):
        connection.delete(key)


@pytest.mark.redis
def test_redis_backs_the_limits_when_redis_url_is_set(make_app, redis_url):
    app = limited_app(make_app, REDIS_URL=redis_url)
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    client = app.test_client()
    address = a_client_address()
    try:
        responses = hammer(
            client, "/api/v1/auth/tokens", 21, address, json={"email": "nobody{n}@test.id", "password": "salah-sekali"}
        )
        assert [r.status_code for r in responses[:20]] == [401] * 20
        assert_retry_after(responses[20])
        assert responses[20].get_json()["error"]["code"] == "rate_limited"
        assert _keys_for(redis_url, address), "the count lives in Redis"
    finally:
        _forget(redis_url, address)


@pytest.mark.redis
def test_a_count_in_redis_is_shared_by_every_app_process(make_app, redis_url):
    """Two app instances (two hosts) see one count: the second is refused where the first left off."""
    address = a_client_address()
    body = {"email": "nobody{n}@test.id", "password": "salah-sekali"}
    try:
        first = limited_app(make_app, REDIS_URL=redis_url).test_client()
        assert {r.status_code for r in hammer(first, "/api/v1/auth/tokens", 20, address, json=body)} == {401}
        second = limited_app(make_app, REDIS_URL=redis_url).test_client()
        assert_retry_after(second.post("/api/v1/auth/tokens", json=body, environ_base={"REMOTE_ADDR": address}))
    finally:
        _forget(redis_url, address)


@pytest.mark.redis
def test_the_html_page_limit_works_on_redis_too(make_app, redis_url):
    client = limited_app(make_app, REDIS_URL=redis_url).test_client()
    address = a_client_address()
    try:
        responses = hammer(client, "/login", 21, address, data={"email": "x{n}@test.id", "password": "salah-sekali"})
        assert_retry_after(responses[20])
        assert MESSAGE in responses[20].get_data(as_text=True)
    finally:
        _forget(redis_url, address)


def test_a_redis_outage_does_not_take_sign_in_down(make_app):
    client = limited_app(make_app, REDIS_URL="redis://127.0.0.1:1/0").test_client()
    response = client.post(
        "/api/v1/auth/tokens",
        json={"email": "nobody@test.id", "password": "salah-sekali"},
        environ_base={"REMOTE_ADDR": a_client_address()},
    )
    assert response.status_code == 401
