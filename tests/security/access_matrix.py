"""The route x role access matrix: who may call what, for every route of the app.

Every rule of ``app.url_map`` (every method but HEAD/OPTIONS, an ``any(...)``
converter expanded into one key per choice) and every operation of the OpenAPI
document has one entry in ``MATRIX`` naming the roles allowed to call it. The
test (tests/security/test_access_matrix.py) calls every route as every role,
with route arguments that all belong to store A and its buyer, so that store B's
seller, the other shopper and the other insurer are IDOR attempts:

    store A  (seller_a)  Jasindo Warungku policy, claim A (with a photo), product A
                         (two variants, a photo), orders of ``shopper``, a ledger
    store B  (seller_b)  Askrindo Gerobakku policy, claim B, its own product

What a reply must look like:
- an allowed role gets ``Entry.ok`` (per entry: 200 for a page, 302 after a form
  post that did its work, 422 for an empty form, 409 for a move the object's
  state forbids...) and never a redirect to the sign-in page;
- a refused role gets ``Entry.refused`` (403 or 404 by default); anonymous gets
  401 from the API and a redirect to /login from the pages;
- nobody ever gets a 500.

HTML calls carry the session cookie of a real sign-in and a real CSRF token
(so a refusal is access control, not CSRF); API calls carry a bearer token only.
State-changing calls are sent with an empty form or ``{}``: an allowed role then
gets a validation answer or does the one harmless thing the route does, and the
database is put back to the seeded world after every state change.

A new route fails the test until it has an entry here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import urlsplit

from werkzeug.datastructures import FileStorage
from werkzeug.routing.converters import AnyConverter

ROLES = (
    "anonymous",
    "shopper",
    "shopper2",
    "seller_a",
    "seller_b",
    "agency",
    "jasindo",
    "askrindo",
    "gov_pp",
    "gov_ppk",
    "gov_bendahara",
    "gov_other",
    "admin",
)
ROLE_EMAILS = {
    "gov_pp": "pp@setda.test",
    "gov_ppk": "ppk@setda.test",
    "gov_bendahara": "bendahara@setda.test",
    "gov_other": "ppk@dinkes.test",
    "shopper": "pembeli@test.id",
    "shopper2": "pembeli2@test.id",
    "seller_a": "sari@test.id",
    "seller_b": "joko@test.id",
    "agency": "petugas@disnakerin.test",
    "jasindo": "klaim@jasindo.test",
    "askrindo": "klaim@askrindo.test",
    "admin": "admin@test.id",
}
CLAIM_A_TEXT = "Korsleting listrik membakar etalase kain batik."
PLUGINS = "stripe_payments,bank_transfer,cash_on_delivery,esmart_sync,insurance,shipping_table,biteship,xendit,whatsapp"
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


# --- the matrix ------------------------------------------------------------------------------

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
NOBODY: frozenset = frozenset()
AGENCY = frozenset({"agency", "admin"})  # officers; admin has every role
ADMIN = frozenset({"admin"})
BUYER = frozenset({"shopper"})  # the shopper whose order, cart and review the URL names
SELLER_A = frozenset({"seller_a"})  # the owner of store A (assistance is off)
INSURER_A = frozenset({"jasindo"})  # the insurer of store A's policy
INSURERS = frozenset({"jasindo", "askrindo"})
# who sees store A's policy and claim: its members, its insurer, the agency and admins
POLICY_A_READERS = frozenset({"seller_a", "jasindo", "agency", "admin"})
# who sees the complaint on the completed order: its shopper, store A's people, the agency and admins
COMPLAINT_READERS = frozenset({"shopper", "seller_a", "agency", "admin"})
# API roles checked by ``auth_required("shopper")``: shoppers, and admin (who has every role)
API_SHOPPERS = frozenset({"shopper", "shopper2", "seller_a", "seller_b", "admin"})  # a seller shops too

# government buying: office A (the Sekretariat Daerah) bought from store A; gov_other is the PPK
# of another office (an IDOR attempt on office A's purchase)
GOV_A = frozenset({"gov_pp", "gov_ppk", "gov_bendahara"})
GOV = GOV_A | {"gov_other"}
# who sees office A's order at store A: office A's officials, store A's people, the agency, admins
GOV_ORDER_READERS = GOV_A | {"seller_a", "agency", "admin"}

PAGE = frozenset({200})
FORM_POST = frozenset({302, 422})  # did it and redirected, or re-rendered the empty form with errors
REDIRECT = frozenset({302})


@dataclass(frozen=True)
class Entry:
    """Who may call a route and what their answer looks like.

    ``ok``: the statuses an allowed role may get (none of them an auth reply);
    ``refused``: what a signed-in role outside ``allow`` gets; ``anonymous``
    overrides the anonymous refusal (default: 401 on the API, a redirect to
    /login on pages); ``args``: route arguments that differ from the world's
    defaults (a value or a world key); ``why``: the rule in words."""

    allow: frozenset
    ok: frozenset = PAGE
    refused: frozenset = frozenset({403, 404})
    anonymous: frozenset | None = None
    args: dict = field(default_factory=dict)
    query: str = ""
    body: dict = field(default_factory=dict)
    hides: tuple = ()
    why: str = ""


def E(allow, ok=PAGE, refused=(403, 404), anonymous=None, args=None, query="", body=None, hides=(), why=""):
    """``hides=(name, roles)``: of the allowed roles, only ``roles`` may find the world's ``name``
    (an order number, a policy number...) in the answer — a list scoped to the caller."""
    return Entry(
        frozenset(allow),
        frozenset(ok),
        frozenset(refused),
        frozenset(anonymous) if anonymous is not None else None,
        args or {},
        query,
        body or {},
        (hides[0], frozenset(hides[1])) if hides else (),
        why,
    )


MATRIX: dict[str, Entry] = {
    # --- public pages and files --------------------------------------------------------------
    "GET /": E(EVERYONE),
    "GET /healthz": E(EVERYONE),
    "GET /static/<path:filename>": E(EVERYONE, args={"filename": "css/app.css"}),
    "GET /insurance/static/<path:filename>": E(EVERYONE, args={"filename": "insurance.css"}),
    "GET /media/<path:path>": E(EVERYONE, args={"path": "image_path"}, why="public product photos only"),
    "GET /search": E(EVERYONE, query="q=batik"),
    "GET /stores": E(EVERYONE),
    "GET /stores/<slug>": E(EVERYONE),
    "GET /categories/<slug>": E(EVERYONE, args={"slug": "batik"}),
    "GET /sectors/<slug>": E(EVERYONE, args={"slug": "fesyen"}),
    "GET /products/<int:product_id>": E(EVERYONE),
    "GET /expo/<slug>": E(EVERYONE, args={"slug": "expo_slug"}),
    # --- visitor figures (part "beacon", marketplace/visits): anyone's page view counts ----------
    "POST /beacon": E(
        EVERYONE, ok=(204,), body={"k": "hall", "e": "expo_slug"}, why="a count, no data of anyone's; always 204"
    ),
    # --- the expo's programme (part "programme"): the agenda, calendar files ------------------------
    "GET /expo/<slug>/agenda": E(EVERYONE, args={"slug": "expo_slug"}),
    "GET /expo/<slug>/agenda.ics": E(EVERYONE, args={"slug": "expo_slug"}),
    "GET /expo/<slug>/sessions/<int:session_id>.ics": E(
        EVERYONE, args={"slug": "expo_slug", "session_id": "session_id"}
    ),
    # --- booth pages (part "booth"): store A's booth F-01 in the running expo ---
    "GET /expo/<slug>/booths/<booth>": E(EVERYONE, args={"slug": "expo_slug", "booth": "booth"}),
    # --- links that share well: sitemaps, robots.txt, manifest, share images (marketplace/seo) ---------
    "GET /robots.txt": E(EVERYONE),
    "GET /sitemap.xml": E(EVERYONE),
    "GET /sitemap-pages.xml": E(EVERYONE),
    "GET /sitemap-stores.xml": E(EVERYONE),
    "GET /sitemap-products-<int:number>.xml": E(EVERYONE, args={"number": 1}, why="active products of approved stores"),
    "GET /manifest.webmanifest": E(EVERYONE),
    "GET /og/<path:path>": E(EVERYONE, args={"path": "image_path"}, why="share images of public photos only"),
    # --- accounts ------------------------------------------------------------------------------
    "GET /login": E(EVERYONE, ok=(200, 302), why="signed-in users are sent home"),
    "POST /login": E(EVERYONE, ok=(422,), why="an empty form is re-rendered"),
    "GET /logout": E(EVERYONE, ok=(200, 302), why="anonymous is sent home"),
    "POST /logout": E(EVERYONE, ok=REDIRECT),
    "GET /register": E(EVERYONE, ok=(200, 302)),
    "POST /register": E(EVERYONE, ok=(422,)),
    "GET /password/forgot": E(EVERYONE),
    "POST /password/forgot": E(EVERYONE, ok=(422,)),
    "GET /password/reset/<token>": E(
        EVERYONE, ok=(200, 302), args={"token": "reset_token"}, why="the token in the link is the credential"
    ),
    "POST /password/reset/<token>": E(EVERYONE, ok=(422,), args={"token": "reset_token"}),
    "GET /account": E(SIGNED_IN),
    "POST /account": E(SIGNED_IN, ok=FORM_POST),
    # --- notices by WhatsApp (the "channels" part of issue #22): each user's own settings -------
    "GET /account/notifications": E(SIGNED_IN),
    "POST /account/notifications": E(
        SIGNED_IN, ok=(409, 422), why="no channel plugin in this world: 409; with one, an empty form is 422"
    ),
    "GET /account/password": E(SIGNED_IN),
    "POST /account/password": E(SIGNED_IN, ok=FORM_POST),
    "GET /account/email": E(SIGNED_IN),
    "POST /account/email": E(SIGNED_IN, ok=REDIRECT, why="mails the caller's own confirmation link"),
    "GET /account/confirm/<token>": E(
        EVERYONE, args={"token": "confirm_token"}, why="the signed link is the credential; it names its user"
    ),
    "GET /account/tokens": E(SIGNED_IN, why="each user sees only their own tokens"),
    "POST /account/tokens/<int:token_id>/revoke": E(
        BUYER, ok=REDIRECT, refused=(404,), why="the shopper's token: anyone else's id is not found"
    ),
    "GET /account/addresses": E(SIGNED_IN, why="each user sees only their own address book"),
    "GET /account/addresses/new": E(SIGNED_IN),
    "POST /account/addresses/new": E(SIGNED_IN, ok=FORM_POST, why="adds to the caller's own book"),
    "GET /account/addresses/<int:address_id>/edit": E(
        BUYER, refused=(404,), why="the shopper's address: anyone else's id is not found"
    ),
    "POST /account/addresses/<int:address_id>/edit": E(BUYER, ok=FORM_POST, refused=(404,)),
    "POST /account/addresses/<int:address_id>/default": E(BUYER, ok=REDIRECT, refused=(404,)),
    "POST /account/addresses/<int:address_id>/delete": E(BUYER, ok=REDIRECT, refused=(404,)),
    # --- cart and checkout ---------------------------------------------------------------------
    "GET /cart": E(EVERYONE, why="each visitor sees only their own cart"),
    "POST /cart/items": E(EVERYONE, ok=REDIRECT, why="adds to the caller's own cart"),
    # another's cart line: 404 to a caller with a cart, back to /cart (changing nothing) for one without
    "POST /cart/items/<int:item_id>": E(
        BUYER, ok=REDIRECT, refused=(302, 404), anonymous=(302,), body={"quantity": "1"}
    ),
    "POST /cart/items/<int:item_id>/remove": E(BUYER, ok=REDIRECT, refused=(302, 404), anonymous=(302,)),
    "GET /checkout": E(SIGNED_IN, ok=(200, 302), why="an empty cart is sent back to /cart"),
    "POST /checkout": E(
        SIGNED_IN, ok=(302, 422), why="checks out the caller's own cart; an office's official is sent to /gov/checkout"
    ),
    "GET /checkout/complete/<int:checkout_id>": E(BUYER),
    "POST /checkout/shipping-options": E(
        SIGNED_IN, ok=(200,), why="the options of the caller's own cart for the address the form names"
    ),
    "GET /bank-transfer/<int:payment_id>": E(BUYER),
    "POST /bank-transfer/<int:payment_id>": E(BUYER, ok=(422,)),
    "GET /payments/stripe/success/<int:payment_id>": E(BUYER),
    "GET /payments/xendit/<int:payment_id>": E(BUYER, why="the pay page of the buyer's own payment"),
    "GET /payments/xendit/<int:payment_id>/status": E(BUYER, why="the small status answer the pay page polls"),
    "GET /payments/xendit/<int:payment_id>/qris.svg": E(BUYER, why="the QR code to save"),
    "GET /xendit/static/<path:filename>": E(EVERYONE, args={"filename": "pay.js"}),
    # --- the buyer's orders --------------------------------------------------------------------
    "GET /orders": E(SIGNED_IN, hides=("order_number", BUYER)),
    "GET /orders/<number>": E(BUYER),
    "POST /orders/<number>/cancel": E(BUYER, ok=REDIRECT),
    "POST /orders/<number>/complete": E(BUYER, ok=(409,), why="the order is not shipped yet"),
    "GET /orders/<number>/invoice.pdf": E(BUYER | SELLER_A | AGENCY, why="the buyer, the store, the agency"),
    "GET /documents/<token>": E(
        EVERYONE, args={"token": "gov_document_token"}, why="public: whoever holds the printed URL or QR"
    ),
    "POST /documents/<token>": E(
        EVERYONE, ok=(422,), args={"token": "gov_document_token"}, why="the empty form asks for the PDF"
    ),
    "GET /orders/<number>/reviews": E(BUYER, args={"number": "done_number"}),
    "POST /orders/<number>/reviews": E(
        BUYER, ok=(422,), args={"number": "done_number"}, why="the empty form: its rating is missing"
    ),
    "GET /orders/<number>/protection-claim": E(BUYER),
    "POST /orders/<number>/protection-claim": E(BUYER, ok=(422,)),
    "GET /insurance/protection": E(SIGNED_IN, hides=("order_number", BUYER)),
    # --- the seller's pages (store A does not allow agency assistance) --------------------------
    "GET /seller/": E(SIGNED_IN, ok=(200, 302), why="the caller's own stores"),
    "GET /seller/stores/new": E(SIGNED_IN),
    "POST /seller/stores/new": E(SIGNED_IN, ok=FORM_POST),
    "GET /seller/stores/<slug>/": E(SELLER_A),
    "GET /seller/stores/<slug>/settings": E(SELLER_A),
    "POST /seller/stores/<slug>/settings": E(SELLER_A, ok=FORM_POST),
    "POST /seller/stores/<slug>/settings/logo": E(SELLER_A, ok=(422,)),
    "GET /seller/stores/<slug>/staff": E(SELLER_A),
    "POST /seller/stores/<slug>/staff": E(SELLER_A, ok=FORM_POST),
    "GET /seller/stores/<slug>/shipping": E(SELLER_A, why="store members, and the agency where assistance is on"),
    "GET /seller/stores/<slug>/payout-account": E(SELLER_A, why="store members; staff see the number masked"),
    "POST /seller/stores/<slug>/payout-account": E(SELLER_A, ok=FORM_POST, why="the owner only"),
    "POST /seller/stores/<slug>/shipping": E(SELLER_A, ok=FORM_POST),
    # --- the seller's booth editor (part "booth"): like the shipping page ---
    "GET /seller/stores/<slug>/booths": E(SELLER_A, why="store members, and the agency where assistance is on"),
    "GET /seller/stores/<slug>/booths/<expo_slug>": E(SELLER_A, why="store members, and the agency assisting"),
    "POST /seller/stores/<slug>/booths/<expo_slug>": E(SELLER_A, ok=FORM_POST),
    "POST /seller/stores/<slug>/booths/<expo_slug>/banner": E(
        SELLER_A, ok=(422,), why="no file: refused next to the field"
    ),
    "GET /seller/stores/<slug>/products/new": E(SELLER_A),
    "POST /seller/stores/<slug>/products/new": E(SELLER_A, ok=FORM_POST),
    "GET /seller/stores/<slug>/products/<int:product_id>/edit": E(SELLER_A),
    "POST /seller/stores/<slug>/products/<int:product_id>/edit": E(SELLER_A, ok=FORM_POST),
    "POST /seller/stores/<slug>/products/<int:product_id>/status": E(SELLER_A, ok=REDIRECT),
    "POST /seller/stores/<slug>/products/<int:product_id>/photos": E(SELLER_A, ok=(422,)),
    "POST /seller/stores/<slug>/products/<int:product_id>/photos/<int:image_id>/delete": E(SELLER_A, ok=REDIRECT),
    "POST /seller/stores/<slug>/products/<int:product_id>/variants/<int:variant_id>/delete": E(SELLER_A, ok=REDIRECT),
    "GET /seller/orders/": E(SIGNED_IN, hides=("order_number", SELLER_A), why="orders of the caller's own stores"),
    "GET /seller/orders/<number>": E(SELLER_A),
    "POST /seller/orders/<number>/status": E(SELLER_A, ok=(422,)),
    "GET /seller/orders/packing-slips": E(SIGNED_IN, why="the slips of the caller's own stores' orders to send"),
    "GET /seller/orders/<number>/packing-slip": E(SELLER_A),
    "POST /seller/orders/<number>/booking": E(SELLER_A, ok=(409,), why="the open order is not accepted yet"),
    "POST /seller/orders/<number>/picked-up": E(SELLER_A, ok=(409,), why="the open order is not shipped yet"),
    # --- government buying: the office's pages (by position) and the seller's ----------------------
    "GET /gov/": E(GOV, hides=("gov_order_number", GOV_A), why="the orders of the caller's own office"),
    "GET /gov/checkout": E({"gov_pp"}, ok=(200, 302), why="the pejabat pengadaan's own cart; empty: back to /cart"),
    "POST /gov/checkout": E({"gov_pp"}, ok=(422,), why="submits the caller's own cart"),
    "GET /gov/purchases/<number>": E(GOV_A | AGENCY, args={"number": "gov_purchase_number"}),
    "GET /gov/orders/<number>": E(GOV_ORDER_READERS, args={"number": "gov_order_number"}),
    "GET /gov/documents/<int:document_id>.pdf": E(GOV_ORDER_READERS, why="the readers of the document's order"),
    **{
        f"POST /gov/orders/<number>/{action}": E(
            GOV_A, ok=(409,), args={"number": "gov_order_number"}, why="the approved order does not allow the step"
        )
        for action in ("accept_quote", "withdraw", "approve", "reject", "receive", "pay")
    },
    **{
        f"POST /gov/orders/<number>/{action}": E(
            {"gov_ppk"}, ok=(422,), args={"number": "gov_order_number"}, why="the PPK's step needs a reason"
        )
        for action in ("amend", "cancel")
    },
    "GET /seller/gov/": E(SIGNED_IN, hides=("gov_order_number", SELLER_A), why="the caller's own stores' orders"),
    "GET /seller/gov/<number>": E(SELLER_A, args={"number": "gov_order_number"}),
    "POST /seller/gov/<number>/accept": E(SELLER_A, ok=REDIRECT, args={"number": "gov_order_number"}),
    "POST /seller/gov/<number>/decline": E(
        SELLER_A, ok=(422,), args={"number": "gov_order_number"}, why="declining needs a reason"
    ),
    **{
        f"POST /seller/gov/<number>/{action}": E(
            SELLER_A, ok=(409,), args={"number": "gov_order_number"}, why="the approved order does not allow the step"
        )
        for action in ("quote", "ship", "invoice")
    },
    "GET /seller/ledger": E(SELLER_A, query="store=store_slug", why="?store= names store A"),
    "GET /seller/ledger.csv": E(SELLER_A, query="store=store_slug"),
    # what store A offers to offices (issue #21): its members only; product A is offered
    "GET /seller/gov-offers": E(SELLER_A, query="store=store_slug", why="?store= names store A"),
    "POST /seller/gov-offers/<int:product_id>": E(SELLER_A, ok=FORM_POST, why="an empty form: 422 beside the fields"),
    "POST /seller/gov-offers/<int:product_id>/withdraw": E(SELLER_A, ok=REDIRECT),
    "GET /seller/insurance": E(
        SIGNED_IN, hides=("policy_number", SELLER_A), why="the policies of the caller's own stores"
    ),
    "GET /seller/insurance/policies/<policy_id>": E(POLICY_A_READERS),
    "GET /seller/shipping-rates": E(SIGNED_IN, why="the rate tables of the caller's own stores"),
    "POST /seller/shipping-rates/<slug>": E(SELLER_A, ok=(422,), why="no file: refused next to the field"),
    "GET /seller/shipping-rates/<slug>.csv": E(SELLER_A),
    "GET /seller/insurance/policies/<policy_id>/claim": E(SELLER_A, refused=(403, 404)),
    "POST /seller/insurance/policies/<policy_id>/claim": E(SELLER_A, ok=(422,)),
    "GET /invites/<token>": E(
        SIGNED_IN, args={"token": "invite_token"}, why="the token is the credential; the page says whose invite it is"
    ),
    "POST /invites/<token>": E(
        NOBODY,
        args={"token": "invite_token"},
        refused=(403,),
        why="only the invited e-mail accepts (none of the roles)",
    ),
    # --- claims ----------------------------------------------------------------------------------
    "GET /insurance/claims/<int:claim_id>": E(POLICY_A_READERS),
    "POST /insurance/claims/<int:claim_id>/decision": E(INSURER_A, ok=(422,)),
    "POST /insurance/claims/<int:claim_id>/photos": E(SELLER_A, ok=(422,), why="the claimant only"),
    # --- complaints (komplain) on the buyer's completed order -------------------------------------
    "GET /orders/<number>/complaints/new": E(BUYER, why="the form says why the open order cannot get one yet"),
    "POST /orders/<number>/complaints/new": E(BUYER, ok=(409,), why="the open order is not shipped yet"),
    "POST /complaints/<int:complaint_id>/accept": E(BUYER, ok=REDIRECT, why="no offer yet: flashed, back to the order"),
    "POST /complaints/<int:complaint_id>/escalate": E(BUYER, ok=REDIRECT),
    "POST /complaints/<int:complaint_id>/return": E(BUYER, ok=REDIRECT),
    "GET /complaints/<int:complaint_id>/photos/<int:photo_id>": E(
        COMPLAINT_READERS, anonymous=(401,), args={"photo_id": "complaint_photo_id"}, why="private evidence"
    ),
    "GET /seller/complaints/": E(SIGNED_IN, hides=("done_number", SELLER_A), why="the caller's own stores' only"),
    "GET /seller/complaints/<int:complaint_id>": E(SELLER_A),
    "POST /seller/complaints/<int:complaint_id>/response": E(SELLER_A, ok=(422,)),
    "POST /seller/complaints/<int:complaint_id>/return-received": E(SELLER_A, ok=REDIRECT),
    "GET /agency/complaints": E(AGENCY),
    "GET /agency/complaints/<int:complaint_id>": E(AGENCY),
    "POST /agency/complaints/<int:complaint_id>/decision": E(AGENCY, ok=(422,)),
    "GET /insurance/claims/<int:claim_id>/photos/<int:photo_id>": E(
        POLICY_A_READERS, anonymous=(401,), why="private: the claim's readers only"
    ),
    "GET /insurer/": E(
        INSURERS,
        query="status=all",
        hides=("policy_number", INSURER_A),
        why="an insurer sees its own insurer's policies and claims only",
    ),
    # --- finance (agency and admin) ----------------------------------------------------------
    "GET /finance/payouts": E(AGENCY),
    "POST /finance/payouts": E(AGENCY, ok=(422,)),
    "POST /finance/settlements": E(AGENCY, ok=(422,)),
    "POST /finance/remittances": E(AGENCY, ok=(422,)),
    "GET /finance/transfers": E(AGENCY),
    "POST /finance/payouts/run": E(AGENCY, ok=REDIRECT, why="a payout run (nobody has a verified account)"),
    "GET /finance/payouts/batches/<batch>.csv": E(AGENCY, ok=(404,), args={"batch": "tidak-ada"}),
    "POST /finance/payouts/<int:payout_id>/outcome": E(AGENCY, ok=REDIRECT, args={"payout_id": 1}),
    "POST /finance/payouts/batches/<batch>/outcome": E(AGENCY, ok=REDIRECT, args={"batch": "tidak-ada"}),
    "GET /agency/payout-accounts": E(AGENCY),
    "POST /agency/payout-accounts/<slug>/verify": E(AGENCY, ok=REDIRECT, why="no account yet: told on the list"),
    "POST /finance/transfers/<int:transfer_id>/confirm": E(AGENCY, ok=REDIRECT),
    "POST /finance/transfers/<int:transfer_id>/reject": E(AGENCY, ok=REDIRECT),
    "GET /finance/transfers/<int:transfer_id>/proof": E(AGENCY | BUYER, why="finance and the payer"),
    "GET /finance/refunds": E(AGENCY, why="the whole account numbers: finance only"),
    "POST /finance/refunds/<int:refund_id>/sent": E(AGENCY, ok=(422,), why="no bank reference"),
    "GET /account/refunds": E(SIGNED_IN, why="each user's own refunds"),
    "POST /account/refunds/<int:refund_id>/account": E(
        BUYER, ok=(422,), refused=(404,), why="the shopper it is owed to; nobody learns another's exists"
    ),
    "GET /finance/transfers/statements": E(AGENCY),
    "POST /finance/transfers/statements": E(AGENCY, ok=(422,)),
    "GET /finance/transfers/statements/<int:statement_id>": E(AGENCY),
    "POST /finance/transfers/statements/<int:statement_id>/rows/<int:row_id>/decision": E(AGENCY, ok=REDIRECT),
    # --- the agency console ------------------------------------------------------------------
    "GET /agency/": E(AGENCY),
    "GET /agency/audit": E(AGENCY),
    "GET /agency/jobs": E(AGENCY),
    "GET /agency/outbox": E(ADMIN, why="the mail outbox: admins only"),
    "POST /agency/outbox/<int:message_id>/retry": E(ADMIN, ok=REDIRECT, why="the message has not failed: said so"),
    "GET /agency/commission": E(AGENCY),
    "POST /agency/commission": E(AGENCY, ok=FORM_POST),
    "GET /agency/featured": E(AGENCY),
    # --- the agency's registry of government offices (marketplace/gov/agency_views.py) ---------
    "GET /agency/gov/offices": E(AGENCY),
    "GET /agency/gov/offices/new": E(AGENCY),
    "POST /agency/gov/offices/new": E(AGENCY, ok=(422,), why="an empty form is re-rendered with its errors"),
    "GET /agency/gov/offices/<code>": E(AGENCY, args={"code": "office_code"}),
    "POST /agency/gov/offices/<code>": E(AGENCY, ok=(422,), args={"code": "office_code"}),
    "POST /agency/gov/offices/<code>/officials": E(AGENCY, ok=(422,), args={"code": "office_code"}),
    "POST /agency/gov/offices/<code>/officials/<int:user_id>/dismiss": E(
        AGENCY,
        ok=REDIRECT,
        args={"code": "office_code", "user_id": "gov_bendahara_id"},
        why="ends office A's bendahara's position; officers and admins only",
    ),
    "POST /agency/featured/add": E(AGENCY, ok=REDIRECT, body={"store": "store_b_slug"}),
    **{
        f"POST /agency/featured/{action}": E(AGENCY, ok=REDIRECT, body={"store": "store_slug"})
        for action in ("remove", "up", "down")
    },
    "GET /agency/stores": E(AGENCY),
    "GET /agency/stores/<slug>": E(AGENCY),
    # store A is approved: suspending works, the other moves are illegal from there (409 after the check)
    **{f"POST /agency/stores/<slug>/{d}": E(AGENCY, ok=(409,)) for d in ("approve", "reject", "reinstate")},
    "POST /agency/stores/<slug>/suspend": E(AGENCY, ok=REDIRECT, body={"reason": "Alamat tidak sesuai NIB."}),
    "POST /agency/stores/<slug>/assist": E(
        AGENCY,
        ok=REDIRECT,
        args={"slug": "store_b_slug"},
        why="store B allows assistance (store A does not: 403 saying so)",
    ),
    "POST /agency/stores/<slug>/invite-owner": E(AGENCY, ok=(409,), why="store A already has its owner"),
    "POST /agency/stores/decide-many": E(
        AGENCY, ok=PAGE, body={"decision": "approve", "stores": "store_slug"}, why="the first submit asks to confirm"
    ),
    "GET /agency/expos": E(AGENCY),
    "POST /agency/expos": E(AGENCY, ok=FORM_POST),
    "GET /agency/expos/<slug>": E(AGENCY, args={"slug": "expo_slug"}),
    "POST /agency/expos/<slug>": E(AGENCY, ok=FORM_POST, args={"slug": "expo_slug"}),
    "POST /agency/expos/<slug>/banner": E(AGENCY, ok=FORM_POST, args={"slug": "expo_slug"}),
    "POST /agency/expos/<slug>/zones": E(AGENCY, ok=FORM_POST, args={"slug": "expo_slug"}),
    # --- the expo's programme (part "programme"): the agency's session pages -------------------------
    "GET /agency/expos/<slug>/sessions": E(AGENCY, args={"slug": "expo_slug"}),
    "POST /agency/expos/<slug>/sessions": E(AGENCY, ok=FORM_POST, args={"slug": "expo_slug"}),
    "GET /agency/expos/<slug>/sessions/<int:session_id>": E(
        AGENCY, args={"slug": "expo_slug", "session_id": "session_id"}
    ),
    "POST /agency/expos/<slug>/sessions/<int:session_id>": E(
        AGENCY, ok=FORM_POST, args={"slug": "expo_slug", "session_id": "session_id"}
    ),
    "POST /agency/expos/<slug>/sessions/<int:session_id>/delete": E(
        AGENCY, ok=REDIRECT, args={"slug": "expo_slug", "session_id": "session_id"}
    ),
    **{
        f"POST /agency/expos/<slug>/zones/<zone>/{action}": E(AGENCY, ok=FORM_POST, args={"slug": "expo_slug"})
        for action in ("up", "down", "remove", "rename")
    },
    "POST /agency/expos/<slug>/exhibitors": E(
        AGENCY,
        ok=REDIRECT,
        args={"slug": "expo_slug"},
        body={"store": "store_b_slug", "booth": "K-01", "zone": "kuliner"},
    ),
    **{
        f"POST /agency/expos/<slug>/exhibitors/<store_slug>/{action}": E(
            AGENCY, ok=FORM_POST, args={"slug": "expo_slug"}
        )
        for action in ("update", "remove")
    },
    "GET /agency/onboard": E(AGENCY),
    "POST /agency/onboard": E(AGENCY, ok=FORM_POST),
    "POST /agency/onboard/bulk": E(AGENCY, ok=FORM_POST),
    "GET /agency/reports": E(AGENCY),
    "GET /agency/reports/sales.csv": E(AGENCY),
    # the expo funnel (part "funnel"): the world's expo runs 2020–2099, longer than a report may be
    "GET /agency/reports/funnel.csv": E(AGENCY, ok=(422,), query="expo=expo_slug", why="agency; range too long"),
    "GET /agency/reports/gov": E(AGENCY, why="government spending with IKM: this year by default"),
    "GET /agency/reports/gov.csv": E(AGENCY),
    "POST /agency/reports/jobs": E(AGENCY, ok=REDIRECT, why="the empty form: the last 30 days, queued as a job"),
    "GET /agency/reports/files/<name>": E(
        AGENCY,
        ok=(404,),
        refused=(403,),
        args={"name": "1-" + "0" * 32 + "-penjualan-2026-12-01-2026-12-30.csv"},
        why="no report file in the world: an officer gets 404, anyone else 403 before the name is looked at",
    ),
    "GET /agency/esmart": E(AGENCY),
    "POST /agency/esmart/upload": E(AGENCY, ok=(422,)),
    "POST /agency/esmart/pull": E(AGENCY, ok=REDIRECT),
    "POST /agency/esmart/push": E(AGENCY, ok=REDIRECT),
    "GET /agency/esmart/runs/<int:run_id>": E(AGENCY),
    "GET /agency/esmart/runs/<int:run_id>/status.json": E(AGENCY),
    "GET /agency/esmart/static/<path:filename>": E(AGENCY, args={"filename": "run_progress.js"}),
    "GET /agency/insurance": E(AGENCY),
    "POST /agency/insurance/grant": E(AGENCY, ok=REDIRECT, body={"store": "store_b_slug", "product": "kiosku"}),
    "POST /agency/insurance/grant-expo": E(
        AGENCY, ok=REDIRECT, body={"expo": "expo_slug", "product": "kiosku", "confirm": "1"}, why="confirmed grant"
    ),
    "POST /agency/insurance/protection": E(AGENCY, ok=FORM_POST),
    "POST /agency/insurance/policies/<int:policy_id>/cancel": E(AGENCY, ok=REDIRECT),
    "GET /agency/insurance/products/<code>": E(AGENCY, args={"code": "warungku"}),
    "POST /agency/insurance/products/<code>": E(AGENCY, ok=FORM_POST, args={"code": "warungku"}),
    # --- the search synonym list and the searches without results (part "syn") -------------------
    "GET /agency/search/synonyms": E(AGENCY),
    "POST /agency/search/synonyms": E(AGENCY, ok=(422,), why="an empty form: refused beside the field"),
    "GET /agency/search/synonyms/<int:group_id>": E(AGENCY),
    "POST /agency/search/synonyms/<int:group_id>": E(AGENCY, ok=(422,), why="an empty form: refused beside the field"),
    "GET /agency/search/synonyms/<int:group_id>/delete": E(AGENCY, why="asks before deleting"),
    "POST /agency/search/synonyms/<int:group_id>/delete": E(AGENCY, ok=REDIRECT),
    "GET /agency/shipping-rates": E(AGENCY),
    "POST /agency/shipping-rates": E(AGENCY, ok=(422,), why="no file: refused next to the field"),
    "GET /agency/shipping-rates.csv": E(AGENCY),
    # --- provider callbacks --------------------------------------------------------------------
    "POST /webhooks/stripe": E(
        NOBODY, refused=(400,), anonymous=(400,), why="only a request signed with STRIPE_WEBHOOK_SECRET is applied"
    ),
    "POST /webhooks/xendit": E(
        NOBODY,
        refused=(401,),
        anonymous=(401,),
        why="only a request with XENDIT_CALLBACK_TOKEN in x-callback-token is applied "
        "(tests/integration/test_xendit_payments.py)",
    ),
    "POST /webhooks/biteship": E(
        NOBODY,
        refused=(400,),
        anonymous=(400,),
        why="a form post is no Biteship body (400); an event needs BITESHIP_WEBHOOK_SECRET "
        "(tests/integration/test_biteship.py)",
    ),
    # --- the whatsapp part of issue #22: Meta's webhook (tests/integration/test_whatsapp_webhooks.py)
    "GET /webhooks/whatsapp": E(
        NOBODY,
        refused=(403,),
        anonymous=(403,),
        why="Meta's verification: the challenge only for the WHATSAPP_VERIFY_TOKEN in hub.verify_token",
    ),
    "POST /webhooks/whatsapp": E(
        NOBODY,
        refused=(401,),
        anonymous=(401,),
        why="only a body signed with WHATSAPP_APP_SECRET (X-Hub-Signature-256) is applied",
    ),
    # --- JSON API (bearer token) ---------------------------------------------------------------
    "GET /api/v1/openapi.json": E(EVERYONE),
    "POST /api/v1/auth/register": E(EVERYONE, ok=(422,)),
    "POST /api/v1/auth/tokens": E(
        EVERYONE,
        ok=(201,),
        body={"email": "shopper_email", "password": "rahasia123"},
        why="the credentials are the body",
    ),
    "GET /api/v1/me": E(SIGNED_IN),
    # --- notices by WhatsApp (the "channels" part of issue #22): the token's own user ---------
    "GET /api/v1/me/notifications": E(SIGNED_IN),
    "PUT /api/v1/me/notifications": E(SIGNED_IN, ok=(422,), why="{} lacks whatsapp_opt_in"),
    "GET /api/v1/me/tokens": E(SIGNED_IN, why="each user sees only their own tokens"),
    "DELETE /api/v1/me/tokens/<int:token_id>": E(
        BUYER, ok=(204,), refused=(404,), why="the shopper's token: anyone else's id is not found"
    ),
    "GET /api/v1/regions": E(EVERYONE, query="q=tegal", why="public reference data"),
    "GET /api/v1/me/addresses": E(SIGNED_IN, why="each user sees only their own address book"),
    "POST /api/v1/me/addresses": E(SIGNED_IN, ok=(422,), why="adds to the caller's own book"),
    "GET /api/v1/me/addresses/<int:address_id>": E(
        BUYER, refused=(404,), why="the shopper's address: anyone else's id is not found"
    ),
    "PATCH /api/v1/me/addresses/<int:address_id>": E(
        BUYER, ok=(200,), refused=(404,), why="an empty patch changes nothing"
    ),
    "DELETE /api/v1/me/addresses/<int:address_id>": E(BUYER, ok=(204,), refused=(404,)),
    "DELETE /api/v1/auth/tokens/current": E(SIGNED_IN, ok=(204,), why="revokes the caller's own token"),
    "POST /api/v1/me/email-confirmation": E(SIGNED_IN, ok=(200,), why="every seeded user is confirmed"),
    "GET /api/v1/stores": E(EVERYONE),
    "GET /api/v1/stores/<slug>": E(EVERYONE),
    "POST /api/v1/stores": E(SIGNED_IN, ok=(422,)),
    "POST /api/v1/stores/<slug>/products": E(SELLER_A, ok=(422,)),
    "GET /api/v1/stores/<slug>/shipping": E(SELLER_A, why="store members, and the agency where assistance is on"),
    "PUT /api/v1/stores/<slug>/shipping": E(SELLER_A, ok=(200,), why="{} keeps every section as it is"),
    "GET /api/v1/stores/<slug>/payout-account": E(SELLER_A | AGENCY, why="members (masked but the owner), finance"),
    "PUT /api/v1/stores/<slug>/payout-account": E(SELLER_A, ok=(422,), why="the owner only"),
    "POST /api/v1/agency/stores/<slug>/payout-account/verify": E(AGENCY, ok=(409,), why="no account set yet"),
    "GET /api/v1/agency/payout-accounts": E(AGENCY),
    "POST /api/v1/finance/payout-runs": E(AGENCY, ok=(201,), why="a payout run; nobody has a verified account"),
    "GET /api/v1/products": E(EVERYONE),
    "GET /api/v1/products/<int:product_id>": E(EVERYONE),
    "PATCH /api/v1/products/<int:product_id>": E(SELLER_A, ok=(200,), why="an empty patch changes nothing"),
    "POST /api/v1/products/<int:product_id>/variants": E(SELLER_A, ok=(422,)),
    "POST /api/v1/products/<int:product_id>/images": E(SELLER_A, ok=(422,)),
    "DELETE /api/v1/products/<int:product_id>/images/<int:image_id>": E(SELLER_A, ok=(204,)),
    "PATCH /api/v1/variants/<int:variant_id>": E(SELLER_A, ok=(200,)),
    "DELETE /api/v1/variants/<int:variant_id>": E(SELLER_A, ok=(204,)),
    "GET /api/v1/categories": E(EVERYONE),
    "GET /api/v1/cart": E(API_SHOPPERS | GOV, why="officials fill a cart for their office"),
    "POST /api/v1/cart/items": E(API_SHOPPERS | GOV, ok=(422,)),
    "PATCH /api/v1/cart/items/<int:item_id>": E(BUYER, ok=(200,), body={"quantity": 1}),
    "DELETE /api/v1/cart/items/<int:item_id>": E(BUYER, ok=(200, 204)),
    "POST /api/v1/checkout": E(API_SHOPPERS, ok=(422,)),
    "POST /api/v1/checkout/shipping-options": E(API_SHOPPERS, ok=(422,), why="the caller's own cart"),
    "GET /api/v1/checkout/extras": E(EVERYONE),
    "GET /api/v1/payment-methods": E(EVERYONE),
    "GET /api/v1/orders": E(SIGNED_IN, hides=("order_number", BUYER)),
    "GET /api/v1/orders/<number>": E(BUYER),
    "POST /api/v1/orders/<number>/cancel": E(BUYER, ok=(200,)),
    "POST /api/v1/orders/<number>/complete": E(BUYER, ok=(409,)),
    "POST /api/v1/orders/<number>/reviews": E(BUYER, ok=(422,), args={"number": "done_number"}),
    "GET /api/v1/seller/orders": E(SIGNED_IN, hides=("order_number", SELLER_A)),
    "GET /api/v1/seller/orders/<number>": E(SELLER_A),
    "POST /api/v1/seller/orders/<number>/status": E(SELLER_A, ok=(422,)),
    "GET /api/v1/orders/<number>/tracking": E(BUYER | SELLER_A | AGENCY, why="the buyer, the store, the agency"),
    "GET /api/v1/orders/<number>/invoice.pdf": E(BUYER | SELLER_A | AGENCY, why="the buyer, the store, the agency"),
    "POST /api/v1/seller/orders/<number>/booking": E(SELLER_A, ok=(409,), why="the open order is not accepted yet"),
    "POST /api/v1/seller/orders/<number>/picked-up": E(SELLER_A, ok=(409,), why="the open order is not shipped yet"),
    "GET /api/v1/seller/ledger": E(SELLER_A, query="store=store_slug"),
    "GET /api/v1/me/refunds": E(SIGNED_IN, why="each user's own refunds"),
    "PUT /api/v1/me/refunds/<int:refund_id>/account": E(BUYER, ok=(422,), refused=(404,)),
    "GET /api/v1/finance/refunds": E(AGENCY),
    "POST /api/v1/finance/refunds/<int:refund_id>/sent": E(AGENCY, ok=(422,), why="no bank reference"),
    "GET /api/v1/agency/stores": E(AGENCY),
    **{f"POST /api/v1/agency/stores/<slug>/{d}": E(AGENCY, ok=(409,)) for d in ("approve", "reject", "reinstate")},
    "POST /api/v1/agency/stores/<slug>/suspend": E(AGENCY, ok=(422,), why="a reason is required"),
    "PUT /api/v1/agency/featured": E(AGENCY, ok=(422,)),
    "GET /api/v1/agency/commission": E(AGENCY),
    "PUT /api/v1/agency/commission": E(AGENCY, ok=(422,)),
    "GET /api/v1/agency/reports/sales": E(AGENCY),
    "GET /api/v1/agency/reports/gov": E(AGENCY),
    # the visitor figures (part "funnel"): the agency's expo funnel; a store's own booth figures
    "GET /api/v1/agency/reports/funnel": E(AGENCY, ok=(422,), query="expo=expo_slug", why="range too long"),
    "GET /api/v1/seller/booth-stats": E(SELLER_A, query="store=store_slug", why="?store= names store A"),
    "GET /api/v1/expos": E(EVERYONE),
    "POST /api/v1/expos": E(AGENCY, ok=(422,)),
    "GET /api/v1/expos/<slug>": E(EVERYONE, args={"slug": "expo_slug"}),
    # --- the expo's programme (part "programme"): sessions in the API -------------------------------
    "GET /api/v1/expos/<slug>/sessions": E(EVERYONE, args={"slug": "expo_slug"}),
    "POST /api/v1/expos/<slug>/sessions": E(AGENCY, ok=(422,), args={"slug": "expo_slug"}),
    "PATCH /api/v1/expos/<slug>/sessions/<int:session_id>": E(
        AGENCY, ok=(200,), args={"slug": "expo_slug", "session_id": "session_id"}
    ),
    "DELETE /api/v1/expos/<slug>/sessions/<int:session_id>": E(
        AGENCY, ok=(204,), args={"slug": "expo_slug", "session_id": "session_id"}
    ),
    "POST /api/v1/expos/<slug>/exhibitors": E(
        AGENCY, ok=(201,), args={"slug": "expo_slug"}, body={"store": "store_b_slug", "booth": "K-02"}
    ),
    # the search synonym list and the searches without results (part "syn")
    "GET /api/v1/agency/search-synonyms": E(AGENCY),
    "POST /api/v1/agency/search-synonyms": E(AGENCY, ok=(422,), why="no terms"),
    "PATCH /api/v1/agency/search-synonyms/<int:group_id>": E(AGENCY, ok=(200,), why="no terms: nothing changes"),
    "DELETE /api/v1/agency/search-synonyms/<int:group_id>": E(AGENCY, ok=(204,)),
    "GET /api/v1/agency/search-misses": E(AGENCY),
    "GET /api/v1/esmart/runs": E(AGENCY),
    "GET /api/v1/finance/bank-statements": E(AGENCY),
    "POST /api/v1/finance/bank-statements": E(AGENCY, ok=(422,)),
    "GET /api/v1/finance/bank-statements/<int:statement_id>": E(AGENCY),
    "POST /api/v1/finance/bank-statements/<int:statement_id>/rows/<int:row_id>/decision": E(AGENCY, ok=(422,)),
    "GET /api/v1/esmart/runs/<int:run_id>": E(AGENCY),
    "POST /api/v1/esmart/pull": E(AGENCY, ok=(422,)),
    "POST /api/v1/esmart/push": E(AGENCY, ok=(422,)),
    "POST /api/v1/orders/<number>/complaints": E(BUYER, ok=(409,), why="the open order is not shipped yet"),
    "GET /api/v1/orders/<number>/complaints": E(BUYER),
    "POST /api/v1/orders/<number>/complaints/<int:complaint_id>/accept": E(
        BUYER, ok=(409,), args={"number": "done_number"}, why="no offer to accept yet"
    ),
    "POST /api/v1/orders/<number>/complaints/<int:complaint_id>/escalate": E(
        BUYER, ok=(409,), args={"number": "done_number"}
    ),
    "POST /api/v1/orders/<number>/complaints/<int:complaint_id>/return": E(
        BUYER, ok=(422,), args={"number": "done_number"}
    ),
    "GET /api/v1/seller/complaints": E(SIGNED_IN, hides=("done_number", SELLER_A)),
    "POST /api/v1/seller/complaints/<int:complaint_id>/response": E(SELLER_A, ok=(422,)),
    "POST /api/v1/seller/complaints/<int:complaint_id>/return-received": E(SELLER_A, ok=(409,)),
    "GET /api/v1/agency/complaints": E(AGENCY, query="status=open"),
    "POST /api/v1/agency/complaints/<int:complaint_id>/decision": E(AGENCY, ok=(422,)),
    # --- government buying through the API (office A's approved order at store A) ------------------
    "GET /api/v1/gov/orders": E(
        GOV | {"seller_a", "seller_b"} | AGENCY,
        refused=(403,),
        hides=("gov_order_number", GOV_ORDER_READERS),
        why="an office its own, a store its own, the agency all; anyone else 403",
    ),
    "GET /api/v1/gov/orders/<number>": E(GOV_ORDER_READERS, refused=(404,), args={"number": "gov_order_number"}),
    **{
        f"POST /api/v1/gov/orders/<number>/{step}": E(
            allow,
            ok=ok,
            refused=(403, 404, 409),
            args={"number": "gov_order_number"},
            why="readers meet the state machine (403 not theirs, 409 not now); others 404",
        )
        for step, allow, ok in (
            ("quote", SELLER_A, (409,)),
            ("accept_quote", {"gov_pp"}, (409,)),
            ("withdraw", {"gov_pp"}, (409,)),
            ("approve", {"gov_ppk"}, (409,)),
            ("reject", {"gov_ppk"}, (409,)),
            ("amend", {"gov_ppk"}, (422,)),
            ("cancel", {"gov_ppk"}, (422,)),
            ("accept", SELLER_A, (200,)),
            ("decline", SELLER_A, (422,)),
            ("ship", SELLER_A, (409,)),
            ("receive", {"gov_ppk"}, (409,)),
            ("invoice", SELLER_A, (409,)),
            ("pay", {"gov_bendahara"}, (409,)),
            ("bast", {"gov_ppk"}, (409,)),
            ("payment", {"gov_bendahara"}, (409,)),
        )
    },
    "GET /api/v1/gov/purchases": E(
        GOV | AGENCY, refused=(403,), hides=("gov_purchase_number", GOV_A | AGENCY), why="officials and the agency"
    ),
    "POST /api/v1/gov/purchases": E({"gov_pp"}, ok=(422,), refused=(403,), why="a pejabat pengadaan's own cart"),
    "POST /api/v1/gov/orders": E({"gov_pp"}, ok=(422,), refused=(403,), why="CONTRACT.md's name of the submit"),
    "GET /api/v1/gov/purchases/<number>": E(GOV_A | AGENCY, refused=(404,), args={"number": "gov_purchase_number"}),
    "GET /api/v1/gov/documents/<int:document_id>": E(GOV_ORDER_READERS, refused=(404,)),
    "GET /api/v1/gov/offices": E(AGENCY, refused=(403,)),
    "GET /api/v1/insurance/products": E(EVERYONE),
    "GET /api/v1/insurance/premiums": E(INSURERS | AGENCY, why="an insurer its own premiums; agency all"),
    "GET /api/v1/insurance/policies": E(SIGNED_IN, hides=("policy_number", POLICY_A_READERS)),
    "POST /api/v1/insurance/policies": E(AGENCY, ok=(201,), body={"store": "store_b_slug", "product": "kiosku"}),
    "GET /api/v1/insurance/policies/<ref>": E(POLICY_A_READERS, args={"ref": "policy_number"}),
    "GET /api/v1/insurance/claims": E(SIGNED_IN, hides=("claim_text", POLICY_A_READERS)),
    "POST /api/v1/insurance/claims": E(
        SELLER_A,
        ok=(201,),
        body={
            "policy": "policy_number",
            "incident_date": "today",
            "cause": "petir",
            "amount": 400_000,
            "description": "Petir menyambar tiang listrik, etalase terbakar.",
        },
        why="store A's policy, in the body",
    ),
    "GET /api/v1/insurance/claims/<int:claim_id>": E(POLICY_A_READERS),
    "POST /api/v1/insurance/claims/<int:claim_id>/decision": E(INSURER_A, ok=(422,)),
}


# --- the routes --------------------------------------------------------------------------------


def rule_keys(rule) -> list[tuple[str, dict]]:
    """The matrix keys of one URL rule: ``METHOD /path`` per method, an ``any()`` argument spelt out."""
    choices: list[dict] = [{}]
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            choices = [{**c, name: item} for c in choices for item in sorted(converter.items)]
    keys = []
    for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
        for fixed in choices:
            path = rule.rule
            for name, value in fixed.items():
                path = re.sub(rf"<any\([^)]*\):{name}>", value, path)
            keys.append((f"{method} {path}", {"rule": rule, "method": method, "fixed": fixed}))
    return keys


def app_routes(app) -> dict[str, dict]:
    routes: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        for key, info in rule_keys(rule):
            routes[key] = info
    return routes


def shape(path: str) -> str:
    """A path with its parameters unnamed: /orders/<number> and /orders/{number} -> /orders/{}."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def openapi_operations(spec: dict) -> set[tuple[str, str]]:
    """(METHOD, shape) of every operation of the OpenAPI document."""
    methods = {"get", "post", "put", "patch", "delete"}
    return {
        (method.upper(), shape(path)) for path, item in spec["paths"].items() for method in item if method in methods
    }


