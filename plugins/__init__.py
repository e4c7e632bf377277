"""Bundled plugins. Each is a package with one module-level ``plugin`` object whose
class has a ``name`` (the package's name), declares its ``settings`` and marks its
hook implementations with ``marketplace.plugin_api.hookimpl``; which ones run is set
by MARKETPLACE_PLUGINS."""

# The bundled plugins in their default order: MARKETPLACE_PLUGINS unset runs them all, in
# this order (the core reads it through marketplace.plugin_api.bundled_plugins).
BUNDLED = (
    "stripe_payments",
    "bank_transfer",
    "cash_on_delivery",
    "esmart_sync",
    "insurance",
    "shipping_table",
    "biteship",
    "xendit",
    "whatsapp",
)
