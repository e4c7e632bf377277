"""Who is a visitor (marketplace/visits/visitor.py): a salted hash of address and browser, and
who is left out (crawlers by User-Agent, no User-Agent, prefetches)."""

from __future__ import annotations

import hashlib

import pytest

from marketplace.visits.visitor import is_bot, is_prefetch, visitor_hash

CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


def test_the_hash_is_sha256_of_salt_address_and_browser_cut_to_32_hex_digits():
    digest = visitor_hash("garam", "10.1.2.3", CHROME)
    assert digest == hashlib.sha256(f"garam10.1.2.3{CHROME}".encode()).hexdigest()[:32]
    assert len(digest) == 32 and int(digest, 16) >= 0


def test_another_salt_address_or_browser_is_another_visitor():
    one = visitor_hash("garam", "10.1.2.3", CHROME)
    assert visitor_hash("garam", "10.1.2.3", CHROME) == one
    assert len({one, visitor_hash("lain", "10.1.2.3", CHROME), visitor_hash("garam", "10.1.2.4", CHROME)}) == 3
    assert visitor_hash("garam", "10.1.2.3", CHROME + " X") != one


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.5",
        "",
        "   ",
    ],
)
def test_crawlers_and_empty_user_agents_are_bots(ua):
    assert is_bot(ua)


@pytest.mark.parametrize(
    "ua",
    [CHROME, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"],
)
def test_browsers_are_not_bots(ua):
    assert not is_bot(ua)


@pytest.mark.parametrize(
    "headers, prefetch",
    [
        ({"Sec-Purpose": "prefetch"}, True),
        ({"Sec-Purpose": "prefetch;prerender"}, True),
        ({"Purpose": "prefetch"}, True),
        ({"Purpose": "Prefetch"}, True),
        ({}, False),
        ({"Sec-Purpose": ""}, False),
    ],
)
def test_prefetches_are_told_by_their_purpose(headers, prefetch):
    assert is_prefetch(headers) is prefetch
