"""Shipping: Indonesian addresses (Kemendagri regions), what each store offers (pickup, its own
local delivery, couriers), courier rates from plugins, ongkir at checkout, and tracking."""