def matrix_shapes() -> dict[tuple[str, str], str]:
    found = {}
    for key in MATRIX:
        method, path = key.split(" ", 1)
        found[(method, shape(path))] = key
    return found


def is_api(path: str) -> bool:
    return path.startswith("/api/")


# --- the world -----------------------------------------------------------------------------------


def _photo(name: str = "foto.jpg") -> FileStorage:
    from tests.factories import image_bytes

    return FileStorage(stream=BytesIO(image_bytes().getvalue()), filename=name, content_type="image/jpeg")


def build_world() -> dict:
    """Everything the route arguments name, made through the services (in an app context)."""
    from sqlalchemy import select

    from marketplace import mail
    from marketplace.accounts import services as accounts
    from marketplace.accounts import tokens as api_tokens
    from marketplace.cart import services as carts
    from marketplace.catalog import services as catalog
    from marketplace.catalog import synonyms
    from marketplace.complaints import services as complaint_services
    from marketplace.complaints.models import ComplaintPhoto
    from marketplace.expo import programme
    from marketplace.expo import services as expos
    from marketplace.extensions import db
    from marketplace.jobs.models import OutboxMessage
    from marketplace.orders import services as orders
    from marketplace.orders.lifecycle import transition
    from marketplace.orders.models import OrderLine
    from marketplace.payments.bank_refund_models import BankRefund
    from marketplace.reviews import services as reviews
    from marketplace.shipping import addresses
    from marketplace.stores import services as stores
    from plugins.bank_transfer import services as bank
    from plugins.bank_transfer import statements
    from plugins.bank_transfer.models import BankTransfer
    from plugins.esmart_sync.models import EsmartRun
    from plugins.insurance import claims, policies
    from plugins.insurance.models import ClaimPhoto
    from plugins.xendit.models import XenditPayment
    from tests.buying_factories import buy, fill_cart, variant_of
    from tests.factories import gen_product, gen_store, gen_user, image_bytes
    from tests.insurance_support import file_claim, grant

    users = {
        "shopper": gen_user(ROLE_EMAILS["shopper"], name="Siti Aminah"),
        "shopper2": gen_user(ROLE_EMAILS["shopper2"], name="Rina Wulandari"),
        "seller_a": gen_user(ROLE_EMAILS["seller_a"], role="seller", name="Sari Rahayu"),
        "seller_b": gen_user(ROLE_EMAILS["seller_b"], role="seller", name="Joko Susilo"),
        "agency": gen_user(ROLE_EMAILS["agency"], role="agency", name="Bambang Sutrisno"),
        "jasindo": gen_user(ROLE_EMAILS["jasindo"], role="insurer", name="Dewi Lestari", insurer="jasindo"),
        "askrindo": gen_user(ROLE_EMAILS["askrindo"], role="insurer", name="Agus Prasetyo", insurer="askrindo"),
        "admin": gen_user(ROLE_EMAILS["admin"], role="admin", name="Admin"),
    }
    from tests.gov_support import DINKES, SETDA, make_office

    office_a, office_b = make_office(**SETDA), make_office(**DINKES)
    for role, office, position, name in (
        ("gov_pp", office_a, "pp", "Rina Pengadaan"),
        ("gov_ppk", office_a, "ppk", "Agus Komitmen"),
        ("gov_bendahara", office_a, "bendahara", "Sri Bendahara"),
        ("gov_other", office_b, "ppk", "Dedi Dinkes"),
    ):
        users[role] = _gov_official(office, position, ROLE_EMAILS[role], name)
    store_a = gen_store(users["seller_a"], name="Batik Sari", address="Jl. Kapten Sudibyo No. 12")
    store_b = gen_store(users["seller_b"], name="Sate Kambing Pak Joko", sector="kuliner")
    stores.update_store(store_b, users["seller_b"], {"allow_agency_assist": True})  # store A does not
    product_a = gen_product(
        store_a,
        name="Batik Tulis Tegalan",
        price=350_000,
        stock=50,
        variants=[
            {"name": "Katun", "sku": None, "price": 350_000, "stock": 50},
            {"name": "Sutra", "sku": None, "price": 900_000, "stock": 5},
        ],
    )
    product_b = gen_product(store_b, name="Sate Kambing Muda", price=30_000, stock=50, category=None)
    image = catalog.add_image(product_a, users["seller_a"], image_bytes())
    db.session.commit()
    buyer, other = users["shopper"], users["shopper2"]

    # the buyer's orders at store A: one open (with order protection), one completed and reviewed
    open_order = buy(buyer, (variant_of(product_a), 1), extras=["order_protection"]).orders[0]
    done = buy(buyer, (variant_of(product_a), 1))
    done_order = done.orders[0]
    for status, actor in (("processing", users["seller_a"]), ("shipped", users["seller_a"]), ("completed", buyer)):
        transition(done_order, status, actor, tracking_number="JNE123" if status == "shipped" else None)
        db.session.commit()
    review = reviews.add_review(
        buyer, orders.get_for_shopper(buyer, done_order.number), 5, "Kainnya halus, warnanya awet."
    )
    db.session.commit()
    # a complaint (with a photo) about the completed order, waiting for store A's answer
    done_line_id = db.session.scalar(select(OrderLine.id).where(OrderLine.order_id == done_order.id))
    complaint = complaint_services.open_complaint(
        buyer,
        orders.get_for_shopper(buyer, done_order.number),
        {"reason": "barang_rusak", "description": "Kainnya sobek di bagian tepi.", "lines": {done_line_id: 1}},
        [_photo("komplain.jpg")],
    )
    db.session.commit()
    complaint_photo_id = db.session.scalar(select(ComplaintPhoto.id).where(ComplaintPhoto.complaint_id == complaint.id))
    # the buyer's bank transfer (with a proof) and cart line; the other shopper's own cart
    paying = buy(buyer, (variant_of(product_a), 1), method="bank_transfer")
    transfer = db.session.scalar(select(BankTransfer).where(BankTransfer.payment_id == paying.payment.id))
    bank.submit_proof(transfer, paying.payment, buyer, image_bytes(), "Siti Aminah")
    # what the Xendit pay page shows for that payment (as if it were a QRIS payment)
    db.session.add(
        XenditPayment(
            payment_id=paying.payment.id, request_id="pr-matrix", method="qris", channel="QRIS", qr_string="000201"
        )
    )
    db.session.commit()
    # a paid bank transfer the buyer cancelled: its refund is owed to the buyer's bank account
    refunding = buy(buyer, (variant_of(product_a), 1), method="bank_transfer")
    bank.confirm(bank.for_payment(refunding.payment.id), users["agency"])
    transition(refunding.orders[0], "cancelled", buyer, reason="Salah ukuran")
    db.session.commit()
    refund_id = db.session.scalar(select(BankRefund.id).where(BankRefund.payment_id == refunding.payment.id))
    # a statement upload whose one credit matched no transfer
    uploaded = statements.import_statement(
        users["agency"],
        f"tanggal;keterangan;jumlah\n{policies.today():%d/%m/%Y};Setoran;12.345\n".encode(),
        "m.csv",
        None,
    )
    db.session.commit()
    fill_cart(buyer, (variant_of(product_a), 2))
    fill_cart(other, (variant_of(product_b), 1))
    cart_item = carts.view(carts.find_cart(buyer)).lines[0].item_id

    policy_a = grant(users["agency"], store_a, "warungku")
    policy_b = grant(users["agency"], store_b, "gerobakku")
    claim_a = file_claim(users["seller_a"], policy_a, description=CLAIM_A_TEXT)
    claims.add_photos(users["seller_a"], claim_a, [_photo()])
    db.session.commit()
    claim_b = file_claim(users["seller_b"], policy_b, cause="pencurian", amount=800_000)
    photo_id = db.session.scalar(select(ClaimPhoto.id).where(ClaimPhoto.claim_id == claim_a.id))

    fair = expos.create_expo(
        users["agency"],
        "apik-banget",
        "Apik Banget Virtual Expo",
        expos.parse_local_datetime("2020-01-01", "starts_at"),
        expos.parse_local_datetime("2099-12-31", "ends_at", end_of_day=True),
    )
    expos.add_zone(users["agency"], fair, "Fesyen", slug="fesyen")
    expos.add_zone(users["agency"], fair, "Kuliner", slug="kuliner")
    expos.add_exhibitor(users["agency"], fair, store_a, booth="F-01", zone="fesyen")
    expos.set_featured(users["agency"], [store_a])
    # the expo's programme (part "programme"): one session at store A's booth
    expo_session = programme.add_session(
        users["agency"],
        fair,
        programme.SessionInput(
            kind="talk", title="Talk show batik", starts_at="2026-12-01T10:00", ends_at="2026-12-01T11:00", booth="F-01"
        ),
    )
    # the search synonym list (part "syn"): a group of the agency's own beside the seeded ones
    synonym_group = synonyms.add_group(users["agency"], "gethuk, getuk")
    run = EsmartRun(kind="pull", source="uji.json", status="succeeded", actor_id=users["agency"].id)
    db.session.add(run)
    _invite, invite_token = stores.invite_staff(store_a, users["seller_a"], "staf.baru@test.id")
    mail.queue_rendered("staf.baru@test.id", "Undangan", "isi", kind="matrix")
    db.session.commit()
    message_id = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))

    gov_order, gov_document = _gov_order(office_a, users, store_a, product_a)

    tokens = {role: api_tokens.issue_token(user) for role, user in users.items()}
    db.session.commit()
    shopper_token_id = api_tokens.token_id_of(users["shopper"], tokens["shopper"])
    home = addresses.create(
        buyer,
        {
            "recipient": "Siti Aminah",
            "phone": "0812-3456-7890",
            "district_code": "33.76.01",
            "street": "Jl. Kapten Sudibyo No. 12",
            "postal_code": "52111",
        },
    )
    db.session.commit()
    return {
        "users": {role: user.id for role, user in users.items()},
        "tokens": tokens,
        "store_a": store_a.id,
        "store_b": store_b.id,
        "product_b_id": product_b.id,
        "variant_b_id": variant_of(product_b).id,
        "claim_b_id": claim_b.id,
        "policy_b_id": policy_b.id,
        "review_id": review.id,
        "other_cart_item": carts.view(carts.find_cart(other)).lines[0].item_id,
        "args": {
            "slug": store_a.slug,
            "store_slug": store_a.slug,
            "product_id": product_a.id,
            "variant_id": variant_of(product_a, 1).id,
            "image_id": image.id,
            "number": open_order.number,
            "item_id": cart_item,
            "checkout_id": open_order.checkout_id,
            "payment_id": paying.payment.id,
            "transfer_id": transfer.id,
            "statement_id": uploaded.statement.id,
            "row_id": uploaded.rows[0].id,
            "claim_id": claim_a.id,
            "complaint_id": complaint.id,
            "photo_id": photo_id,
            "policy_id": policy_a.id,
            "run_id": run.id,
            "zone": "fesyen",
            "code": "warungku",
            "filename": "css/app.css",
            "token": invite_token,
            "ref": policy_a.number,
            "path": image.path,
            "token_id": shopper_token_id,
            "address_id": home.id,
            "message_id": message_id,
            "refund_id": refund_id,
            "document_id": gov_document.id,
            # booth pages (part "booth")
            "expo_slug": fair.slug,
            "group_id": synonym_group.id,
        },
        "named": {
            "expo_slug": fair.slug,
            "session_id": expo_session.id,
            "store_slug": store_a.slug,
            "store_b_slug": store_b.slug,
            "shopper_email": ROLE_EMAILS["shopper"],
            "order_number": open_order.number,
            "claim_text": CLAIM_A_TEXT,
            "today": policies.today().isoformat(),
            "done_number": done_order.number,
            "complaint_photo_id": complaint_photo_id,
            "invite_token": invite_token,
            "reset_token": accounts.password_reset_token(buyer),
            "confirm_token": accounts.email_confirmation_token(buyer),
            "policy_number": policy_a.number,
            "image_path": image.path,
            "proof_path": transfer.proof_path,
            "claim_photo_path": db.session.scalar(select(ClaimPhoto.path).where(ClaimPhoto.id == photo_id)),
            "gov_order_number": gov_order.number,
            "gov_purchase_number": "PBJ-MATRIX-1",
            "gov_document_token": gov_document.token,
            "office_code": office_a.code,
            "office_b_code": office_b.code,
            "gov_bendahara_id": users["gov_bendahara"].id,
            # booth pages (part "booth"): store A's booth number in the expo
            "booth": "F-01",
        },
    }


