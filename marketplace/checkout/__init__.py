"""Checkout: a cart becomes one order per store and one payment, in small named steps."""
