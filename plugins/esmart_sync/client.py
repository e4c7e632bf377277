"""The E-Smart HTTP edge: every call has a timeout; 429 and 5xx answers (and
dropped connections) are retried with exponential backoff, honouring
Retry-After, within a capped total wait; 401/403 is a wrong API key.

Errors become ``EsmartError`` (or ``EsmartAuthError``) with a message an
agency officer can act on; nothing here touches the database.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests

from marketplace.i18n import gettext as _
from marketplace.inputs import digits

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}


class EsmartError(Exception):
    """A call to E-Smart failed; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EsmartAuthError(EsmartError):
    """E-Smart refused the API key."""


class PhotoError(Exception):
    """A photo that could not be fetched; the product is imported without it."""


def retry_after_seconds(value: str | None, clock: Callable[[], datetime] | None = None) -> float | None:
    """Retry-After as seconds: "120" or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if digits(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = (clock or (lambda: datetime.now(UTC)))()
    return max(0.0, (when - now).total_seconds())


class EsmartClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout=(5, 30),
        max_attempts: int = 5,
        backoff: float = 1.0,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.http = session or requests.Session()
        self.waited = 0.0  # total seconds slept in retries, for the run report and tests

    # --- plumbing ---------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """The answer to one call, after retries; EsmartError when it never succeeds."""
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json", **kwargs.pop("headers", {})}
        url = self.base_url + path
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self.http.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                problem, response = _("E-Smart tidak dapat dihubungi (%(e)s).", e=type(exc).__name__), None
            else:
                if response.status_code not in RETRY_STATUSES:
                    return self._checked(response)
                problem = _("E-Smart menjawab %(s)d.", s=response.status_code)
            self._wait_before_retry(attempt, response, problem)
        raise AssertionError("unreachable")

    def _wait_before_retry(self, attempt: int, response, problem: str) -> None:
        delay = self.backoff * (2 ** (attempt - 1))
        if response is not None:
            hinted = retry_after_seconds(response.headers.get("Retry-After"))
            delay = hinted if hinted is not None else delay
        if attempt >= self.max_attempts or self.waited + delay > self.max_wait:
            raise EsmartError(_("%(p)s Gagal setelah %(n)d percobaan.", p=problem, n=attempt))
        log.info("esmart: %s retrying in %.1fs (attempt %d)", problem, delay, attempt)
        self.waited += delay
        self.sleep(delay)

    def _checked(self, response: requests.Response) -> requests.Response:
        if response.status_code in (401, 403):
            raise EsmartAuthError(
                _("E-Smart menolak kunci API (%(s)d). Periksa ESMART_API_KEY.", s=response.status_code)
            )
        if response.status_code >= 400:
            raise EsmartError(
                _("E-Smart menjawab %(s)d untuk %(p)s.", s=response.status_code, p=urlsplit(response.url).path)
            )
        return response

    @staticmethod
    def _json(response: requests.Response):
        try:
            return json.loads(response.content.decode("utf-8", errors="surrogateescape"))
        except ValueError as exc:
            raise EsmartError(_("Jawaban E-Smart bukan JSON yang valid.")) from exc

    # --- the exchange of ESMART.md ------------------------------------------------

    def iter_pages(self, updated_since: datetime | None, per_page: int = 100) -> Iterator[list]:
        """The IKM records changed since ``updated_since``, one page at a time."""
        page = 1
        while True:
            params = {"page": page, "per_page": per_page}
            if updated_since is not None:
                params["updated_since"] = _jakarta_iso(updated_since)
            body = self._json(self.request("GET", "/ikm", params=params))
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise EsmartError(_('Jawaban E-Smart tidak berisi larik "data".'))
            data, meta = body["data"], body.get("meta") or {}
            yield data
            if _last_page(page, per_page, len(data), meta):
                return
            page += 1

    def create_product(self, ikm_id: str, payload: dict, idempotency_key: str | None = None) -> str:
        """POST a product the directory does not know yet; its new id."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        body = self._json(self.request("POST", f"/ikm/{ikm_id}/produk", json=payload, headers=headers))
        if not isinstance(body, dict) or not body.get("id"):
            raise EsmartError(_("E-Smart tidak mengembalikan id produk."))
        return str(body["id"])

    def update_product(self, product_id: str, payload: dict) -> None:
        self.request("PUT", f"/produk/{product_id}", json=payload)


def _last_page(page: int, asked: int, got: int, meta: dict) -> bool:
    """The server may give fewer per page than asked: its meta.per_page counts."""
    total = meta.get("total") if isinstance(meta.get("total"), int) else None
    size = meta.get("per_page") if isinstance(meta.get("per_page"), int) and meta["per_page"] > 0 else asked
    if got == 0:
        return True
    return page * size >= total if total is not None else got < size


def _jakarta_iso(value: datetime) -> str:
    from marketplace.clock import to_jakarta

    return to_jakarta(value).isoformat(timespec="seconds")


# --- photos ------------------------------------------------------------------------


class PhotoFetcher:
    """Downloads foto URLs: a timeout, a size cap while streaming, image types only,
    and (unless allowed) no addresses inside the server's own network."""

    def __init__(
        self,
        *,
        max_bytes: int = 5 * 1024 * 1024,
        timeout=(5, 20),
        allow_private: bool = False,
        trusted_hosts: tuple[str, ...] = (),
        session: requests.Session | None = None,
    ):
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.allow_private = allow_private
        self.trusted_hosts = {h.lower() for h in trusted_hosts if h}
        self.http = session or requests.Session()

    MAX_REDIRECTS = 3

    def fetch(self, url: str) -> bytes:
        """The photo's bytes; PhotoError with the reason otherwise. Redirects are
        followed by hand so every hop's host is checked."""
        for _hop in range(self.MAX_REDIRECTS + 1):
            self._check_host(url)
            try:
                with self.http.get(url, stream=True, timeout=self.timeout, allow_redirects=False) as response:
                    if response.is_redirect and response.headers.get("Location"):
                        url = requests.compat.urljoin(url, response.headers["Location"])
                        continue
                    return self._body(response)
            except requests.RequestException as exc:
                raise PhotoError(_("Foto tidak dapat diunduh (%(e)s).", e=type(exc).__name__)) from exc
        raise PhotoError(_("Foto tidak dapat diunduh (terlalu banyak pengalihan)."))

    def _body(self, response) -> bytes:
        if response.status_code != 200:
            raise PhotoError(_("Foto tidak dapat diunduh (HTTP %(s)d).", s=response.status_code))
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind and not kind.startswith("image/"):
            raise PhotoError(_("Alamat foto tidak berisi gambar (%(t)s).", t=kind[:60]))
        return self._read_capped(response)

    def _read_capped(self, response) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise PhotoError(self._too_big())
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > self.max_bytes:
                raise PhotoError(self._too_big())
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_big(self) -> str:
        return _("Foto lebih besar dari %(n)d MB.", n=self.max_bytes // (1024 * 1024))

    def _check_host(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        if not host:
            raise PhotoError(_("Alamat foto tidak valid."))
        if self.allow_private or host in self.trusted_hosts:
            return
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
        except (socket.gaierror, UnicodeError) as exc:
            raise PhotoError(_("Nama host foto tidak dikenal: %(h)s", h=host)) from exc
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
                raise PhotoError(_("Alamat foto menunjuk ke jaringan internal; ditolak."))
