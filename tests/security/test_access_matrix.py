"""Access control proven, not assumed: every route x every role (tests/security/access_matrix.py).

The world (two stores, their products, orders, ledger, policies, claims, an
expo...) is built once for the module; every state change that went through is
undone by putting the database and the uploads back as they were seeded, so each
call sees the same world whatever ran before it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select, text

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL, FreshContextClient, _truncate_all
from tests.security.access_matrix import (
    MATRIX,
    PLUGINS,
    ROLES,
    STATE_CHANGING,
    Caller,
    app_routes,
    build_world,
    is_api,
    judge,
    matrix_shapes,
    openapi_operations,
    route_url,
    send,
    sign_in,
)

pytestmark = pytest.mark.security


# --- the seeded world, and putting it back ----------------------------------------------------


class SqliteSnapshot:
    def __init__(self, path: Path):
        self.path, self.copy = path, path.with_suffix(".seeded")

    def take(self):
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
        shutil.copy(self.path, self.copy)

    def restore(self):
        db.session.remove()
        db.engine.dispose()
        for extra in ("-wal", "-shm"):
            Path(f"{self.path}{extra}").unlink(missing_ok=True)
        shutil.copy(self.copy, self.path)


class PostgresSnapshot:
    """Every row of every table, put back by DELETE and INSERT in one transaction (far quicker than
    TRUNCATE for a small world; sequences keep counting up, which no test depends on)."""

    def __init__(self, url: str):
        self.engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        self.metadata = MetaData()
        self.rows: dict[str, list[dict]] = {}

    def take(self):
        db.session.remove()
        with self.engine.connect() as conn:
            self.metadata.reflect(conn)
            self.tables = [t for t in self.metadata.sorted_tables if t.name != "alembic_version"]
            self.columns = {t.name: [c for c in t.c if c.computed is None] for t in self.tables}  # not tsv
            self.rows = {
                t.name: [dict(r) for r in conn.execute(select(*self.columns[t.name])).mappings()] for t in self.tables
            }

    def restore(self):
        db.session.remove()
        with self.engine.begin() as conn:
            # triggers off for the transaction (the suite's postgres is a superuser, as in conftest's
            # reset): product_listings' own would otherwise make its rows again before their copies
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in reversed(self.tables):
                conn.execute(table.delete())
            for table in self.tables:
                if self.rows[table.name]:
                    conn.execute(table.insert().values(), self.rows[table.name])


@dataclass
class World:
    app: object
    values: dict
    callers: dict[str, Caller]
    snapshot: object
    uploads: Path

    def restore(self):
        with self.app.app_context():
            self.snapshot.restore()
        shutil.rmtree(self.uploads, ignore_errors=True)
        shutil.copytree(self.uploads.with_name("uploads.seeded"), self.uploads)


@pytest.fixture(scope="module")
def world(database_template, tmp_path_factory):
    root = tmp_path_factory.mktemp("matrix")
    if ON_POSTGRES:
        url = TEST_DATABASE_URL
    else:
        shutil.copy(database_template, root / "world.sqlite")
        url = f"sqlite:///{root / 'world.sqlite'}"
    uploads = root / "uploads"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "UPLOAD_FOLDER": str(uploads),
            "MARKETPLACE_PLUGINS": PLUGINS,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "BANK_TRANSFER_ACCOUNTS": "BRI 0123-01-000123-30-1 a.n. Uji",
        }
    )
    app.test_client_class = FreshContextClient
    with app.test_request_context():  # the bank transfer method builds its page's URL
        values = build_world()
        db.session.remove()
    callers = {role: sign_in(app, role, values) for role in ROLES}
    snapshot = PostgresSnapshot(url) if ON_POSTGRES else SqliteSnapshot(root / "world.sqlite")
    with app.app_context():
        snapshot.take()
    uploads.mkdir(exist_ok=True)
    shutil.copytree(uploads, root / "uploads.seeded")
    yield World(app, values, callers, snapshot, uploads)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if ON_POSTGRES:
        snapshot.engine.dispose()
        _truncate_all(url)


# --- every route has an entry ---------------------------------------------------------------


def test_every_route_of_the_app_has_a_matrix_entry(world):
    served = set(app_routes(world.app))
    missing, extra = sorted(served - set(MATRIX)), sorted(set(MATRIX) - served)
    assert not missing and not extra, (
        "tests/security/access_matrix.py MATRIX is out of date with app.url_map.\n"
        + (
            "Routes without an entry (add one: who may call it, what they get):\n  " + "\n  ".join(missing) + "\n"
            if missing
            else ""
        )
        + ("Entries for routes that no longer exist (remove them):\n  " + "\n  ".join(extra) if extra else "")
    )


def test_every_openapi_operation_has_a_matrix_entry(world):
    spec = world.app.test_client().get("/api/v1/openapi.json").get_json()
    documented = openapi_operations(spec)
    known = matrix_shapes()
    missing = sorted(f"{m} {p}" for m, p in documented if (m, p) not in known)
    assert len(documented) > 40
    assert not missing, "OpenAPI operations without a MATRIX entry:\n  " + "\n  ".join(missing)
    api_entries = {(m, p) for (m, p), key in known.items() if is_api(key.split(" ", 1)[1])}
    undocumented = sorted(known[k] for k in api_entries - documented)
    assert not undocumented, "API routes in the matrix but not in the OpenAPI document:\n  " + "\n  ".join(undocumented)


# --- every route as every role -------------------------------------------------------------


def refused_first(entry) -> list[str]:
    """Refused roles first: they must change nothing, so the allowed ones still find the world intact."""
    return sorted(ROLES, key=lambda role: role in entry.allow)


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_route_as_every_role(world, key):
    routes = app_routes(world.app)
    if key not in routes:
        pytest.fail(f"{key}: in the matrix but not served (see test_every_route_of_the_app_has_a_matrix_entry)")
    entry, info = MATRIX[key], routes[key]
    method = info["method"]
    url = route_url(world.values, info, entry)
    api = is_api(url)
    rows = []
    for role in refused_first(entry):
        response = send(world.app, world.values, world.callers[role], method, url, entry)
        wrong = judge(entry, role, api, response, world.values)
        if wrong:
            rows.append(f"  {role:<9} {'allowed' if role in entry.allow else 'refused':<8} got {wrong}")
        if method in STATE_CHANGING and (role in entry.allow or response.status_code < 400):
            world.restore()
    assert not rows, f"{key} ({method} {url}){' — ' + entry.why if entry.why else ''}\n" + "\n".join(rows)


# --- IDOR, one by one: store B's seller, the other insurer and the other shopper ------------------


def call(world, role: str, method: str, url: str, **body):
    """``role`` calls ``url``: a page with its session cookie and CSRF token, the API with its bearer token."""
    caller = world.callers[role]
    client = world.app.test_client()
    if is_api(url) or body.pop("bearer", False):
        headers = {"Authorization": f"Bearer {caller.token}"}
        return client.open(url, method=method, headers=headers, **({"json": body} if body else {}))
    client.set_cookie("session", caller.cookie)
    data = {"data": {**body, "csrf_token": caller.csrf}} if method in STATE_CHANGING else {}
    return client.open(url, method=method, **data)


def refused(world, role: str, calls: list[tuple], expected=(404,)) -> list[str]:
    wrong = []
    for method, url, *body in calls:
        response = call(world, role, method, url, **(body[0] if body else {}))
        if response.status_code not in expected:
            wrong.append(f"{role} {method} {url}: {response.status_code}, expected {expected}")
    return wrong


def read(world, statement):
    with world.app.app_context():
        return db.session.execute(statement).all()


@pytest.fixture
def fresh(world):
    """The seeded world; put back afterwards (these tests try writes)."""
    yield world
    world.restore()


def test_seller_b_cannot_see_or_edit_store_a_products_and_variants(fresh):
    from marketplace.catalog.models import Product, ProductImage, Variant

    a, v = fresh.values["args"], fresh.values
    slug_b, pid, vid, img = v["named"]["store_b_slug"], a["product_id"], a["variant_id"], a["image_id"]
    pid_b = v["product_b_id"]
    before = read(fresh, select(Product.name, Product.status).where(Product.id == pid))
    wrong = refused(
        fresh,
        "seller_b",
        [
            ("GET", f"/seller/stores/{a['slug']}/products/{pid}/edit"),
            ("GET", f"/seller/stores/{slug_b}/products/{pid}/edit"),  # its own store in the URL, A's product
            ("POST", f"/seller/stores/{slug_b}/products/{pid}/edit", {"name": "Dibajak", "status": "archived"}),
            ("POST", f"/seller/stores/{slug_b}/products/{pid}/status", {"status": "archived"}),
            ("POST", f"/seller/stores/{slug_b}/products/{pid_b}/variants/{vid}/delete"),
            ("POST", f"/seller/stores/{slug_b}/products/{pid_b}/photos/{img}/delete"),
            ("POST", f"/seller/stores/{slug_b}/products/{pid}/photos/{img}/delete"),
            ("PATCH", f"/api/v1/products/{pid}", {"name": "Dibajak"}),
            ("POST", f"/api/v1/products/{pid}/variants", {"name": "Palsu", "price": 1, "stock": 1}),
            ("PATCH", f"/api/v1/variants/{vid}", {"price": 1}),
            ("DELETE", f"/api/v1/variants/{vid}"),
            ("DELETE", f"/api/v1/products/{pid}/images/{img}"),
            ("DELETE", f"/api/v1/products/{pid_b}/images/{img}"),  # its own product, A's photo
            ("POST", f"/api/v1/stores/{a['slug']}/products", {"name": "Palsu", "variants": [{"price": 1}]}),
        ],
    )
    assert not wrong, "\n".join(wrong)
    assert read(fresh, select(Product.name, Product.status).where(Product.id == pid)) == before
    assert read(fresh, select(Variant.price).where(Variant.id == vid)) == [(900_000,)]
    assert read(fresh, select(ProductImage.id).where(ProductImage.id == img)) == [(img,)]
    # the control: store A's own seller gets through the same doors
    assert call(fresh, "seller_a", "GET", f"/seller/stores/{a['slug']}/products/{pid}/edit").status_code == 200
    assert call(fresh, "seller_a", "PATCH", f"/api/v1/variants/{vid}", price=850_000).status_code == 200


def test_seller_b_cannot_see_or_move_store_a_orders(fresh):
    from marketplace.orders.models import Order

    number = fresh.values["args"]["number"]
    status = select(Order.status).where(Order.number == number)
    before = read(fresh, status)
    wrong = refused(
        fresh,
        "seller_b",
        [
            ("GET", f"/seller/orders/{number}"),
            ("POST", f"/seller/orders/{number}/status", {"status": "processing"}),
            ("GET", f"/api/v1/seller/orders/{number}"),
            ("POST", f"/api/v1/seller/orders/{number}/status", {"status": "cancelled", "reason": "Dibajak"}),
            ("GET", f"/orders/{number}"),
            ("GET", f"/api/v1/orders/{number}"),
        ],
    )
    assert not wrong, "\n".join(wrong)
    listed = call(fresh, "seller_b", "GET", "/api/v1/seller/orders").get_json()["items"]
    assert number not in {o["number"] for o in listed}
    assert number not in call(fresh, "seller_b", "GET", "/seller/orders/?status=").get_data(as_text=True)
    assert read(fresh, status) == before
    assert call(fresh, "seller_a", "GET", f"/api/v1/seller/orders/{number}").status_code == 200


def test_seller_b_cannot_read_store_a_ledger(fresh):
    slug_a, slug_b = fresh.values["args"]["slug"], fresh.values["named"]["store_b_slug"]
    wrong = refused(
        fresh,
        "seller_b",
        [
            ("GET", f"/seller/ledger?store={slug_a}"),
            ("GET", f"/seller/ledger.csv?store={slug_a}"),
            ("GET", f"/api/v1/seller/ledger?store={slug_a}"),
        ],
    )
    assert not wrong, "\n".join(wrong)
    own = call(fresh, "seller_b", "GET", "/api/v1/seller/ledger")  # without ?store=: its own store's
    assert own.status_code == 200 and slug_a not in own.get_data(as_text=True)
    assert slug_b in own.get_data(as_text=True)
    mine = call(fresh, "seller_a", "GET", f"/api/v1/seller/ledger?store={slug_a}")
    assert mine.status_code == 200 and slug_a in mine.get_data(as_text=True)


@pytest.mark.parametrize("role", ["seller_b", "askrindo", "shopper2"])
def test_store_b_and_the_other_insurer_cannot_see_or_act_on_store_a_policy_and_claim(fresh, role):
    from plugins.insurance.models import Claim

    a, named = fresh.values["args"], fresh.values["named"]
    policy, number, claim, photo = a["policy_id"], named["policy_number"], a["claim_id"], a["photo_id"]
    wrong = refused(
        fresh,
        role,
        [
            ("GET", f"/seller/insurance/policies/{policy}"),
            ("GET", f"/seller/insurance/policies/{number}"),
            ("GET", f"/seller/insurance/policies/{policy}/claim"),
            ("POST", f"/seller/insurance/policies/{policy}/claim", {"cause": "petir", "amount": "100000"}),
            ("GET", f"/insurance/claims/{claim}"),
            ("GET", f"/insurance/claims/{claim}/photos/{photo}"),
            ("GET", f"/insurance/claims/{claim}/photos/{photo}", {"bearer": True}),
            ("POST", f"/insurance/claims/{claim}/decision", {"decision": "approve", "note": "Dibajak"}),
            ("POST", f"/insurance/claims/{claim}/photos"),
            ("GET", f"/api/v1/insurance/policies/{policy}"),
            ("GET", f"/api/v1/insurance/policies/{number}"),
            ("GET", f"/api/v1/insurance/claims/{claim}"),
            (
                "POST",
                "/api/v1/insurance/claims",
                {
                    "policy": number,
                    "incident_date": named["today"],
                    "cause": "petir",
                    "description": "Petir menyambar etalase.",
                    "amount": 400_000,
                },
            ),
        ]
        + (
            [("POST", f"/api/v1/insurance/claims/{claim}/decision", {"decision": "approve"})]
            if role == "askrindo"
            else []
        ),
    )
    assert not wrong, "\n".join(wrong)
    assert read(fresh, select(Claim.status).where(Claim.id == claim)) == [("filed",)]
    assert read(fresh, select(Claim.id).where(Claim.policy_id == policy)) == [(claim,)]
    # the control: the claim's own insurer and its claimant see the photo, by cookie and by token
    for owner in ("jasindo", "seller_a"):
        assert call(fresh, owner, "GET", f"/insurance/claims/{claim}/photos/{photo}").status_code == 200
        assert call(fresh, owner, "GET", f"/insurance/claims/{claim}/photos/{photo}", bearer=True).status_code == 200


def test_the_other_shopper_cannot_see_or_act_on_the_buyers_orders_and_review(fresh):
    from marketplace.orders.models import Order
    from marketplace.reviews.models import Review

    a, named = fresh.values["args"], fresh.values["named"]
    number, done = a["number"], named["done_number"]
    reviews_before = read(fresh, select(Review.id, Review.rating, Review.comment))
    status_before = read(fresh, select(Order.status).where(Order.number == number))
    wrong = refused(
        fresh,
        "shopper2",
        [
            ("GET", f"/orders/{number}"),
            ("POST", f"/orders/{number}/cancel", {"reason": "Dibajak"}),
            ("POST", f"/orders/{number}/complete"),
            ("POST", f"/orders/{done}/reviews", {"rating": "1", "comment": "Ulasan palsu"}),
            ("GET", f"/orders/{number}/protection-claim"),
            ("POST", f"/orders/{number}/protection-claim", {"cause": "rusak", "amount": "1000"}),
            ("GET", f"/checkout/complete/{a['checkout_id']}"),
            ("GET", f"/bank-transfer/{a['payment_id']}"),
            ("GET", f"/payments/stripe/success/{a['payment_id']}"),
            ("GET", f"/finance/transfers/{a['transfer_id']}/proof"),
            ("GET", f"/api/v1/orders/{number}"),
            ("POST", f"/api/v1/orders/{number}/cancel", {"reason": "Dibajak"}),
            ("POST", f"/api/v1/orders/{done}/complete"),
            ("POST", f"/api/v1/orders/{done}/reviews", {"rating": 1, "comment": "Ulasan palsu"}),
        ],
    )
    assert not wrong, "\n".join(wrong)
    assert read(fresh, select(Order.status).where(Order.number == number)) == status_before
    assert read(fresh, select(Review.id, Review.rating, Review.comment)) == reviews_before
    assert number not in call(fresh, "shopper2", "GET", "/orders").get_data(as_text=True)
    assert call(fresh, "shopper", "GET", f"/orders/{number}").status_code == 200


def test_nobody_but_the_buyer_changes_the_buyers_cart_line(fresh):
    from marketplace.cart.models import CartItem

    item = fresh.values["args"]["item_id"]
    line = select(CartItem.quantity).where(CartItem.id == item)
    # a caller with a cart of its own is told the line is not in it; one without goes back to /cart
    wrong = refused(
        fresh,
        "shopper2",
        [
            ("POST", f"/cart/items/{item}", {"quantity": "9"}),
            ("POST", f"/cart/items/{item}/remove"),
            ("PATCH", f"/api/v1/cart/items/{item}", {"quantity": 9}),
            ("DELETE", f"/api/v1/cart/items/{item}"),
        ],
    )
    for role in ("anonymous", "seller_b", "agency", "admin"):
        wrong += refused(
            fresh,
            role,
            [("POST", f"/cart/items/{item}", {"quantity": "9"}), ("POST", f"/cart/items/{item}/remove")],
            expected=(302, 404),
        )
    assert not wrong, "\n".join(wrong)
    assert read(fresh, line) == [(2,)]
    assert call(fresh, "shopper", "PATCH", f"/api/v1/cart/items/{item}", quantity=3).status_code == 200
    assert read(fresh, line) == [(3,)]


def test_a_draft_product_is_seen_by_its_store_only(fresh):
    from marketplace.catalog.models import Product

    pid, slug = fresh.values["args"]["product_id"], fresh.values["args"]["slug"]
    assert (
        call(fresh, "seller_a", "POST", f"/seller/stores/{slug}/products/{pid}/status", status="draft").status_code
        == 302
    )
    assert read(fresh, select(Product.status).where(Product.id == pid)) == [("draft",)]
    for role in ROLES:
        for url in (f"/products/{pid}", f"/api/v1/products/{pid}"):
            response = call(fresh, role, "GET", url) if role != "anonymous" else fresh.app.test_client().get(url)
            assert response.status_code == 404, (role, url, response.status_code)
    assert call(fresh, "seller_a", "GET", f"/seller/stores/{slug}/products/{pid}/edit").status_code == 200
    assert call(fresh, "seller_b", "GET", f"/seller/stores/{slug}/products/{pid}/edit").status_code == 404


# --- private uploads are never public files ----------------------------------------------------


def media_spellings(path: str) -> list[str]:
    """Ways to name one stored file under /media that send_from_directory normalises to it."""
    return [
        f"/media/{path}",
        f"/media/./{path}",
        f"/media/products/../{path}",
        f"/media/%2E/{path}",
        f"/media/products%2F..%2F{path}",
        f"/media/{path.replace('.', '_400.', 1)}",
    ]


@pytest.mark.parametrize("name", ["claim_photo_path", "proof_path"])
def test_claim_photos_and_transfer_proofs_are_never_served_at_media(world, name):
    """They are sent only by their own views (claim photo, transfer proof) to those who may see them;
    "./claims/x.jpg" once slipped past the private-folder check of /media."""
    path = world.values["named"][name]
    wrong = []
    for role in ROLES:
        for url in media_spellings(path):
            client = world.app.test_client()
            if role != "anonymous":
                client.set_cookie("session", world.callers[role].cookie)
            status = client.get(url).status_code
            if status not in (404, 308):  # 308: a doubled slash is redirected to the canonical name
                wrong.append(f"{role} GET {url}: {status}")
    assert not wrong, "private upload served at /media:\n  " + "\n  ".join(wrong)
    public = world.values["named"]["image_path"]
    assert world.app.test_client().get(f"/media/{public}").status_code == 200  # the control


def test_the_documented_nginx_media_block_serves_public_folders_only():
    """docs/PRODUCTION.md serves /media straight from the upload folder: its pattern must not reach
    the private folders, which only the app hands out (after checking who asks)."""
    import re as regex

    from marketplace import media

    doc = (Path(__file__).resolve().parents[2] / "docs" / "PRODUCTION.md").read_text(encoding="utf-8")
    patterns = regex.findall(r"location ~ (\^/media/\S+)\s*\{", doc)
    assert patterns, "no /media location block in docs/PRODUCTION.md"
    for pattern in patterns:
        assert regex.match(pattern, "/media/products/0123abcd.jpg")
        assert regex.match(pattern, "/media/products/0123abcd_400.webp")
        for kind in media.PRIVATE_KINDS:
            assert not regex.match(pattern, f"/media/{kind}/0123abcd.jpg"), (pattern, kind)
            assert not regex.match(pattern, f"/media/{kind}/0123abcd_400.jpg"), (pattern, kind)
