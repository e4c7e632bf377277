"""The beacon's fast path (marketplace/visits/fastpath.py): once a process has answered one beacon
through Flask, a plain beacon is answered before Flask's request machinery, with the same headers,
the same count, the same rate limit and the same visitor behind a proxy; any other request to
/beacon gets exactly the answer the Flask view gives (compared with the app beneath the fast path)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from flask import request_started
from werkzeug.test import Client

from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.visits import fastpath
from tests.factories import PASSWORD, gen_store, gen_user
from tests.integration.test_visits import CHROME, FIREFOX, GOOGLEBOT, beacon, figures, tallies, visits_app

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def app(make_app):
    app = visits_app(make_app)
    with app.app_context():
        yield app


@pytest.fixture
def fair(app):
    store = gen_store(name="Batik Sari")
    opens = now() - timedelta(days=1)
    show = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", opens, opens + timedelta(days=5))
    expo.add_exhibitor(None, show, store, booth="A1")
    db.session.commit()
    data = {"store": store.slug, "store_id": store.id, "expo": show.slug, "expo_id": show.id}
    db.session.remove()
    return data


def middleware(app) -> fastpath.BeaconFastPath:
    """The fast path in the app's WSGI stack (beneath ProxyFix when TRUSTED_PROXIES is set)."""
    layer = app.wsgi_app
    while not isinstance(layer, fastpath.BeaconFastPath):
        layer = layer.app  # ProxyFix keeps what it wraps as .app
    return layer


def flask_client(app) -> Client:
    """A client of the app beneath the fast path: every request answered by Flask, as before it."""
    return Client(middleware(app).wsgi_app, app.response_class)


class FlaskSeen:
    """The requests Flask's request machinery started (``request_started``), by path."""

    def __init__(self, app):
        self.paths: list[str] = []
        request_started.connect(self._seen, app)

    def _seen(self, sender, **_extra):
        from flask import request

        self.paths.append(request.path)


@pytest.fixture
def warm(app, fair):
    """The app once a beacon went through Flask (from an address of its own, counting nothing)."""
    answer = beacon(app.test_client(), address="192.0.2.250", k="nothing")
    assert answer.status_code == 204 and middleware(app).headers is not None
    return app


def test_after_the_first_beacon_flask_never_sees_one(app, fair):
    seen = FlaskSeen(app)
    client = app.test_client()
    assert beacon(client, k="hall", e=fair["expo"]).status_code == 204
    assert seen.paths == ["/beacon"]  # the first: through Flask, whose answer's headers are kept
    for address in ("10.0.0.2", "10.0.0.3", "10.0.0.4"):
        answer = beacon(client, address=address, k="booth", e=fair["expo"], s=fair["store"])
        assert answer.status_code == 204 and answer.data == b"" and "Set-Cookie" not in answer.headers
    assert seen.paths == ["/beacon"]
    assert figures() == {("hall", fair["expo_id"], 0): (1, 1), ("booth", fair["expo_id"], fair["store_id"]): (3, 3)}
    assert client.get(f"/expo/{fair['expo']}").status_code == 200
    assert seen.paths == ["/beacon", f"/expo/{fair['expo']}"]  # every other request: Flask


def test_a_buffered_fast_beacon_runs_no_statement_and_sets_no_cookie(make_app, fair, count_queries):
    app = visits_app(make_app, VISITS_FLUSH_EVERY=200)
    client = app.test_client()
    gen_user("siti@test.id")
    assert client.post("/login", data={"email": "siti@test.id", "password": PASSWORD}).status_code == 302
    beacon(client, k="hall", e=fair["expo"])
    seen = FlaskSeen(app)
    with app.app_context(), count_queries() as q:
        answers = [beacon(client, address=f"10.0.1.{n}", k="hall", e=fair["expo"]) for n in range(1, 6)]
    assert q.statements == [] and seen.paths == []
    assert all(a.status_code == 204 and "Set-Cookie" not in a.headers for a in answers)


@pytest.mark.parametrize("environment", [{}, {"MARKETPLACE_ENV": "production", "ALLOW_UNSHARED_RATE_LIMITS": True}])
def test_the_fast_answer_has_the_headers_of_flasks(make_app, fair, environment):
    app = visits_app(make_app, RATELIMIT_ENABLED=True, **environment)
    base = "https://localhost" if environment else "http://localhost"
    sent = {"data": {"k": "hall", "e": fair["expo"]}, "base_url": base, "headers": {"User-Agent": CHROME}}
    app.test_client().post("/beacon", **sent)
    seen = FlaskSeen(app)
    fast = app.test_client().post("/beacon", **sent)
    assert seen.paths == []
    slow = flask_client(app).post("/beacon", **sent)
    assert fast.status_code == slow.status_code == 204 and fast.data == slow.data == b""
    for answer in (fast, slow):
        assert answer.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert "Set-Cookie" not in answer.headers
    assert ("Strict-Transport-Security" in fast.headers) == bool(environment)
    assert len(fast.headers["X-Request-ID"]) == 32 and fast.headers["X-Request-ID"] != slow.headers["X-Request-ID"]

    def kept(answer):
        # Flask-Limiter's headers are gone from the view's answers too: it no longer wears the decorator
        return sorted((k, v) for k, v in answer.headers.items() if k != "X-Request-ID")

    assert kept(fast) == kept(slow)
    traced = app.test_client().post("/beacon", **{**sent, "headers": {"User-Agent": CHROME, "X-Request-ID": "lb-7"}})
    assert traced.headers["X-Request-ID"] == "lb-7"


