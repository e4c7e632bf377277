"""Visitor figures of the expo: what the beacon counts, per day, without cookies or personal data.

A page the page cache serves still counts: it carries a small script that sends one beacon
(``POST /beacon``) per view; WhatsApp taps send one too, and an add to cart is counted where
the cart takes it. A visitor is a hash of the address and browser with a salt made for the
day and forgotten after it, so a visitor counts once per day and cannot be followed from day
to day. Known bots are left out. The tallies go to Redis when ``REDIS_URL`` is set, else to
the database in batches; a periodic job rolls each day up into ``visit_daily``, which the
reports read.
"""

from marketplace.visits.services import cart_store_id, count_request

__all__ = ["cart_store_id", "count_request"]
