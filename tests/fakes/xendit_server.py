"""A fake Xendit API on 127.0.0.1, in a thread, for the official ``xendit-python`` client.

What the plugin calls, in Xendit's documented shapes: ``POST /payment_requests`` (QRIS with a
``qr_string``, a virtual account with its number, an e-wallet with its ``actions``),
``GET /payment_requests/<id>``, ``POST /v2/payment_methods/<id>/expire``, ``POST /refunds``,
``POST /v2/payouts`` (its ``Idempotency-key``: the same key is the same payout),
``GET /v2/payouts/<id>``. Every call needs HTTP basic auth with the secret key as user name
(401 ``{"error_code": "INVALID_API_KEY", ...}`` otherwise); a repeated idempotency key answers
the first response again. ``fail(status, times, code)`` scripts errors, ``down()`` drops
connections, ``delay`` slows answers.

Test helpers make Xendit's side happen and build its notification (``pay``, ``refund_outcome``,
``payout_outcome``), which ``send`` POSTs to ``webhook_url`` with the ``x-callback-token``
and ``webhook-id`` headers as Xendit does (or a test posts it with its own client).

Standalone, for trying the app locally: ``python -m tests.fakes.xendit_server --port 8900
--callback http://127.0.0.1:5000/webhooks/xendit`` serves the same API and, at ``/``, a page
listing open payment requests with a button that pays each one.
"""

from __future__ import annotations

import argparse
import base64
import html
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.fakes import FakeServer

SECRET_KEY = "xnd_development_apik_fake_0123456789"
CALLBACK_TOKEN = "apik-fake-callback-token-0123456789"
BUSINESS_ID = "5f27a14a9bf05c73dd040bc8"
_ids = itertools.count(1)


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _id(prefix: str) -> str:
    return f"{prefix}-{next(_ids):08d}-fake"


@dataclass
class Recorded:
    method: str
    path: str
    body: dict
    idempotency_key: str | None
    authorization: str | None


@dataclass
class Notification:
    """A notification as Xendit sends it: the JSON body, and its id (the webhook-id header)."""

    body: dict
    webhook_id: str = field(default_factory=lambda: _id("whk"))

    def headers(self, token: str | None) -> dict:
        headers = {"Content-Type": "application/json", "webhook-id": self.webhook_id}
        if token is not None:
            headers["x-callback-token"] = token
        return headers


