"""The agency's two commissions set together: the marketplace's and the one on government
orders (``site_settings.GOV_COMMISSION_KEY``, which may be 0 %). The commission page, the API
and ``flask agency commission --gov`` all set them here, so a bad value of either changes
neither and both errors come back at once."""

from __future__ import annotations

from marketplace import site_settings
from marketplace.errors import ValidationError


def set_commissions(actor, percent=None, gov_percent=None) -> tuple[int, int]:
    """Set the marketplace commission and/or the government one (None: leave it as it is); the
    basis points of both afterwards. :raise ValidationError: on ``percent`` and/or
    ``gov_percent``, before anything is written (the caller commits)."""
    errors: dict[str, str] = {}
    for field, raw in (("percent", percent), ("gov_percent", gov_percent)):
        if raw is None:
            continue
        try:
            site_settings.parse_percent(raw)
        except ValidationError as exc:
            errors[field] = next(iter(exc.fields.values()), exc.message)
    if errors:
        raise ValidationError(fields=errors)
    bps = site_settings.set_commission(actor, percent) if percent is not None else None
    gov_bps = (
        site_settings.set_commission(actor, gov_percent, key=site_settings.GOV_COMMISSION_KEY)
        if gov_percent is not None
        else None
    )
    # what was set, not read back: the API's transaction does not flush before it commits
    return (
        site_settings.get_commission_bps() if bps is None else bps,
        site_settings.get_gov_commission_bps() if gov_bps is None else gov_bps,
    )
