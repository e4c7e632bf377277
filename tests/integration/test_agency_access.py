"""Every agency page and API endpoint is for agency officers (and admins) only:
visitors go to the login page (401 on the API), sellers, shoppers and insurers get 403."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.agency_support import gen_people, login

# every console route (method, path), with real-looking arguments
PAGES = [
    ("GET", "/agency/"),
    ("GET", "/agency/stores?status=pending"),
    ("GET", "/agency/stores/batik-sari"),
    ("POST", "/agency/stores/batik-sari/approve"),
    ("POST", "/agency/stores/batik-sari/reject"),
    ("POST", "/agency/stores/batik-sari/suspend"),
    ("POST", "/agency/stores/batik-sari/reinstate"),
    ("POST", "/agency/stores/batik-sari/invite-owner"),
    ("POST", "/agency/stores/batik-sari/assist"),
    ("POST", "/agency/stores/decide-many"),
    ("GET", "/agency/featured"),
    ("POST", "/agency/featured/add"),
    ("POST", "/agency/featured/remove"),
    ("POST", "/agency/featured/up"),
    ("POST", "/agency/featured/down"),
    ("GET", "/agency/commission"),
    ("POST", "/agency/commission"),
    ("GET", "/agency/audit"),
    ("GET", "/agency/expos"),
    ("POST", "/agency/expos"),
    ("GET", "/agency/expos/apik"),
    ("POST", "/agency/expos/apik"),
    ("POST", "/agency/expos/apik/banner"),
    ("POST", "/agency/expos/apik/zones"),
    ("POST", "/agency/expos/apik/zones/kuliner/up"),
    ("POST", "/agency/expos/apik/zones/kuliner/down"),
    ("POST", "/agency/expos/apik/zones/kuliner/remove"),
    ("POST", "/agency/expos/apik/zones/kuliner/rename"),
    ("POST", "/agency/expos/apik/exhibitors"),
    ("POST", "/agency/expos/apik/exhibitors/batik-sari/update"),
    ("POST", "/agency/expos/apik/exhibitors/batik-sari/remove"),
    ("GET", "/agency/expos/apik/sessions"),
    ("POST", "/agency/expos/apik/sessions"),
    ("GET", "/agency/expos/apik/sessions/1"),
    ("POST", "/agency/expos/apik/sessions/1"),
    ("POST", "/agency/expos/apik/sessions/1/delete"),
    ("GET", "/agency/onboard"),
    ("POST", "/agency/onboard"),
    ("POST", "/agency/onboard/bulk"),
    ("GET", "/agency/reports"),
    ("GET", "/agency/reports/sales.csv"),
    ("GET", "/agency/reports/gov"),
    ("GET", "/agency/reports/gov.csv"),
    ("GET", "/agency/reports/funnel.csv?expo=apik"),
    ("GET", "/agency/gov/offices"),
    ("GET", "/agency/gov/offices/new"),
    ("POST", "/agency/gov/offices/new"),
    ("GET", "/agency/gov/offices/4.01.0.00.0.00.01.0000"),
    ("POST", "/agency/gov/offices/4.01.0.00.0.00.01.0000"),
    ("POST", "/agency/gov/offices/4.01.0.00.0.00.01.0000/officials"),
    ("POST", "/agency/gov/offices/4.01.0.00.0.00.01.0000/officials/1/dismiss"),
    ("POST", "/agency/reports/jobs"),
    ("GET", "/agency/reports/files/1-00000000000000000000000000000000-penjualan.csv"),
    ("GET", "/agency/jobs"),
    ("GET", "/agency/outbox"),
    ("POST", "/agency/outbox/1/retry"),
    ("GET", "/agency/complaints"),
    ("GET", "/agency/complaints/1"),
    ("POST", "/agency/complaints/1/decision"),
    ("GET", "/agency/payout-accounts"),
    ("POST", "/agency/payout-accounts/batik-sari/verify"),
    ("GET", "/agency/search/synonyms"),
    ("POST", "/agency/search/synonyms"),
    ("GET", "/agency/search/synonyms/1"),
    ("POST", "/agency/search/synonyms/1"),
    ("GET", "/agency/search/synonyms/1/delete"),
    ("POST", "/agency/search/synonyms/1/delete"),
]
ADMIN_ONLY = {"/agency/outbox"}  # the mail outbox: an officer gets 403 (tests/integration/test_outbox.py)

# every agency API endpoint, and the expo writes
API = [
    ("get", "/agency/stores?status=pending"),
    ("post", "/agency/stores/batik-sari/approve"),
    ("post", "/agency/stores/batik-sari/reject"),
    ("post", "/agency/stores/batik-sari/suspend"),
    ("post", "/agency/stores/batik-sari/reinstate"),
    ("put", "/agency/featured"),
    ("get", "/agency/commission"),
    ("put", "/agency/commission"),
    ("post", "/expos"),
    ("post", "/expos/apik/exhibitors"),
    ("post", "/expos/apik/sessions"),
    ("patch", "/expos/apik/sessions/1"),
    ("delete", "/expos/apik/sessions/1"),
    ("get", "/agency/reports/sales"),
    ("get", "/agency/reports/sales?format=csv"),
    ("get", "/agency/reports/gov"),
    ("get", "/agency/reports/funnel?expo=apik"),
    ("get", "/agency/complaints"),
    ("post", "/agency/complaints/1/decision"),
    ("get", "/agency/payout-accounts"),
    ("post", "/agency/stores/batik-sari/payout-account/verify"),
    ("get", "/agency/search-synonyms"),
    ("post", "/agency/search-synonyms"),
    ("patch", "/agency/search-synonyms/1"),
    ("delete", "/agency/search-synonyms/1"),
    ("get", "/agency/search-misses"),
]


@pytest.fixture
def people(app):
    return gen_people()


def _endpoints(app, calls, prefix: str = "") -> set[tuple[str, str]]:
    adapter = app.url_map.bind("localhost")
    return {(adapter.match(prefix + path.split("?")[0], method.upper())[0], method.upper()) for method, path in calls}


def test_the_lists_cover_every_agency_route(app):
    served = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/agency") and not rule.rule.startswith("/agency/esmart")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert _endpoints(app, PAGES) == served
    api = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/api/v1/agency", "/api/v1/expos"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    public = {("api.list_expos", "GET"), ("api.get_expo", "GET"), ("api.list_sessions", "GET")}
    assert _endpoints(app, API, "/api/v1") == api - public


@pytest.mark.parametrize("method,path", PAGES)
def test_visitors_are_sent_to_the_login_page(client, people, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 302, (method, path)
    assert urlsplit(response.headers["Location"]).path == "/login"


@pytest.mark.parametrize("role", ["seller", "shopper", "insurer"])
def test_other_roles_get_403_on_every_page(client, people, role):
    login(client, people[role].email)
    for method, path in PAGES:
        response = client.open(path, method=method)
        assert response.status_code == 403, (role, method, path, response.status_code)


def test_the_agency_officer_opens_every_page(client, people):
    login(client, people["agency"].email)
    for method, path in PAGES:
        if method == "GET":
            response = client.get(path)
            expected = (403,) if path in ADMIN_ONLY else (200, 404)
            assert response.status_code in expected, (path, response.status_code)


def test_an_admin_is_an_agency_officer_too(client, people):
    from tests.factories import gen_user

    gen_user("admin@test.id", role="admin")
    login(client, "admin@test.id")
    assert client.get("/agency/").status_code == 200
    assert client.get("/agency/reports").status_code == 200


@pytest.mark.parametrize("method,path", API)
def test_api_without_a_token_is_401_and_other_roles_403(api, people, method, path):
    body = {} if method in ("post", "put") else None
    kwargs = {"json": body} if body is not None else {}
    assert getattr(api, method)(path, **kwargs).status_code == 401, path
    for role in ("seller", "shopper", "insurer"):
        token = api.token(people[role].email)
        response = getattr(api, method)(path, token=token, **kwargs)
        assert response.status_code == 403, (role, method, path, response.status_code)
        assert response.get_json()["error"]["code"] == "forbidden"


def test_the_agency_menu_link_shows_for_officers_only(client, people):
    login(client, people["seller"].email)
    assert "/agency/" not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(client, people["agency"].email)
    assert 'href="/agency/"' in client.get("/").get_data(as_text=True)
