"""Settings the operator changes at run time (not deployment settings: those
are config.py): a small key-value table, each change audited.

The settings are the marketplace commission and the commission on government orders
(marketplace/gov), each kept as basis points (an int, 0..10000: 250 = 2,5 %) so money
arithmetic stays in integers. The agency sets them in its console; the ledger reads
:func:`get_commission_bps` and :func:`get_gov_commission_bps`.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import ForeignKey, Integer, String, Text, and_, case, cast, func, select
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import audit
from marketplace.clock import now
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.types import UTCDateTime

COMMISSION_KEY = "commission_bps"
GOV_COMMISSION_KEY = "gov_commission_bps"  # on government orders; may be 0 (the agency decides)
DEFAULT_COMMISSION_BPS = 0
PERCENT_RE = re.compile(r"^\d{1,3}([.,]\d{1,2})?$")


class SiteSetting(db.Model):
    __tablename__ = "site_settings"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


def get_value(key: str, default: str | None = None) -> str | None:
    value = db.session.scalar(select(SiteSetting.value).where(SiteSetting.key == key))
    return default if value is None else value


def set_value(actor, key: str, value: str) -> SiteSetting:
    """Write a setting (the caller commits) and audit the change with the old value."""
    row = db.session.get(SiteSetting, key)
    old = row.value if row else None
    if row is None:
        row = SiteSetting(key=key)
        db.session.add(row)
    row.value = value
    row.updated_at = now()
    row.updated_by = getattr(actor, "id", None)
    audit.record(actor, "settings.changed", "setting", key, old=old, new=value)
    return row


# --- the marketplace commission ---------------------------------------------------


def get_commission_bps() -> int:
    """The commission in basis points (250 = 2,5 %); 0 until the agency sets one."""
    return db.session.scalar(select(commission_bps_sql()))


def get_gov_commission_bps() -> int:
    """The commission on government orders in basis points; 0 until the agency sets one."""
    return db.session.scalar(select(commission_bps_sql(GOV_COMMISSION_KEY)))


def commission_bps_sql(key: str = COMMISSION_KEY):
    """:func:`get_commission_bps` as an SQL expression, for a statement that snapshots the
    commission as it writes (an order at checkout) instead of reading it first. The stored
    value counts when it is 1 to 5 digits; anything else, or no row, is the default."""
    value = select(SiteSetting.value).where(SiteSetting.key == key).scalar_subquery()
    digits = and_(func.length(value).between(1, 5), func.trim(value, "0123456789") == "")
    return func.coalesce(case((digits, cast(value, Integer)), else_=None), DEFAULT_COMMISSION_BPS)


def parse_percent(raw) -> int:
    """``"2,5"``, ``"2.5"``, ``2.5`` or ``"2,5 %"`` → 250 basis points; ValidationError otherwise."""
    text = str(raw if raw is not None else "").strip().rstrip("%").strip()
    if not PERCENT_RE.match(text):
        raise ValidationError(fields={"percent": _("Tulis persen antara 0 dan 100, mis. 2,5.")})
    try:
        bps = int(Decimal(text.replace(",", ".")) * 100)
    except InvalidOperation:
        raise ValidationError(fields={"percent": _("Tulis persen antara 0 dan 100, mis. 2,5.")}) from None
    if not 0 <= bps <= 10000:
        raise ValidationError(fields={"percent": _("Komisi harus antara 0 dan 100 persen.")})
    return bps


def set_commission(actor, percent, key: str = COMMISSION_KEY) -> int:
    """Set the marketplace commission (or, with ``key=GOV_COMMISSION_KEY``, the one on
    government orders) from a percent (0 allowed); the new basis points."""
    bps = parse_percent(percent)
    set_value(actor, key, str(bps))
    return bps


def percent_label(bps: int) -> str:
    """250 → "2,5 %", 0 → "0 %" (Indonesian decimal comma)."""
    whole, rest = divmod(int(bps), 100)
    if not rest:
        return f"{whole} %"
    return f"{whole},{rest:02d}".rstrip("0") + " %"
