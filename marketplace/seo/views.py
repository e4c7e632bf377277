"""Sitemaps, robots.txt, the web app manifest and share images; and the template helpers of
``templates/_meta.html``. HTTP only: what is listed comes from seo.services.

Caching: sitemaps are catalogue pages for the page cache (rendered once, dropped when the
catalogue changes, revalidated by ETag); robots.txt and the manifest depend on settings only
and may be kept a day by anyone; a share image never changes under its name (immutable)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, render_template, session

from marketplace import media, pagecache
from marketplace.catalog.sectors import SECTORS
from marketplace.expo.links import booth_key
from marketplace.urls import absolute_url

from . import meta, services, share_images

bp = Blueprint("seo", __name__, template_folder="templates")

XML = "application/xml; charset=utf-8"
PUBLIC_DAY = "public, max-age=86400"
THEME_COLOUR = "#0f766e"
# Only the catalogue is for crawlers: pages of one person (account, orders, cart, checkout),
# of a store's or an office's staff, and the API are not; nor are search results (endless
# combinations of ?q= and filters, each already reachable as a listing).
DISALLOWED = (
    "/account",
    "/orders",
    "/cart",
    "/checkout",
    "/payments",
    "/complaints",
    "/seller",
    "/invites",
    "/agency",
    "/finance",
    "/insurer",
    "/gov",
    "/api/",
    "/login",
    "/register",
    "/password",
    "/search",
)

for name in ("page_url", "alternates", "og_locales", "share_image_url", "product_data"):
    bp.add_app_template_global(getattr(meta, name), name="seo_" + name)


@bp.after_request
def _no_shared_copy_with_a_cookie(response):
    """A response anyone may keep must not carry this visitor's session cookie: a shared cache
    would hand it to the next visitor. Then it is this visitor's alone."""
    public = "public" in response.headers.get("Cache-Control", "")
    if public and current_app.session_interface.should_set_cookie(current_app, session):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _w3c(moment: datetime | None) -> str | None:
    """A sitemap's lastmod (W3C datetime, UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _xml(template: str, **context):
    return current_app.response_class(render_template(template, **context), content_type=XML)


@bp.get("/robots.txt")
def robots():
    """What crawlers may read, and where the sitemap is."""
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines += ["", f"Sitemap: {absolute_url('seo.sitemap_index')}", ""]
    return current_app.response_class(
        "\n".join(lines), content_type="text/plain; charset=utf-8", headers={"Cache-Control": PUBLIC_DAY}
    )


@bp.get("/sitemap.xml")
@pagecache.cached(html=False)
def sitemap_index():
    """The sitemap index: the pages, the stores, and each product page that lists something."""
    entries: list[tuple[str, str | None]] = [(absolute_url("seo.sitemap_pages"), None)]
    entries.append((absolute_url("seo.sitemap_stores"), None))
    entries += [
        (absolute_url("seo.sitemap_products", number=page.number), _w3c(page.lastmod))
        for page in services.product_pages()
    ]
    return _xml("seo/sitemap_index.xml", entries=entries)


@bp.get("/sitemap-pages.xml")
@pagecache.cached(html=False, narrow=True)  # no product in it
def sitemap_pages():
    """Home, stores, sectors, categories, expo halls and their booth pages."""
    urls = [absolute_url("catalog.home"), absolute_url("catalog.stores")]
    urls += [absolute_url("catalog.sector", slug=slug) for slug in SECTORS]
    urls += [absolute_url("catalog.category", slug=slug) for slug in services.category_slugs()]
    urls += [absolute_url("expo.hall", slug=slug) for slug in services.expo_slugs()]
    urls += [
        absolute_url("booth.page", slug=expo, booth=booth_key(booth, store)) for expo, booth, store in services.booths()
    ]
    return _xml("seo/urlset.xml", entries=[(url, None) for url in urls])


@bp.get("/sitemap-stores.xml")
@pagecache.cached(html=False, narrow=True)  # stores only
def sitemap_stores():
    """Every approved store's storefront."""
    entries = [
        (absolute_url("catalog.store", slug=slug), _w3c(changed)) for slug, changed in services.approved_stores()
    ]
    return _xml("seo/urlset.xml", entries=entries)


@bp.get("/sitemap-products-<int:number>.xml")
@pagecache.cached(html=False)
def sitemap_products(number: int):
    """One page of active products of approved stores. :raise 404: a page that lists none."""
    rows = services.products_on_page(number) if number >= 1 else []
    if not rows:
        abort(404)
    return _xml(
        "seo/urlset.xml",
        entries=[(absolute_url("catalog.product", product_id=pid), _w3c(changed)) for pid, changed in rows],
    )


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: the market added to a phone's home screen opens like an app."""
    body = {
        "name": "Apik Market",
        "short_name": "Apik Market",
        "lang": "id",
        "dir": "ltr",
        "start_url": absolute_url("catalog.home"),
        "scope": absolute_url("catalog.home"),
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            _icon("icon-192.png", "192x192", "any"),
            _icon("icon-512.png", "512x512", "any"),
            _icon("icon-maskable-512.png", "512x512", "maskable"),
        ],
    }
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False),
        content_type="application/manifest+json",
        headers={"Cache-Control": PUBLIC_DAY},
    )


def _icon(name: str, size: str, purpose: str) -> dict:
    return {
        "src": absolute_url("static", filename=f"img/{name}"),
        "sizes": size,
        "type": "image/png",
        "purpose": purpose,
    }


@bp.get("/og/<path:path>")
def share_image(path: str):
    """A photo's share image, 1200x630 JPEG. :raise 404: not a public photo, or gone."""
    stored = share_images.ensure(path)
    if stored is None:
        abort(404)
    return media.send_public(stored)
