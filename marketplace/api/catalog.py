"""API endpoints: catalog."""
from marketplace.api import bp  # noqa: F401
