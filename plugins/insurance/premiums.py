"""Premiums of order protection per insurer and month, read from the core ledger.

The premium is the insurer's money: completion credits it to ``insurer:<code>``
(marketplace/ledger/postings.py) and finance remits it (marketplace/ledger/finance.py).
An insurer's user sees its own insurer's months; agency officers and admins see every
insurer's; anyone else may not (PermissionDenied)."""

from __future__ import annotations

from marketplace.errors import PermissionDenied
from marketplace.ledger import finance

from . import access


def visible_months(user) -> list[finance.PremiumMonth]:
    """Premiums collected, refunded, remitted and outstanding per month, for ``user``."""
    code = access.insurer_code(user)
    if code is not None:
        return finance.account_months(f"insurer:{code}")
    if access.is_staff(user):
        return finance.account_months()
    raise PermissionDenied()