def _gov_official(office, position: str, email: str, name: str):
    from marketplace.extensions import db
    from marketplace.gov.models import GovOfficial
    from tests.factories import gen_user

    user = gen_user(email, role="gov", name=name)
    db.session.add(GovOfficial(user_id=user.id, office_id=office.id, position=position))
    db.session.commit()
    return user


def _gov_order(office, users: dict, store, product):
    """Office A's purchase of store A's product, approved by its PPK, with its Surat Pesanan:
    written as rows (the world is data; the steps are tested in tests/integration/test_gov_*)."""
    from datetime import timedelta

    from marketplace.catalog import stock
    from marketplace.clock import now, to_jakarta
    from marketplace.extensions import db
    from marketplace.gov import paperwork
    from marketplace.gov.models import GovOrder, GovOrderLine, GovPurchase
    from tests.buying_factories import variant_of
    from tests.gov_support import make_offer

    make_offer(product, "lembar", min_quantity=2, lead_days=3)
    variant = variant_of(product)
    purchase = GovPurchase(
        number="PBJ-MATRIX-1",
        office_id=office.id,
        created_by_id=users["gov_pp"].id,
        rup_code="45123678",
        budget_code="5.1.02.01.01.0052",
        delivery_date=to_jakarta(now()).date() + timedelta(days=7),
        delivery_place="Ruang Rapat Sekda",
    )
    order = GovOrder(
        purchase=purchase,
        office_id=office.id,
        store_id=store.id,
        store_name=store.name,
        number="SP-MATRIX-000001",
        status="approved",
        subtotal=700_000,
        shipping_cost=0,
        total=700_000,
        lead_days=3,
        delivery_date=purchase.delivery_date,
        approved_at=now(),
        approved_by_id=users["gov_ppk"].id,
    )
    db.session.add_all([purchase, order])
    db.session.flush()
    db.session.add(
        GovOrderLine(
            order_id=order.id,
            product_id=product.id,
            variant_id=variant.id,
            product_name=product.name,
            variant_name=variant.name,
            sku=variant.sku,
            unit="lembar",
            unit_price=350_000,
            quantity=2,
            line_total=700_000,
        )
    )
    assert stock.reserve(variant.id, 2)
    document = paperwork.issue(order, "sp", users["gov_ppk"])
    db.session.commit()
    return order, document


