"""GET /api/v1/openapi.json."""
from marketplace.api import bp  # noqa: F401
