"""The live test server's app plus a test-only payment method, and a stall at the
checkout's COMMIT.

``stalling_transfer`` is offered next to the configured plugins. While the file
``$APIK_STALL_FILE.armed`` exists, a checkout (``POST /api/v1/checkout``) that is
about to commit (its orders written and its stock reserved, in its open
transaction) writes its worker's pid to ``$APIK_STALL_FILE`` and sleeps, so a
test can kill that worker at exactly that moment.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace import create_app, plugin_api
from marketplace.payments.methods import PaymentMethod, PaymentStart, RefundResult
from marketplace.plugin_api import hookimpl


class StallingTransfer(PaymentMethod):
    id = "stalling_transfer"
    name = "Transfer uji (lambat)"
    provider = "fake"
    reservation_window = timedelta(minutes=30)

    def start(self, payment) -> PaymentStart:
        return PaymentStart(instructions="Transfer ke rekening 123", provider_reference=f"st-{payment.id}")

    def refund(self, payment, amount: int) -> RefundResult:
        return RefundResult(reference=f"st-refund-{payment.id}")


class StallingPlugin:
    @hookimpl
    def payment_methods(self):
        return [StallingTransfer()]


@event.listens_for(Session, "before_commit")
def _stall_before_commit(session) -> None:
    marker = os.environ.get("APIK_STALL_FILE")
    if not (
        marker
        and os.path.exists(marker + ".armed")
        and has_request_context()
        and request.method == "POST"
        and request.path == "/api/v1/checkout"
    ):
        return
    with open(marker + ".tmp", "w") as out:
        out.write(str(os.getpid()))
    os.replace(marker + ".tmp", marker)
    time.sleep(60)


app = create_app(json.loads(os.environ["APIK_TEST_CONFIG"]))
plugin_api.register(app, StallingPlugin(), "stalling_transfer")