def route_values(world: dict, info: dict, entry: Entry) -> dict:
    values = {}
    for name in info["rule"].arguments:
        if name in info["fixed"]:
            values[name] = info["fixed"][name]
            continue
        value = entry.args.get(name, world["args"].get(name))
        values[name] = world["named"].get(value, value) if isinstance(value, str) else value
    return values


def route_url(world: dict, info: dict, entry: Entry) -> str:
    url = info["rule"].build(route_values(world, info, entry), append_unknown=False)[1]
    if entry.query:
        name, _eq, value = entry.query.partition("=")
        url += f"?{name}={world['named'].get(value, value)}"
    return url


# --- callers -------------------------------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


@dataclass
class Caller:
    """One role: the session cookie of a real sign-in (with its CSRF token) and an API token."""

    role: str
    cookie: str | None
    csrf: str
    token: str | None


def sign_in(app, role: str, world: dict) -> Caller:
    from tests.factories import PASSWORD

    client = app.test_client()
    csrf = csrf_from(client.get("/login").get_data(as_text=True))
    if role != "anonymous":
        response = client.post("/login", data={"email": ROLE_EMAILS[role], "password": PASSWORD, "csrf_token": csrf})
        assert response.status_code == 302, (role, response.status_code)
        csrf = csrf_from(client.get("/logout").get_data(as_text=True))
    cookie = client.get_cookie("session")
    return Caller(role, cookie.value if cookie else None, csrf, world["tokens"].get(role))


