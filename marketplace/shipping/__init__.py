"""Shipping: Indonesian addresses (Kemendagri regions), what each store offers (pickup, its own
local delivery, couriers), courier rates through the ``shipping_rates`` hook, ongkir at
checkout, and tracking through the ``shipping_tracking`` and ``shipping_book`` hooks."""
