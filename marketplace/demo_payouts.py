"""Demo payout accounts: each approved demo store's bank account for its payouts, set by its
owner as a seller would, and verified by the agency, except the last two stores', which wait
in the agency's queue (/agency/payout-accounts) so the demo shows both. The numbers are made
up but have the bank's length; the holder is the store's owner. Idempotent: a store that has
an account (the demo's or its seller's since) is left as it is.
"""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.ledger import payout_accounts
from marketplace.payments import banks

# Bank Jateng and BRI first: the banks most Tegal IKM keep their money in
DEMO_BANKS = ("JATENG", "BRI", "BNI", "MANDIRI", "BCA", "BSI")
WAITING = 2  # the last stores' accounts stay unverified


def load(summary, built: list, agency) -> None:
    """Give every approved demo store of ``built`` (demo.load's) without one a payout account."""
    from marketplace.accounts.models import User

    approved = [store for data, store in built if data.status == "approved"]
    for index, store in enumerate(approved):
        if payout_accounts.get(store.id) is not None or store.owner_id is None:
            continue
        owner = db.session.get(User, store.owner_id)
        bank = banks.get(DEMO_BANKS[index % len(DEMO_BANKS)])
        payout_accounts.set_account(store, owner, bank.code, demo_number(bank, store.id), owner.name)
        if index < len(approved) - WAITING:
            payout_accounts.verify(store, agency)
        summary.payout_accounts += 1


def demo_number(bank, store_id: int) -> str:
    """A made-up account number of the bank's length, different per store."""
    digits = str(3_172_004 + store_id * 104_729)
    return (digits * 3)[: bank.digits[0]]
