"""API endpoints: accounts."""
from marketplace.api import bp  # noqa: F401
