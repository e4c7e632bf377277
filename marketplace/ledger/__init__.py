"""The seller ledger: what each store earned, the marketplace commission, refunds and payouts."""
