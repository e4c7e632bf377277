"""A fake Biteship API on 127.0.0.1, in a thread, speaking the documented shapes
(https://biteship.com/docs/api): ``POST /v1/rates/couriers``, ``POST /v1/orders``,
``GET /v1/trackings/<id>`` and ``GET /v1/trackings/<waybill>/couriers/<courier>``.

Requests need ``Authorization: <api key>`` (else 401 with Biteship's error JSON). Every
request is recorded; ``in_flight`` / ``max_in_flight`` count calls being answered at the
same time (how tests see that parcels are quoted in parallel). Modes: ``latency`` (seconds
each answer waits), ``down`` (500 with error JSON), ``slow`` (answers after 3.5 s),
``fail(status, times)`` scripts refusals. ``send(event)`` posts a webhook to ``webhook_url``
with the secret header, as configured in Biteship's dashboard.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.fakes import FakeServer

SERVICES = {  # courier → (service code, name, price per kg, duration range)
    "jne": [("reg", "Reguler", 12000, "1 - 2"), ("yes", "Yakin Esok Sampai", 21000, "1 - 1")],
    "jnt": [("ez", "EZ", 11500, "2 - 3")],
    "sicepat": [("reg", "Reguler", 11000, "1 - 2"), ("best", "Besok Sampai Tujuan", 19000, "1 - 1")],
    "anteraja": [("reg", "Regular", 11000, "2 - 3")],
    "pos": [("reg", "Pos Reguler", 12500, "2 - 4")],
    "tiki": [("reg", "Reguler", 12000, "2 - 3")],
}
_ids = itertools.count(1)


@dataclass
class Recorded:
    method: str
    path: str
    body: dict
    authorization: str | None


@dataclass
class FakeBiteship(FakeServer):
    api_key: str = "biteship_test.fake-key"
    webhook_url: str | None = None
    webhook_header: str = "X-Biteship-Signature"
    webhook_secret: str = "whk-secret"
    latency: float = 0.0
    down: bool = False
    slow: bool = False
    requests: list[Recorded] = field(default_factory=list)
    orders: dict[str, dict] = field(default_factory=dict)
    history: dict[str, list[dict]] = field(default_factory=dict)  # waybill → tracking history
    in_flight: int = 0
    max_in_flight: int = 0
    _failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, status: int = 400, times: int = 1) -> None:
        self._failures.extend([status] * times)

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    def start(self) -> FakeBiteship:
        return self._serve(http11=True)

    # --- webhooks ----------------------------------------------------------------------------
    def send(self, event: dict, secret: str | None = None) -> int:
        headers = {"Content-Type": "application/json"}
        if secret != "":
            headers[self.webhook_header] = secret or self.webhook_secret
        request = urllib.request.Request(
            self.webhook_url, data=json.dumps(event).encode(), method="POST", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code

    # --- the API -----------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(h.path).path
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        with self._lock:
            self.requests.append(Recorded(method, path, body, h.headers.get("Authorization")))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            failure = self._failures.pop(0) if self._failures else None
        try:
            time.sleep(3.5 if self.slow else self.latency)
            if h.headers.get("Authorization") != self.api_key:
                return self._json(h, 401, _error("Authorization failed, please check your API key", 40100001))
            if self.down:
                return self._json(h, 500, _error("Internal server error", 50000001))
            if failure:
                return self._json(h, failure, _error("Failed to process request", 40001001))
            self._json(h, *self._route(method, path, body))
        finally:
            with self._lock:
                self.in_flight -= 1

    def _route(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        segments = path.strip("/").split("/")
        if method == "POST" and path == "/v1/rates/couriers":
            return self._rates(body)
        if method == "POST" and path == "/v1/orders":
            return self._order(body)
        if method == "GET" and segments[:2] == ["v1", "trackings"]:
            return self._tracking(segments[2:])
        return 404, _error(f"no route {method} {path}", 40400000)

    def _rates(self, body: dict) -> tuple[int, dict]:
        missing = [k for k in ("origin_postal_code", "destination_postal_code", "couriers", "items") if not body.get(k)]
        if missing:
            return 400, _error(f"{missing[0]} is required", 40001001)
        grams = sum(int(i["weight"]) * int(i.get("quantity", 1)) for i in body["items"])
        kg = max(1, -(-grams // 1000))
        pricing = []
        for code in str(body["couriers"]).split(","):
            for service, name, per_kg, days in SERVICES.get(code.strip(), []):
                pricing.append(
                    {
                        "available_collection_method": ["pickup"],
                        "available_for_cash_on_delivery": True,
                        "courier_name": code.upper(),
                        "courier_code": code,
                        "courier_service_name": name,
                        "courier_service_code": service,
                        "description": name,
                        "duration": f"{days} days",
                        "shipment_duration_range": days,
                        "shipment_duration_unit": "days",
                        "service_type": "standard",
                        "shipping_type": "parcel",
                        "price": per_kg * kg,
                        "type": service,
                    }
                )
        return 200, {
            "success": True,
            "object": "courier_pricing",
            "message": "Success to retrieve courier pricing",
            "code": 20001003,
            "origin": {"postal_code": body["origin_postal_code"]},
            "destination": {"postal_code": body["destination_postal_code"]},
            "pricing": pricing,
        }

    def _order(self, body: dict) -> tuple[int, dict]:
        for key in ("origin_postal_code", "destination_postal_code", "courier_company", "courier_type", "items"):
            if not body.get(key):
                return 400, _error(f"{key} is required", 40002001)
        n = next(_ids)
        oid = f"5dd599ebdefcd4158eb8470{n:03d}"
        waybill = f"CGK{n:010d}" if body["courier_company"] == "jne" else f"{n:012d}"
        order = {
            "success": True,
            "message": "Order successfully created",
            "object": "order",
            "id": oid,
            "reference_id": body.get("reference_id"),
            "courier": {
                "tracking_id": f"trk{n:05d}",
                "waybill_id": waybill,
                "company": body["courier_company"],
                "type": body["courier_type"],
                "link": None,
            },
            "price": 12000,
            "status": "confirmed",
            "request": body,
        }
        with self._lock:
            self.orders[oid] = order
            self.history[waybill] = [{"note": "Order confirmed", "status": "confirmed", "updated_at": _now()}]
        return 200, order

    def _tracking(self, rest: list[str]) -> tuple[int, dict]:
        if len(rest) == 3 and rest[1] == "couriers":
            waybill, courier = rest[0], rest[2]
        else:
            found = [o for o in self.orders.values() if o["courier"]["tracking_id"] == (rest[0] if rest else "")]
            if not found:
                return 404, _error("Tracking not found", 40400001)
            waybill, courier = found[0]["courier"]["waybill_id"], found[0]["courier"]["company"]
        history = self.history.get(waybill)
        if history is None:
            return 400, _error("Waybill not found", 40003001)
        return 200, {
            "success": True,
            "messsage": "Successfully get tracking info",
            "object": "tracking",
            "id": f"trk-{waybill}",
            "waybill_id": waybill,
            "courier": {"company": courier, "driver_name": None, "driver_phone": None},
            "origin": {"contact_name": "Toko", "address": "Tegal"},
            "destination": {"contact_name": "Pembeli", "address": "Jakarta"},
            "history": history,
            "link": f"https://track.example/{waybill}",
            "order_id": None,
            "status": max(history, key=lambda e: e["updated_at"])["status"],
        }

    @staticmethod
    def _json(h, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)


def _error(message: str, code: int) -> dict:
    return {"success": False, "error": message, "code": code}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
