"""Reviews: verified buyers rate what they bought, once per order line."""
