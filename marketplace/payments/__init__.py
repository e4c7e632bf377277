"""Payments: one Payment per checkout, methods offered by payment plugins."""
