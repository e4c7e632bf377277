"""A fake E-Smart IKM server (ESMART.md) on 127.0.0.1, in a thread.

- ``GET /ikm?page&per_page&updated_since`` pages through the IKM records,
  sorted by id, filtered by ``updated_at > updated_since``;
- ``PUT /produk/{id}`` and ``POST /ikm/{id}/produk`` (``Idempotency-Key``
  honoured) record the payloads and apply them to the records, so a later
  pull sees what was pushed;
- ``GET /foto/{name}`` serves test images (good, corrupt, not an image, too big); while
  ``photo_gate`` (a threading.Event) is set to one that is not set, photos wait for it: a slow
  photo server;
- every call but photos needs ``Authorization: Bearer <api_key>`` (401 otherwise);
- ``fail(status, times, ...)`` scripts faults: a 503 then success, a 429 with
  Retry-After, a connection reset.

A synthetic directory (``synthetic=(n_ikm, n_products)``) makes its records on
the fly from their index, so a 2,000 × 20 feed costs the server no memory:
``python -m tests.fakes.esmart_server --synthetic 2000x20 --port 0`` runs it
alone (the benchmark uses this, to measure the importer's memory only).
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

SECTORS = ("kuliner", "minuman-herbal", "fesyen", "kriya", "logam-furnitur", "kosmetik", "perhiasan")
EPOCH = "2026-11-01T08:00:00+07:00"


def parse_time(value: str) -> datetime:
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def image(fmt: str = "JPEG", size=(320, 240), color=(180, 90, 40)) -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def default_photos() -> dict[str, tuple[str, bytes]]:
    jpeg = image()
    return {
        "batik.jpg": ("image/jpeg", jpeg),
        "teh.png": ("image/png", image("PNG", color=(40, 120, 60))),
        "wajan.jpg": ("image/jpeg", image(color=(60, 60, 70))),
        "rusak.jpg": ("image/jpeg", jpeg[: len(jpeg) // 3]),
        "halaman.jpg": ("text/html; charset=utf-8", b"<html><body>Not found</body></html>"),
        "raksasa.jpg": ("image/jpeg", b"\xff\xd8" + b"\0" * (6 * 1024 * 1024)),
    }


def synthetic_record(index: int, n_products: int, photo_base: str | None = None) -> dict:
    """IKM number ``index`` (0-based) of a synthetic directory, always the same."""
    ikm_id = f"ESM-SYN-{index:06d}"
    sector = SECTORS[index % len(SECTORS)]
    return {
        "id": ikm_id,
        "nib": f"{9120000000000 + index}",
        "nama_usaha": f"IKM Sintetis {index:06d}",
        "pemilik": "Pemilik Uji",
        "kbli": "13134",
        "sektor": sector,
        "sentra": f"Sentra Uji {index % 40}",
        "alamat": f"Jl. Uji No. {index}",
        "kota": "Kota Tegal",
        "provinsi": "Jawa Tengah",
        "telepon": "0812-2345-6789",
        "email": f"ikm{index}@contoh.id",
        "updated_at": EPOCH,
        "produk": [
            {
                "id": f"ESP-SYN-{index:06d}-{j:02d}",
                "nama": f"Produk {j:02d} dari IKM {index:06d}",
                "deskripsi": "Produk buatan tangan IKM Kota Tegal. " * 4,
                "kategori": sector,
                "harga": 10000 + 500 * j,
                "satuan": "pcs",
                "stok": 10 + j,
                "berat_gram": 250,
                "foto": [f"{photo_base}/foto/batik.jpg"] if photo_base and j == 0 else [],
                "updated_at": EPOCH,
            }
            for j in range(n_products)
        ],
    }


@dataclass
class Fault:
    status: int
    method: str = "GET"
    path: str = "/ikm"
    times: int = 1
    headers: dict = field(default_factory=dict)
    page: int | None = None  # only this page of GET /ikm
    reset: bool = False  # drop the connection instead of answering


class FakeEsmart:
    def __init__(
        self,
        records: list[dict] | None = None,
        api_key: str = "kunci-uji",
        synthetic: tuple[int, int] | None = None,
        synthetic_photos: bool = False,
        port: int = 0,
    ):
        self.records = {r["id"]: copy.deepcopy(r) for r in records or []}
        self.synthetic = synthetic
        self.synthetic_photos = synthetic_photos
        self.api_key = api_key
        self.faults: list[Fault] = []
        self.calls: list[tuple[str, str]] = []  # (method, path with query)
        self.pushed: list[tuple[str, str, dict]] = []  # (method, product or IKM id, payload)
        self.photos = default_photos()
        self.redirects = {"pindah.jpg": "/foto/batik.jpg", "putar.jpg": "/foto/putar.jpg"}
        self.max_per_page = 500
        self.photo_gate: threading.Event | None = None  # photos wait for it: a slow photo server
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self._idempotency: dict[str, str] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeEsmart:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="fake-esmart")
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def fail(self, status: int, times: int = 1, **kw) -> None:
        self.faults.append(Fault(status, times=times, **kw))

    def calls_to(self, method: str, prefix: str) -> list[str]:
        return [p for m, p in self.calls if m == method and p.startswith(prefix)]

    # --- data -------------------------------------------------------------------------

    def touch(self, ikm_id: str, when: str, **changes) -> None:
        """Change an IKM record as the directory would, with its new updated_at."""
        with self.lock:
            self.records[ikm_id].update(changes, updated_at=when)

    def _listing(self, since: datetime | None) -> tuple[int, callable]:
        if self.synthetic:
            n_ikm, n_products = self.synthetic
            base = self.url if self.synthetic_photos else None
            return n_ikm, lambda i: synthetic_record(i, n_products, base)
        with self.lock:
            rows = sorted(self.records.values(), key=lambda r: r["id"])
            if since is not None:
                rows = [r for r in rows if parse_time(r.get("updated_at") or EPOCH) > since]
            rows = copy.deepcopy(rows)
        return len(rows), rows.__getitem__

    def page(self, page: int, per_page: int, since: datetime | None) -> dict:
        total, get = self._listing(since)
        start = (page - 1) * per_page
        return {
            "data": [get(i) for i in range(start, min(start + per_page, total))],
            "meta": {"page": page, "per_page": per_page, "total": total},
        }

    def put_product(self, product_id: str, payload: dict) -> bool:
        with self.lock:
            for record in self.records.values():
                for item in record.get("produk") or []:
                    if item.get("id") == product_id:
                        item.update(payload)
                        self.pushed.append(("PUT", product_id, payload))
                        return True
        return False

    def post_product(self, ikm_id: str, payload: dict, key: str | None) -> str | None:
        with self.lock:
            if ikm_id not in self.records:
                return None
            if key and key in self._idempotency:
                return self._idempotency[key]
            new_id = f"ESP-NEW-{next(self._ids):05d}"
            self.records[ikm_id].setdefault("produk", []).append({"id": new_id, **payload})
            self.pushed.append(("POST", ikm_id, payload))
            if key:
                self._idempotency[key] = new_id
            return new_id

    def take_fault(self, method: str, path: str, page: int | None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if (
                    fault.times > 0
                    and fault.method == method
                    and path.startswith(fault.path)
                    and (fault.page is None or fault.page == page)
                ):
                    fault.times -= 1
                    return fault
        return None


def _handler(fake: FakeEsmart):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(
            self, status: int, body: bytes = b"", content_type: str = "application/json", headers: dict | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, str(value))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (a photo over its size limit)

        def _json(self, status: int, body, headers: dict | None = None) -> None:
            self._send(status, json.dumps(body, ensure_ascii=False).encode(), headers=headers)

        def _guard(self, method: str, path: str, query: dict) -> bool:
            """Auth and scripted faults; True when the request was answered here."""
            fake.calls.append((method, self.path))
            if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                self._json(401, {"message": "kunci API tidak valid"})
                return True
            page = int(query.get("page", ["1"])[0]) if path == "/ikm" else None
            fault = fake.take_fault(method, path, page)
            if fault is None:
                return False
            if fault.reset:
                self.close_connection = True
                self.connection.close()
                return True
            self._json(fault.status, {"message": "gangguan terjadwal"}, fault.headers)
            return True

        def do_GET(self):
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path.startswith("/foto/"):
                return self._photo(parts.path[len("/foto/") :])
            if self._guard("GET", parts.path, query):
                return None
            if parts.path != "/ikm":
                return self._json(404, {"message": "tidak ada"})
            page = int(query.get("page", ["1"])[0])
            per_page = min(int(query.get("per_page", ["100"])[0]), fake.max_per_page)
            since = parse_time(query["updated_since"][0]) if "updated_since" in query else None
            return self._json(200, fake.page(page, per_page, since))

        def _photo(self, name: str):
            fake.calls.append(("GET", self.path))
            if fake.photo_gate is not None:
                fake.photo_gate.wait(30)
            if name in fake.redirects:
                return self._send(302, b"", "text/plain", {"Location": fake.redirects[name]})
            if name not in fake.photos:
                return self._send(404, b"", "text/plain")
            content_type, body = fake.photos[name]
            return self._send(200, body, content_type)

        def _payload(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def do_PUT(self):
            path = urlsplit(self.path).path
            if self._guard("PUT", path, {}):
                return None
            product_id = path.rsplit("/", 1)[-1]
            if not path.startswith("/produk/") or not fake.put_product(product_id, self._payload()):
                return self._json(404, {"message": "produk tidak dikenal"})
            return self._json(200, {"id": product_id})

        def do_POST(self):
            path = urlsplit(self.path).path
            if self._guard("POST", path, {}):
                return None
            bits = path.strip("/").split("/")
            if len(bits) != 3 or bits[0] != "ikm" or bits[2] != "produk":
                return self._json(404, {"message": "tidak ada"})
            new_id = fake.post_product(bits[1], self._payload(), self.headers.get("Idempotency-Key"))
            if new_id is None:
                return self._json(404, {"message": "IKM tidak dikenal"})
            return self._json(201, {"id": new_id})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", default="2000x20", help="IKMxPRODUCTS, e.g. 2000x20")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default="kunci-uji")
    parser.add_argument("--photos", action="store_true", help="the first product of each IKM has a photo")
    args = parser.parse_args()
    n_ikm, n_products = (int(x) for x in args.synthetic.lower().split("x"))
    fake = FakeEsmart(api_key=args.api_key, synthetic=(n_ikm, n_products), synthetic_photos=args.photos, port=args.port)
    print(fake.url, flush=True)
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
