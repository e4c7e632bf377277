"""A fake Stripe API on 127.0.0.1, in a thread, for the real ``stripe`` library (STRIPE_API_BASE).

Implements just what the plugin calls: ``POST /v1/checkout/sessions``,
``GET /v1/checkout/sessions/<id>``, ``POST /v1/checkout/sessions/<id>/expire``,
``POST /v1/refunds``. Every request is recorded (form fields flattened as the
library sends them, e.g. ``line_items[0][price_data][unit_amount]``, the
``Idempotency-Key`` and the secret key); a repeated idempotency key answers the
first response again, as Stripe does. ``fail(status, times, code)`` scripts
errors (500, 402 card_declined) and ``delay`` slows answers (timeouts).

The "hosted page" ``GET /pay/<session id>`` shows a Pay button; pressing it
marks the session paid, sends a signed ``checkout.session.completed`` to
``webhook_url`` exactly as Stripe signs it, and redirects to the success URL.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.fakes import FakeServer


def sign(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: ``t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>")``."""
    body = payload.encode() if isinstance(payload, str) else payload
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


_ids = itertools.count(1)


def event(type_: str, obj: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test_{next(_ids)}",
        "object": "event",
        "api_version": "2025-01-27",
        "created": int(time.time()),
        "livemode": False,
        "type": type_,
        "data": {"object": obj},
    }


@dataclass
class Recorded:
    method: str
    path: str
    form: dict
    idempotency_key: str | None
    authorization: str | None


@dataclass
class FakeStripe(FakeServer):
    webhook_secret: str = "whsec_test_secret"
    webhook_url: str | None = None
    requests: list[Recorded] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    delay: float = 0.0
    _failures: list[tuple[int, str]] = field(default_factory=list)
    _replies: dict[str, tuple[int, dict]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- scripting -------------------------------------------------------------------------
    def fail(self, status: int = 500, times: int = 1, code: str = "api_error") -> None:
        self._failures.extend([(status, code)] * times)

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def start(self) -> FakeStripe:
        return self._serve()

    # --- webhooks ----------------------------------------------------------------------------
    def signed(self, evt: dict, timestamp: int | None = None, secret: str | None = None) -> tuple[bytes, str]:
        body = json.dumps(evt).encode()
        return body, sign(body, secret or self.webhook_secret, timestamp)

    def pay(self, session_id: str, amount_total: int | None = None, currency: str | None = None) -> dict:
        """The shopper paid on the hosted page: the session as checkout.session.completed carries it."""
        with self._lock:
            s = self.sessions[session_id]
            s.update(
                status="complete", payment_status="paid", payment_intent=s["payment_intent"] or f"pi_test_{next(_ids)}"
            )
            obj = dict(s)
        if amount_total is not None:
            obj["amount_total"] = amount_total
        if currency is not None:
            obj["currency"] = currency
        return obj

    def send(self, evt: dict) -> int:
        body, header = self.signed(evt)
        request = urllib.request.Request(
            self.webhook_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code

    # --- the API -----------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length).decode() if length else ""
        form = dict(parse_qsl(raw or parts.query, keep_blank_values=True))
        if parts.path.startswith("/pay/"):
            return self._hosted_page(h, method, parts.path[len("/pay/") :])
        key = h.headers.get("Idempotency-Key")
        self.requests.append(Recorded(method, parts.path, form, key, h.headers.get("Authorization")))
        if self.delay:
            time.sleep(self.delay)
        if key and method == "POST" and key in self._replies:
            return self._json(h, *self._replies[key])
        if self._failures:
            status, code = self._failures.pop(0)
            kind = "card_error" if status == 402 else "api_error"
            return self._json(h, status, {"error": {"type": kind, "code": code, "message": f"fake {code}"}})
        status, body = self._route(method, parts.path, form)
        if key and method == "POST" and status < 500:
            self._replies[key] = (status, body)
        self._json(h, status, body)

    def _route(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        segments = path.strip("/").split("/")
        with self._lock:
            if method == "POST" and path == "/v1/checkout/sessions":
                return 200, self._create_session(form)
            if segments[:3] == ["v1", "checkout", "sessions"] and len(segments) >= 4:
                session = self.sessions.get(segments[3])
                if session is None:
                    return 404, {
                        "error": {
                            "type": "invalid_request_error",
                            "code": "resource_missing",
                            "message": "No such checkout.session",
                        }
                    }
                if method == "POST" and segments[4:] == ["expire"]:
                    if session["status"] != "open":
                        return 400, {"error": {"type": "invalid_request_error", "message": "not open"}}
                    session["status"] = "expired"
                return 200, session
            if method == "POST" and path == "/v1/refunds":
                refund = {
                    "id": f"re_test_{next(_ids)}",
                    "object": "refund",
                    "amount": int(form["amount"]),
                    "currency": "idr",
                    "payment_intent": form.get("payment_intent"),
                    "status": "succeeded",
                }
                self.refunds[refund["id"]] = refund
                return 200, refund
        return 404, {"error": {"type": "invalid_request_error", "message": f"no route {method} {path}"}}

    def _create_session(self, form: dict) -> dict:
        total, index = 0, 0
        while f"line_items[{index}][quantity]" in form:
            total += int(form[f"line_items[{index}][price_data][unit_amount]"]) * int(
                form[f"line_items[{index}][quantity]"]
            )
            index += 1
        sid = f"cs_test_{next(_ids)}"
        session = {
            "id": sid,
            "object": "checkout.session",
            "mode": "payment",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": total,
            "currency": form.get("line_items[0][price_data][currency]", "idr"),
            "client_reference_id": form.get("client_reference_id"),
            "metadata": {k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")},
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "expires_at": int(form["expires_at"]) if form.get("expires_at") else None,
            "payment_intent": None,
            "url": f"{self.url}/pay/{sid}",
        }
        self.sessions[sid] = session
        return session

    def _hosted_page(self, h, method: str, session_id: str) -> None:
        session = self.sessions.get(session_id)
        if session is None:
            return self._html(h, 404, "<h1>No such session</h1>")
        if method == "GET":
            return self._html(
                h,
                200,
                f"<h1>Fake Stripe Checkout</h1><p>IDR {session['amount_total'] / 100:.0f}</p>"
                f"<form method='post'><button id='pay' type='submit'>Pay</button></form>",
            )
        obj = self.pay(session_id)
        self.send(event("checkout.session.completed", obj))
        h.send_response(303)
        h.send_header("Location", session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
        h.send_header("Content-Length", "0")
        h.end_headers()

    @staticmethod
    def _json(h, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Request-Id", "req_fake")
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