def raw(client, body, content_type: str | None = FORM, path: str = "/beacon", **extra):
    """``body`` sent to ``path`` as it is (a dict: as a form of ``content_type``), with Chrome's User-Agent."""
    headers = {"User-Agent": CHROME, **extra.pop("headers", {})}
    extra.setdefault("method", "POST")
    return client.open(path, data=body, content_type=content_type, headers=headers, **extra)


def hall(fair, **more) -> str:
    return urlencode({"k": "hall", "e": fair["expo"], **more})


# (name, what is sent: fair -> kwargs of raw(), counted, answered by the fast path) — each sent
# once to the app beneath the fast path (Flask, as before it) and once to the app, from two
# addresses: the same status, the same body and the same count.
CASES = [
    ("a plain beacon", lambda f: {"body": hall(f)}, True, True),
    ("no fields", lambda f: {"body": ""}, False, True),
    ("an unknown kind", lambda f: {"body": "k=visit&e=" + f["expo"]}, False, True),
    ("a cart beacon", lambda f: {"body": "k=cart&s=" + f["store"]}, False, True),
    ("an unknown expo", lambda f: {"body": "k=hall&e=no-such-expo"}, False, True),
    ("a path for a slug", lambda f: {"body": "k=hall&e=..%2F..%2Fetc%2Fpasswd"}, False, True),
    ("a product id of 40 digits", lambda f: {"body": f"k=product&s={f['store']}&p={'9' * 40}"}, False, True),
    ("the kind twice: the first counts", lambda f: {"body": hall(f) + "&k=booth"}, True, True),
    ("an unknown field too", lambda f: {"body": hall(f, x="y")}, True, True),
    ("charset in the content type", lambda f: {"body": hall(f), "content_type": FORM + ";charset=UTF-8"}, True, True),
    ("percent-encoded bytes that are not UTF-8", lambda f: {"body": "k=hall&e=%ff"}, False, True),
    ("a 5,000-character slug (over MAX_BODY)", lambda f: {"body": "k=hall&e=" + "x" * 5000}, False, False),
    ("a beacon padded over MAX_BODY", lambda f: {"body": hall(f, pad="p" * 3000)}, True, False),
    ("a NUL in a field", lambda f: {"body": "k=hall&e=batik%00"}, False, False),
    ("a NUL in a field's name", lambda f: {"body": hall(f) + "&a%00=1"}, False, False),
    ("bytes that are not UTF-8: an empty form", lambda f: {"body": b"k=hall&e=\xff\xfe"}, False, True),
    ("a query string", lambda f: {"body": "", "query_string": hall(f)}, False, False),
    ("a query string with a NUL", lambda f: {"body": hall(f), "query_string": "x=%00"}, False, False),
    (
        "JSON",
        lambda f: {"body": '{"k": "hall", "e": "' + f["expo"] + '"}', "content_type": "application/json"},
        False,
        False,
    ),
    (
        "JSON nested too deep",
        lambda f: {"body": "[" * 1000 + "]" * 1000, "content_type": "application/json"},
        False,
        False,
    ),
    ("text/plain", lambda f: {"body": hall(f), "content_type": "text/plain;charset=UTF-8"}, False, False),
    ("no content type", lambda f: {"body": hall(f), "content_type": None}, False, False),
    (
        "a multipart form",
        lambda f: {"body": {"k": "hall", "e": f["expo"]}, "content_type": "multipart/form-data"},
        True,
        False,
    ),
    ("an Authorization header", lambda f: {"body": hall(f), "headers": {"Authorization": "Bearer x"}}, True, False),
    (
        "a NUL in the Idempotency-Key",
        lambda f: {"body": hall(f), "headers": {"Idempotency-Key": "a\x00"}},
        False,
        False,
    ),
    ("a Host the app does not serve", lambda f: {"body": hall(f), "base_url": "http://evil.example"}, False, False),
    ("a GET", lambda f: {"body": "", "method": "GET"}, False, False),
    ("a PUT", lambda f: {"body": hall(f), "method": "PUT"}, False, False),
    ("a HEAD", lambda f: {"body": "", "method": "HEAD"}, False, False),
    ("a trailing slash", lambda f: {"body": hall(f), "path": "/beacon/"}, False, False),
]


