"""The metadata a shared or indexed page carries: its canonical address and language
alternates, its share image, and a product's schema.org data. Built from BASE_URL
(urls.absolute_url), never from the request's host, so a cached page is right for everyone."""

from __future__ import annotations

from flask import request
from flask_babel import get_locale

from marketplace.urls import absolute_url

from . import share_images

LOCALES = {"id": "id_ID", "en": "en_US"}  # og:locale of each page language
SCHEMA_STOCK = {True: "https://schema.org/InStock", False: "https://schema.org/OutOfStock"}


def _language() -> str:
    return str(get_locale() or "id")


def page_url(language: str | None = None, page: int | None = None) -> str:
    """This page's address without filters or tracking parameters: the route's own values,
    ``?page=`` past the first page, ``?lang=en`` for the English page (Indonesian is the default)."""
    values = dict(request.view_args or {})
    if page and page > 1:
        values["page"] = page
    if (language or _language()) == "en":
        values["lang"] = "en"
    return absolute_url(request.endpoint or "catalog.home", **values)


def alternates(page: int | None = None) -> list[tuple[str, str]]:
    """(hreflang, url) of the page in each language, and x-default (the Indonesian one)."""
    indonesian = page_url("id", page)
    return [("id", indonesian), ("en", page_url("en", page)), ("x-default", indonesian)]


def og_locales() -> tuple[str, str]:
    """og:locale of this page and its alternate."""
    current = _language()
    other = "en" if current == "id" else "id"
    return LOCALES.get(current, "id_ID"), LOCALES[other]


def share_image_url(path: str | None) -> str:
    """The absolute og:image of a photo (cut to 1200x630 on first request), or the default one."""
    if share_images.is_shareable(path):
        return absolute_url("seo.share_image", path=path)
    return absolute_url("static", filename="img/share.jpg")


def product_data(product, variants, store, reviews: dict, url: str) -> dict:
    """schema.org Product with one Offer per variant, prices in IDR, the store as seller."""
    seller = {"@type": "Organization", "name": store.name, "url": absolute_url("catalog.store", slug=store.slug)}
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description or product.name,
        "url": url,
        "image": [absolute_url("media.serve", path=image.path) for image in product.images] or [share_image_url(None)],
        "offers": [
            {
                "@type": "Offer",
                "name": variant.name,
                "sku": variant.sku,
                "price": variant.price,
                "priceCurrency": "IDR",
                "availability": SCHEMA_STOCK[variant.stock > 0],
                "url": url,
                "seller": seller,
            }
            for variant in variants
        ],
    }
    if len(variants) == 1:  # with several, each Offer names its own
        data["sku"] = variants[0].sku
    if product.category is not None:
        data["category"] = product.category.name
    if reviews.get("count"):
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": reviews["rating"],
            "reviewCount": reviews["count"],
            "bestRating": 5,
            "worstRating": 1,
        }
    return data
