"""Issue #15: image uploads are rate limited per account and per client address, one budget shared
by every upload endpoint (product photos, store logos, expo banners, transfer proofs, claim photos;
pages and API alike), each image file of a request counting one; 429 with Retry-After once spent."""

from __future__ import annotations

import random
from io import BytesIO
from types import SimpleNamespace

import pytest

from marketplace.extensions import db
from tests.buying_factories import SHIPPING, fill_cart, gen_listing, gen_shopper
from tests.conftest import ApiClient
from tests.factories import PASSWORD, gen_product, gen_store, gen_user, image_bytes
from tests.insurance_support import PLUGINS, bearer, grant, token

MESSAGE = "Terlalu banyak permintaan. Coba lagi sebentar lagi."


def an_address() -> str:
    """A client address no other test (or earlier run sharing Redis) has used."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def photo(name="foto.jpg"):
    return image_bytes("JPEG", (320, 240)), name


@pytest.fixture
def limited(make_app):
    def build(**config):
        app = make_app(
            plugins=PLUGINS + ",bank_transfer",
            RATELIMIT_ENABLED=True,
            BANK_TRANSFER_ACCOUNTS="BRI 0123 a.n. Disnakerin",
            **config,
        )
        ctx = app.app_context()
        ctx.push()
        sari = gen_user("sari@test.id", role="seller", name="Sari")
        store = gen_store(sari, name="Batik Sari")
        agency = gen_user("dinas@test.id", role="agency", name="Dinas")
        return SimpleNamespace(
            app=app,
            ctx=ctx,
            store=store,
            product=gen_product(store),
            policy=grant(agency, store, "warungku"),
            sari=sari,
        )

    contexts = []
    yield lambda **config: contexts.append(build(**config)) or contexts[-1]
    for world in contexts:
        world.ctx.pop()


def page_client(app, email, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def product_photo(client, w, upload=None):
    return client.post(
        f"/seller/stores/{w.store.slug}/products/{w.product.id}/photos",
        data={"photo": upload or photo()},
        content_type="multipart/form-data",
    )


def test_one_account_has_one_budget_across_every_upload_endpoint(limited):
    w = limited(UPLOAD_RATE_LIMIT="4 per hour", UPLOAD_RATE_LIMIT_PER_IP="100 per hour")
    address = an_address()
    pages = page_client(w.app, "sari@test.id", address)
    api = w.app.test_client()
    api.environ_base["REMOTE_ADDR"] = address
    auth = bearer(token(api, "sari@test.id"))
    answers = [
        product_photo(pages, w),
        api.post(
            f"/api/v1/products/{w.product.id}/images",
            data={"photo": photo()},
            content_type="multipart/form-data",
            headers=auth,
        ),
        pages.post(
            f"/seller/stores/{w.store.slug}/settings/logo",
            data={"logo": photo("logo.png")},
            content_type="multipart/form-data",
        ),
        api.post(
            "/api/v1/insurance/claims",
            headers=auth,
            content_type="multipart/form-data",
            data={
                "policy": w.policy.number,
                "incident_date": w.policy.starts_on.isoformat(),
                "cause": "ledakan",
                "description": "Tabung gas meledak di dapur toko.",
                "amount": "1000000",
                "photos": photo(),
            },
        ),
    ]
    assert [a.status_code for a in answers] == [302, 201, 302, 201]
    fifth = product_photo(pages, w)
    assert fifth.status_code == 429 and 0 < int(fifth.headers["Retry-After"]) <= 3600
    assert MESSAGE in fifth.get_data(as_text=True)
    by_api = api.post(
        f"/api/v1/products/{w.product.id}/images",
        data={"photo": photo()},
        content_type="multipart/form-data",
        headers=auth,
    )
    assert by_api.status_code == 429
    assert by_api.get_json() == {"error": {"code": "rate_limited", "message": MESSAGE, "fields": {}}}
    # another seller behind the same address still has its own budget
    gen_store(gen_user("joko@test.id", role="seller"), name="Logam Joko")
    joko = page_client(w.app, "joko@test.id", address)
    assert (
        joko.post(
            "/seller/stores/logam-joko/settings/logo", data={"logo": photo()}, content_type="multipart/form-data"
        ).status_code
        == 302
    )


def test_every_image_of_a_claim_counts(limited):
    w = limited(UPLOAD_RATE_LIMIT="6 per hour", UPLOAD_RATE_LIMIT_PER_IP="100 per hour")
    pages = page_client(w.app, "sari@test.id", an_address())
    url = f"/seller/insurance/policies/{w.policy.id}/claim"
    claim = {
        "incident_date": w.policy.starts_on.isoformat(),
        "cause": "ledakan",
        "amount": "1000000",
        "description": "Tabung gas meledak di dapur toko.",
    }
    filed = pages.post(
        url, data={**claim, "photos": [photo(f"{n}.jpg") for n in range(5)]}, content_type="multipart/form-data"
    )
    assert filed.status_code == 302, filed.get_data(as_text=True)[:300]
    assert product_photo(pages, w).status_code == 302  # the sixth image
    assert product_photo(pages, w).status_code == 429
    assert pages.get(url).status_code == 200, "reading the form costs nothing"


def test_a_shopper_sending_transfer_proofs_is_limited_too(limited):
    w = limited(UPLOAD_RATE_LIMIT="2 per hour", UPLOAD_RATE_LIMIT_PER_IP="100 per hour")
    shopper = gen_shopper("siti@test.id")
    fill_cart(shopper, (gen_listing(price=25000, stock=5, store=w.store), 1))
    db.session.commit()
    api = ApiClient(w.app.test_client())
    payment = api.post(
        "/checkout", {"payment_method": "bank_transfer", "shipping": SHIPPING}, token=api.token("siti@test.id")
    ).get_json()["payment"]
    pages = page_client(w.app, "siti@test.id", an_address())
    answers = [
        pages.post(
            f"/bank-transfer/{payment['id']}",
            data={"proof": photo(), "sender_name": "Siti"},
            content_type="multipart/form-data",
        )
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert pages.get(f"/bank-transfer/{payment['id']}").status_code == 200


def test_an_address_has_a_budget_across_accounts(limited):
    w = limited(UPLOAD_RATE_LIMIT="100 per hour", UPLOAD_RATE_LIMIT_PER_IP="3 per hour")
    address = an_address()
    sari = page_client(w.app, "sari@test.id", address)
    gen_store(gen_user("joko@test.id", role="seller"), name="Logam Joko")
    joko = page_client(w.app, "joko@test.id", address)
    assert [product_photo(sari, w).status_code for _ in range(2)] == [302, 302]

    def joko_logo():
        return joko.post(
            "/seller/stores/logam-joko/settings/logo", data={"logo": photo()}, content_type="multipart/form-data"
        )

    assert joko_logo().status_code == 302
    assert joko_logo().status_code == 429
    elsewhere = page_client(w.app, "joko@test.id", an_address())
    assert (
        elsewhere.post(
            "/seller/stores/logam-joko/settings/logo", data={"logo": photo()}, content_type="multipart/form-data"
        ).status_code
        == 302
    )


def test_the_default_budget_lets_a_seller_fill_a_product_with_photos(limited):
    w = limited()
    pages = page_client(w.app, "sari@test.id", an_address())
    assert [product_photo(pages, w).status_code for _ in range(8)] == [302] * 8


def test_a_refused_upload_counts_as_well(limited):
    """A bomb refused from its header still costs the sender one image of the budget."""
    w = limited(UPLOAD_RATE_LIMIT="2 per hour", UPLOAD_RATE_LIMIT_PER_IP="100 per hour")
    pages = page_client(w.app, "sari@test.id", an_address())
    assert product_photo(pages, w, (BytesIO(b"not an image"), "x.jpg")).status_code == 422
    assert product_photo(pages, w).status_code == 302
    assert product_photo(pages, w).status_code == 429


@pytest.mark.redis
def test_with_redis_every_worker_counts_against_the_same_budget(make_app, redis_url):
    first = make_app(plugins=PLUGINS, RATELIMIT_ENABLED=True, REDIS_URL=redis_url, UPLOAD_RATE_LIMIT="2 per hour")
    second = make_app(plugins=PLUGINS, RATELIMIT_ENABLED=True, REDIS_URL=redis_url, UPLOAD_RATE_LIMIT="2 per hour")
    with first.app_context():
        sari = gen_user(f"sari{random.randrange(10**9)}@test.id", role="seller", name="Sari")
        store = gen_store(sari, name="Batik Sari")
        product = gen_product(store)
        url = f"/seller/stores/{store.slug}/products/{product.id}/photos"
        email = sari.email
    forget_upload_counts(redis_url)
    address = an_address()
    answers = []
    for app in (first, second, first):
        with app.app_context():
            client = page_client(app, email, address)
            answers.append(client.post(url, data={"photo": photo()}, content_type="multipart/form-data").status_code)
    forget_upload_counts(redis_url)
    assert answers == [302, 302, 429]


def forget_upload_counts(url: str) -> None:
    """Each test's database numbers its users from 1: an earlier run's counts must not carry over."""
    import redis

    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter(match="*uploads-per-*"):
        connection.delete(key)