@pytest.mark.parametrize("name, sent, counted, fast_path", CASES, ids=[c[0] for c in CASES])
def test_any_input_gets_the_answer_flask_gives(warm, fair, name, sent, counted, fast_path):
    answers = {}
    for way, client, address in (("flask", flask_client(warm), "10.5.0.1"), ("app", warm.test_client(), "10.5.0.2")):
        before = sum(row[-1] for row in tallies())
        seen = FlaskSeen(warm)
        response = raw(client, **sent(fair), environ_base={"REMOTE_ADDR": address})
        counts = sum(row[-1] for row in tallies()) - before
        answers[way] = (response.status_code, response.content_type, response.get_data(), counts)
    flask, app = answers["flask"], answers["app"]
    assert app[:2] == flask[:2] and app[3] == flask[3] == int(counted), answers
    if flask[0] == 204:
        assert app[2] == flask[2] == b""
    assert (seen.paths == []) == fast_path  # Flask saw the app's request unless the fast path answered it


def test_the_rate_limit_is_one_count_whichever_way_a_beacon_comes(make_app, fair):
    app = visits_app(make_app, RATELIMIT_ENABLED=True)
    fast, slow = app.test_client(), flask_client(app)
    answers = [beacon(slow, k="hall", e=fair["expo"]).status_code for _ in range(120)]
    answers += [beacon(fast, k="hall", e=fair["expo"]).status_code for _ in range(125)]
    assert answers == [204] * 245
    assert figures() == {("hall", fair["expo_id"], 0): (240, 1)}
    assert beacon(fast, address="10.7.7.7", k="hall", e=fair["expo"]).status_code == 204
    assert figures() == {("hall", fair["expo_id"], 0): (241, 2)}


def test_behind_a_proxy_the_visitor_and_the_limit_are_the_forwarded_address(make_app, fair):
    app = visits_app(make_app, TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True)
    client = app.test_client()
    seen = FlaskSeen(app)

    def via_proxy(forwarded: str):
        return beacon(client, address="127.0.0.1", headers={"X-Forwarded-For": forwarded}, k="hall", e=fair["expo"])

    via_proxy("203.0.113.7")  # through Flask
    via_proxy("203.0.113.7")  # the fast path: the same visitor
    assert len(seen.paths) == 1
    assert figures() == {("hall", fair["expo_id"], 0): (2, 1)}
    via_proxy("198.51.100.1, 203.0.113.8")  # one proxy trusted: the last address is the client
    assert figures() == {("hall", fair["expo_id"], 0): (3, 2)}
    for _ in range(240):
        via_proxy("203.0.113.7")
    assert figures() == {("hall", fair["expo_id"], 0): (240 + 1, 2)}  # 203.0.113.7 stopped at 240
    via_proxy("203.0.113.9")
    assert figures() == {("hall", fair["expo_id"], 0): (242, 3)}
    assert len(seen.paths) == 1


@pytest.mark.parametrize(
    "ua, headers",
    [
        (GOOGLEBOT, {}),
        ("", {}),
        ("   ", {}),
        (CHROME, {"Sec-Purpose": "prefetch;prerender"}),
        (CHROME, {"Purpose": "prefetch"}),
    ],
)
def test_the_fast_path_leaves_bots_and_prefetches_out(warm, fair, ua, headers):
    seen = FlaskSeen(warm)
    assert beacon(warm.test_client(), ua=ua, headers=headers, k="hall", e=fair["expo"]).status_code == 204
    assert seen.paths == [] and tallies() == []
    assert beacon(warm.test_client(), ua=FIREFOX, k="hall", e=fair["expo"]).status_code == 204
    assert figures() == {("hall", fair["expo_id"], 0): (1, 1)}


def test_visits_off_the_fast_path_counts_nothing(make_app, fair):
    app = make_app(VISITS_ENABLED=False)
    client = app.test_client()
    beacon(client, k="hall", e=fair["expo"])
    seen = FlaskSeen(app)
    assert beacon(client, k="hall", e=fair["expo"]).status_code == 204
    assert seen.paths == [] and tallies() == []


def test_redis_down_a_fast_beacon_answers_204_and_counts_nothing(make_app, fair, caplog):
    app = visits_app(make_app, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    client = app.test_client()
    beacon(client, k="hall", e=fair["expo"])
    caplog.clear()
    seen = FlaskSeen(app)
    assert beacon(client, k="hall", e=fair["expo"]).status_code == 204
    assert seen.paths == [] and "could not count a hall beacon" in caplog.text
    assert tallies() == []


def test_a_bug_in_counting_answers_204_and_is_logged_never_a_500(warm, fair, monkeypatch, caplog):
    from marketplace.visits import services as visit_services

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not bad input")

    monkeypatch.setattr(visit_services, "take_beacon", broken)
    seen = FlaskSeen(warm)
    answer = beacon(warm.test_client(), k="hall", e=fair["expo"])
    assert answer.status_code == 204 and seen.paths == []
    assert "beacon: not counted" in caplog.text and "a bug, not bad input" in caplog.text
