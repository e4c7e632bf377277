"""API endpoints: stores."""
from marketplace.api import bp  # noqa: F401