@dataclass
class FakeXendit(FakeServer):
    secret_key: str = SECRET_KEY
    callback_token: str = CALLBACK_TOKEN
    webhook_url: str | None = None
    port: int = 0
    requests: list[Recorded] = field(default_factory=list)
    payment_requests: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    payouts: dict[str, dict] = field(default_factory=dict)
    delay: float = 0.0
    # how a new payout is answered: accepted (the outcome comes later), succeeded, failed,
    # refused (400 INVALID_DESTINATION) or lost (made, then the connection drops unanswered);
    # and what an accepted payout has become when it is fetched: pending, succeeded or failed
    payout_mode: str = "accepted"
    payout_later: str = "pending"
    _failures: list[tuple[int, str]] = field(default_factory=list)
    _replies: dict[tuple[str, str], tuple[int, dict]] = field(default_factory=dict)
    _down: bool = False
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # --- scripting -------------------------------------------------------------------------
    def fail(self, status: int = 500, times: int = 1, code: str = "SERVER_ERROR") -> None:
        self._failures.extend([(status, code)] * times)

    def down(self, is_down: bool = True) -> None:
        """Drop every connection without an answer (Xendit unreachable)."""
        self._down = is_down

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def start(self) -> FakeXendit:
        return self._serve(port=self.port)

    # --- Xendit's side: paying, refund and payout outcomes, notifications ---------------------
    def pay(self, request_id: str, amount: float | None = None, currency: str | None = None) -> Notification:
        """The shopper paid: the payment request SUCCEEDED (for ``amount``/``currency`` when a
        test wants Xendit to have recorded other ones); answers the payment.succeeded notification."""
        with self._lock:
            pr = self.payment_requests[request_id]
            pr.update(status="SUCCEEDED", updated=_now())
            if amount is not None:
                pr["amount"] = amount
            if currency is not None:
                pr["currency"] = currency
            data = {
                "id": _id("py"),
                "payment_request_id": pr["id"],
                "reference_id": pr["reference_id"],
                "customer_id": None,
                "currency": pr["currency"],
                "amount": pr["amount"],
                "country": "ID",
                "status": "SUCCEEDED",
                "payment_method": pr["payment_method"],
                "channel_properties": None,
                "payment_detail": None,
                "failure_code": None,
                "created": pr["created"],
                "updated": pr["updated"],
                "metadata": pr.get("metadata"),
            }
        return self.notification("payment.succeeded", data)

    def refund_outcome(
        self, refund_id: str, status: str = "SUCCEEDED", failure_code: str | None = None
    ) -> Notification:
        with self._lock:
            refund = self.refunds[refund_id]
            refund.update(status=status, failure_code=failure_code, updated=_now())
            data = dict(refund, payment_id=refund["payment_request_id"])
        return self.notification(f"refund.{status.lower()}", data)

    def payout_outcome(
        self, payout_id: str, status: str = "SUCCEEDED", failure_code: str | None = None
    ) -> Notification:
        with self._lock:
            payout = self.payouts[payout_id]
            payout.update(status=status, updated=_now())
            if failure_code:  # Xendit names one only when the payout failed
                payout["failure_code"] = failure_code
            data = dict(payout)
        return self.notification(f"payout.{status.lower()}", data)

    @staticmethod
    def notification(event: str, data: dict) -> Notification:
        return Notification({"event": event, "business_id": BUSINESS_ID, "created": _now(), "data": data})

    def send(self, note: Notification, token: str | None = None) -> int:
        """POST ``note`` to the app as Xendit does (with the callback token, or ``token``)."""
        request = urllib.request.Request(
            self.webhook_url or "",
            data=json.dumps(note.body).encode(),
            method="POST",
            headers=note.headers(self.callback_token if token is None else token),
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:  # the app is not listening: Xendit would retry later
            return 0

    # --- the API -----------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        if self._down:
            h.close_connection = True
            h.connection.close()
            return
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length).decode() if length else ""
        if parts.path == "/" or parts.path.startswith(("/simulate/", "/ewallet/")):
            return self._simulator(h, method, parts.path)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self._json(h, 400, {"error_code": "API_VALIDATION_ERROR", "message": "body is not JSON"})
        key = h.headers.get("Idempotency-key")
        self.requests.append(Recorded(method, parts.path, body, key, h.headers.get("Authorization")))
        if self.delay:
            time.sleep(self.delay)
        if not self._authorised(h.headers.get("Authorization")):
            return self._json(h, 401, {"error_code": "INVALID_API_KEY", "message": "API key is invalid"})
        if key and method == "POST" and (parts.path, key) in self._replies:
            return self._json(h, *self._replies[(parts.path, key)])
        if self._failures:
            status, code = self._failures.pop(0)
            return self._json(h, status, {"error_code": code, "message": f"fake {code}"})
        with self._lock:
            status, answer = self._route(method, parts.path.rstrip("/"), body)
        if key and method == "POST" and status < 500:
            self._replies[(parts.path, key)] = (status, answer)
        if parts.path == "/v2/payouts" and self.payout_mode == "lost":
            h.close_connection = True
            h.connection.close()
            return
        self._json(h, status, answer)

    def _authorised(self, header: str | None) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.secret_key}:".encode()).decode()
        return header == expected

    def _route(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        segments = path.strip("/").split("/")
        if method == "POST" and path == "/payment_requests":
            return self._create_payment_request(body)
        if method == "GET" and segments[0] == "payment_requests" and len(segments) == 2:
            pr = self.payment_requests.get(segments[1])
            return (200, pr) if pr else _missing("payment request")
        if method == "POST" and segments[:2] == ["v2", "payment_methods"] and segments[3:] == ["expire"]:
            return self._expire_method(segments[2])
        if method == "POST" and path == "/refunds":
            return self._create_refund(body)
        if method == "POST" and path == "/v2/payouts":
            return self._create_payout(body)
        if method == "GET" and segments[:2] == ["v2", "payouts"] and len(segments) == 3:
            payout = self.payouts.get(segments[2])
            if payout and payout["status"] == "ACCEPTED" and self.payout_later != "pending":
                payout.update(status=self.payout_later.upper(), updated=_now())
                if self.payout_later == "failed":
                    payout["failure_code"] = "REJECTED_BY_CHANNEL"
            return (200, payout) if payout else _missing("payout")
        return 404, {"error_code": "NOT_FOUND", "message": f"no route {method} {path}"}

    def _create_payment_request(self, body: dict) -> tuple[int, dict]:
        method = body.get("payment_method") or {}
        kind = method.get("type")
        if body.get("currency") != "IDR" or not isinstance(body.get("amount"), (int, float)) or kind is None:
            return 400, {"error_code": "API_VALIDATION_ERROR", "message": "currency, amount and payment_method"}
        if kind not in ("QR_CODE", "VIRTUAL_ACCOUNT", "EWALLET"):
            return 400, {"error_code": "API_VALIDATION_ERROR", "message": f"unsupported type {kind}"}
        pr_id, now = _id("pr"), _now()
        part, actions = self._channel_part(kind, dict(method.get(kind.lower()) or {}), pr_id, body["amount"])
        pr = {
            "id": pr_id,
            "business_id": BUSINESS_ID,
            "reference_id": body.get("reference_id") or pr_id,
            "currency": "IDR",
            "amount": body["amount"],
            "country": "ID",
            "status": "REQUIRES_ACTION" if kind == "EWALLET" else "PENDING",
            "description": body.get("description"),
            "capture_method": "AUTOMATIC",
            "created": now,
            "updated": now,
            "metadata": body.get("metadata"),
            "actions": actions,
            "payment_method": {
                "id": _id("pm"),
                "type": kind,
                "reusability": method.get("reusability", "ONE_TIME_USE"),
                "status": "ACTIVE",
                "reference_id": method.get("reference_id"),
                "created": now,
                "updated": now,
                kind.lower(): part,
            },
        }
        self.payment_requests[pr_id] = pr
        return 201, pr

    def _channel_part(self, kind: str, part: dict, pr_id: str, amount) -> tuple[dict, list[dict]]:
        """What Xendit adds to the channel's part: the QR string, the VA number, the e-wallet's links."""
        properties = dict(part.get("channel_properties") or {})
        actions: list[dict] = []
        if kind == "QR_CODE":
            properties["qr_string"] = f"00020101021226660014ID.CO.QRIS.WWW0118{pr_id}5204549953033605802ID6304ABCD"
        elif kind == "VIRTUAL_ACCOUNT":
            properties["virtual_account_number"] = f"8808{next(_ids):012d}"
            part.update(amount=amount, currency="IDR")
        elif part.get("channel_code") != "OVO":  # OVO asks in its app; the others send the shopper there
            url = f"{self.url}/ewallet/{pr_id}"
            actions = [
                {"action": "AUTH", "url_type": url_type, "method": "GET", "url": url, "qr_code": None}
                for url_type in ("WEB", "DEEPLINK")
            ]
        part["channel_properties"] = properties
        return part, actions

    def _expire_method(self, method_id: str) -> tuple[int, dict]:
        for pr in self.payment_requests.values():
            if pr["payment_method"]["id"] == method_id:
                if pr["status"] == "SUCCEEDED":
                    return 409, {"error_code": "PAYMENT_METHOD_ALREADY_USED", "message": "already paid"}
                pr["payment_method"]["status"] = "EXPIRED"
                pr["status"] = "EXPIRED"
                return 200, pr["payment_method"]
        return _missing("payment method")

    def _create_refund(self, body: dict) -> tuple[int, dict]:
        pr = self.payment_requests.get(str(body.get("payment_request_id")))
        if pr is None:
            return _missing("payment request")
        if pr["status"] != "SUCCEEDED" or pr["payment_method"]["type"] == "VIRTUAL_ACCOUNT":
            return 400, {"error_code": "INELIGIBLE_TRANSACTION", "message": "this payment cannot be refunded"}
        done = sum(r["amount"] for r in self.refunds.values() if r["payment_request_id"] == pr["id"])
        if body.get("amount", 0) + done > pr["amount"]:
            return 400, {"error_code": "REFUND_AMOUNT_EXCEEDED", "message": "refund more than paid"}
        method = pr["payment_method"]
        refund = {
            "id": _id("rfd"),
            "payment_request_id": pr["id"],
            "invoice_id": None,
            "amount": body.get("amount"),
            "payment_method_type": method["type"],
            "channel_code": (method.get(method["type"].lower()) or {}).get("channel_code"),
            "currency": "IDR",
            "status": "PENDING",
            "reason": body.get("reason", "OTHERS"),
            "reference_id": body.get("reference_id"),
            "failure_code": None,
            "refund_fee_amount": None,
            "created": _now(),
            "updated": _now(),
            "country": "ID",
            "metadata": body.get("metadata"),
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _create_payout(self, body: dict) -> tuple[int, dict]:
        channel = str(body.get("channel_code") or "")
        account = (body.get("channel_properties") or {}).get("account_number")
        if not channel.startswith("ID_") or not account or body.get("currency") != "IDR":
            return 400, {"error_code": "API_VALIDATION_ERROR", "message": "channel_code, account_number, currency"}
        if self.payout_mode == "refused":
            return 400, {"error_code": "INVALID_DESTINATION", "message": "the account does not exist"}
        now = _now()
        payout = dict(
            body,
            id=_id("disb"),
            business_id=BUSINESS_ID,
            status={"succeeded": "SUCCEEDED", "failed": "FAILED"}.get(self.payout_mode, "ACCEPTED"),
            created=now,
            updated=now,
            estimated_arrival_time=(datetime.now(UTC) + timedelta(minutes=5)).isoformat().replace("+00:00", "Z"),
        )
        if payout["status"] == "FAILED":
            payout["failure_code"] = "INSUFFICIENT_BALANCE"
        self.payouts[payout["id"]] = payout
        return 200, payout

    # --- the simulator page (standalone use) ----------------------------------------------------
    def _simulator(self, h, method: str, path: str) -> None:
        request_id = path.rsplit("/", 1)[-1]
        if method == "POST" and path.startswith("/simulate/") and request_id in self.payment_requests:
            status = self.send(self.pay(request_id)) if self.webhook_url else 0
            return self._html(h, 200, f"<p>Paid {html.escape(request_id)}; notification answered {status}.</p>")
        rows = "".join(
            f"<li>{html.escape(pr['id'])} · {pr['payment_method']['type']} · IDR {pr['amount']:.0f} · {pr['status']}"
            f"<form method='post' action='/simulate/{html.escape(pr['id'])}'><button>Pay</button></form></li>"
            for pr in self.payment_requests.values()
            if pr["status"] in ("PENDING", "REQUIRES_ACTION") and (path == "/" or pr["id"] == request_id)
        )
        self._html(h, 200, f"<h1>Fake Xendit</h1><ul>{rows or '<li>nothing to pay</li>'}</ul>")

    @staticmethod
    def _json(h, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    @staticmethod
    def _html(h, status: int, text: str) -> None:
        data = f"<!doctype html><html><body>{text}</body></html>".encode()
        h.send_response(status)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)


def _missing(what: str) -> tuple[int, dict]:
    return 404, {"error_code": "DATA_NOT_FOUND", "message": f"{what} not found"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake Xendit API for trying Apik Market locally.")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--callback", help="the app's /webhooks/xendit address")
    parser.add_argument("--key", default=SECRET_KEY, help="the secret key the app uses (XENDIT_SECRET_KEY)")
    parser.add_argument("--token", default=CALLBACK_TOKEN, help="the callback token (XENDIT_CALLBACK_TOKEN)")
    args = parser.parse_args(argv)
    fake = FakeXendit(secret_key=args.key, callback_token=args.token, webhook_url=args.callback, port=args.port)
    fake.start()
    print(f"fake Xendit on {fake.url} (pay at {fake.url}/), notifications to {args.callback}", flush=True)
    try:
        fake.thread.join()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
