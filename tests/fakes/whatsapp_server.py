"""A fake WhatsApp Business Cloud API on 127.0.0.1, in a thread.

``POST /<version>/<phone number id>/messages`` as Meta documents it: the bearer token must be
the fake's (401, error 190, otherwise) and the request must be what the real API takes, or it
answers Meta's error for it: a ``to`` that is not digits (100), a template that is not
registered or not in that language (404, 132001), the wrong number of body parameters or a
missing URL button (132000), a number listed in ``not_on_whatsapp`` (131026). The registered
templates (:data:`REGISTERED`) are written here as WhatsApp Manager would hold them, not taken
from the plugin, so a template the plugin changes without registering it again is refused.
Accepted messages answer a ``wamid`` and are kept in ``requests`` and ``messages``.
``fail(status, code, times)`` scripts Meta's error answers, ``down()`` drops connections and
``delay`` slows answers (a timeout).

Meta's side of the webhook: ``status_event`` and ``message_event`` build the bodies Meta POSTs,
``signature`` signs a raw body with the app secret, and ``send`` POSTs to ``webhook_url``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.fakes import FakeServer

ACCESS_TOKEN = "EAAGfakeWhatsAppAccessToken0123456789"
PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
DISPLAY_NUMBER = "15550783881"
APP_SECRET = "fake-meta-app-secret-0123456789abcdef"
VERIFY_TOKEN = "apik-fake-verify-token-0123456789"
VERSION = "v21.0"
# name -> (language, body parameters, has a URL button with one suffix parameter)
REGISTERED: dict[str, tuple[str, int, bool]] = {
    "apik_order_placed": ("id", 3, True),
    "apik_order_paid": ("id", 3, True),
    "apik_order_shipped": ("id", 4, True),
    "apik_complaint_opened": ("id", 3, True),
    "apik_complaint_decided": ("id", 3, True),
    "apik_seller_order_waiting": ("id", 4, True),
}
_ids = itertools.count(1)


def _wamid() -> str:
    return f"wamid.HBgLNjI4MTIzNDU2Nzg5FQIAERgSRkFLRQ{next(_ids):08d}AA=="


@dataclass
class Recorded:
    path: str
    body: dict
    authorization: str | None


@dataclass
class FakeWhatsApp(FakeServer):
    access_token: str = ACCESS_TOKEN
    phone_number_id: str = PHONE_NUMBER_ID
    app_secret: str = APP_SECRET
    webhook_url: str | None = None
    templates: dict[str, tuple[str, int, bool]] = field(default_factory=lambda: dict(REGISTERED))
    not_on_whatsapp: set[str] = field(default_factory=set)
    requests: list[Recorded] = field(default_factory=list)
    messages: dict[str, dict] = field(default_factory=dict)  # wamid -> the request's body
    delay: float = 0.0
    _failures: list[tuple[int, int]] = field(default_factory=list)
    _down: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- scripting -------------------------------------------------------------------------
    def fail(self, status: int = 500, code: int = 131000, times: int = 1) -> None:
        """The next ``times`` sends answer ``status`` with Meta's error ``code`` (``fail(200, 0)``:
        a 200 whose body has no message id)."""
        self._failures.extend([(status, code)] * times)

    def down(self, is_down: bool = True) -> None:
        """Drop every connection without an answer (WhatsApp unreachable)."""
        self._down = is_down

    @property
    def api_base(self) -> str:
        return f"{self.url}/{VERSION}"

    def start(self) -> FakeWhatsApp:
        return self._serve(methods=("POST",))

    # --- the API -----------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler, method: str = "POST") -> None:
        if self._down:
            h.close_connection = True
            h.connection.close()
            return
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        path = urlsplit(h.path).path
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self._error(h, 400, 100, "Invalid parameter", "the body is not JSON")
        with self._lock:
            self.requests.append(Recorded(path, body, h.headers.get("Authorization")))
        if self.delay:
            time.sleep(self.delay)
        if h.headers.get("Authorization") != f"Bearer {self.access_token}":
            return self._error(h, 401, 190, "Invalid OAuth access token - Cannot parse access token", "")
        if path != f"/{VERSION}/{self.phone_number_id}/messages":
            return self._error(h, 400, 100, "Unsupported post request", f"no object at {path}")
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure == (200, 0):
            return self._json(h, 200, {"messaging_product": "whatsapp", "contacts": [], "messages": []})
        if failure:
            return self._error(h, failure[0], failure[1], f"fake error {failure[1]}", "scripted by the test")
        refusal = self._refusal(body)
        if refusal:
            return self._error(h, *refusal)
        message_id = _wamid()
        with self._lock:
            self.messages[message_id] = body
        to = body["to"]
        self._json(
            h,
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": message_id, "message_status": "accepted"}],
            },
        )

    def _refusal(self, body: dict) -> tuple[int, int, str, str] | None:
        """What the real API would answer to a send it refuses; None when it takes it."""
        if body.get("messaging_product") != "whatsapp" or body.get("type") != "template":
            return 400, 100, "Invalid parameter", "messaging_product whatsapp and type template are required"
        to = body.get("to")
        if not isinstance(to, str) or not to.isascii() or not to.isdigit():
            return 400, 100, "Invalid parameter", "to must be a phone number in digits"
        template = body.get("template") or {}
        name = template.get("name")
        language = (template.get("language") or {}).get("code")
        registered = self.templates.get(str(name))
        if registered is None or registered[0] != language:
            return 404, 132001, "Template name does not exist in the translation", f"{name} ({language})"
        count, has_button = registered[1], registered[2]
        components = template.get("components") or []
        bodies = [c for c in components if c.get("type") == "body"]
        buttons = [c for c in components if c.get("type") == "button"]
        params = bodies[0].get("parameters", []) if len(bodies) == 1 else []
        if len(params) != count:
            return 400, 132000, "Number of parameters does not match", f"body: expected {count}, got {len(params)}"
        if any(p.get("type") != "text" or not str(p.get("text") or "").strip() for p in params):
            return 400, 131008, "Required parameter is missing", "a body parameter without text"
        if any("\n" in str(p["text"]) or "\t" in str(p["text"]) for p in params):
            return 400, 132018, "There was an issue with the parameters", "new line or tab in a parameter"
        wanted = 1 if has_button else 0
        if len(buttons) != wanted or any(
            b.get("sub_type") != "url" or b.get("index") != "0" or len(b.get("parameters") or []) != 1 for b in buttons
        ):
            return 400, 132000, "Number of parameters does not match", "the URL button needs one suffix parameter"
        if to in self.not_on_whatsapp:
            return 400, 131026, "Message undeliverable", "the number is not on WhatsApp"
        return None

    def _error(self, h, status: int, code: int, message: str, details: str) -> None:
        error = {
            "message": f"(#{code}) {message}",
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "AfakeTrace",
        }
        if code == 131026:
            error["error_subcode"] = 2494010
        if details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": details}
        self._json(h, status, {"error": error})

    @staticmethod
    def _json(h, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    # --- Meta's side: webhook events --------------------------------------------------------
    def _event(self, value: dict) -> dict:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": self.phone_number_id},
            **value,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": WABA_ID, "changes": [{"field": "messages", "value": value}]}],
        }

    def status_event(self, message_id: str, status: str, recipient: str = "6281234567890", code: int | None = None):
        """Meta's report of what became of ``message_id`` (``code``: the error of a failed one)."""
        item: dict = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(time.time())),
            "recipient_id": recipient,
        }
        if code is not None:
            item["errors"] = [
                {
                    "code": code,
                    "title": "Message undeliverable",
                    "message": "Message undeliverable",
                    "error_data": {"details": "Message Undeliverable."},
                }
            ]
        return self._event({"statuses": [item]})

    def message_event(self, sender: str, text: str) -> dict:
        """A text the person at ``sender`` (digits) wrote to the business number."""
        return self._event(
            {
                "contacts": [{"profile": {"name": "Pembeli"}, "wa_id": sender}],
                "messages": [
                    {
                        "from": sender,
                        "id": _wamid(),
                        "timestamp": str(int(time.time())),
                        "type": "text",
                        "text": {"body": text},
                    }
                ],
            }
        )

    def signature(self, raw: bytes, secret: str | None = None) -> str:
        key = (self.app_secret if secret is None else secret).encode()
        return "sha256=" + hmac.new(key, raw, hashlib.sha256).hexdigest()

    def headers(self, raw: bytes, secret: str | None = None) -> dict:
        return {"Content-Type": "application/json", "X-Hub-Signature-256": self.signature(raw, secret)}

    def send(self, event: dict, secret: str | None = None) -> int:
        """POST ``event`` to ``webhook_url`` signed as Meta does (with ``secret`` to sign it wrongly)."""
        raw = json.dumps(event).encode()
        request = urllib.request.Request(
            self.webhook_url or "", data=raw, method="POST", headers=self.headers(raw, secret)
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0