def named_body(world: dict, entry: Entry) -> dict:
    return {k: world["named"].get(v, v) if isinstance(v, str) else v for k, v in entry.body.items()}


def send(app, world: dict, caller: Caller, method: str, url: str, entry: Entry):
    """One request as ``caller``: a fresh client with the caller's cookie, so nothing a reply sets
    (a sign-out, a flash) carries over to the next call."""
    client = app.test_client()
    if is_api(url):
        headers = {"Authorization": f"Bearer {caller.token}"} if caller.token else {}
        body = {"json": named_body(world, entry)} if method in ("POST", "PUT", "PATCH") else {}
        return client.open(url, method=method, headers=headers, **body)
    if caller.cookie:
        client.set_cookie("session", caller.cookie)
    data = {"data": {**named_body(world, entry), "csrf_token": caller.csrf}} if method in STATE_CHANGING else {}
    return client.open(url, method=method, **data)


def to_login(response) -> bool:
    return response.status_code in (301, 302, 303) and urlsplit(response.headers.get("Location", "")).path == "/login"


def judge(entry: Entry, role: str, api: bool, response, world: dict) -> str | None:
    """None when the reply is what the matrix says; else what went wrong."""
    status = response.status_code
    if status >= 500:
        return f"{status} (server error)"
    if role in entry.allow:
        if to_login(response) or status == 401 or status not in entry.ok:
            return f"{status}{' to /login' if to_login(response) else ''}, expected allowed {sorted(entry.ok)}"
        if entry.hides:
            name, seers = entry.hides
            shown = world["named"][name] in response.get_data(as_text=True)
            if shown and role not in seers:
                return f"{status} showing {name} {world['named'][name]!r}, which only {sorted(seers)} may see"
            if not shown and role in seers:  # the control: the check above looks for something real
                return f"{status} without its own {name} {world['named'][name]!r}"
        return None
    if role == "anonymous":
        if entry.anonymous is not None:
            return None if status in entry.anonymous else f"{status}, expected refused {sorted(entry.anonymous)}"
        if api:
            return None if status == 401 else f"{status}, expected refused 401"
        return None if to_login(response) else f"{status}, expected a redirect to /login"
    if status in entry.refused:
        return None
    return f"{status}, expected refused {sorted(entry.refused)}"
