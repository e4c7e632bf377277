"""The edge to Biteship's HTTP API (https://biteship.com/docs/api): every call goes through
:func:`call`, which turns a refusal (4xx/5xx with Biteship's error JSON), a timeout or an
unreachable host into :class:`BiteshipError`. Nothing here touches the database or Flask's
proxies, so the rate calls can run in worker threads."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests

log = logging.getLogger(__name__)

# our courier codes (marketplace.shipping.couriers) are Biteship's own
COURIER_CODES = ("gojek", "grab", "jne", "jnt", "sicepat", "anteraja", "pos")


class BiteshipError(Exception):
    """A call that did not give an answer: ``status`` 0 for a timeout or an unreachable host."""

    def __init__(self, message: str, status: int = 0, code: object = None):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Connection:
    """What a call needs, read from the app's config before any thread starts."""

    base_url: str
    api_key: str
    timeout: float

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


# pooled keep-alive connections, as many as rate threads (requests' Session is safe for these calls)
_session = requests.Session()
_session.mount("https://", requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16))
_session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16))


def call(conn: Connection, method: str, path: str, body: dict | None = None, timeout: float | None = None) -> dict:
    """Biteship's JSON answer to one call. :raise BiteshipError: refused, timed out, unreachable"""
    seconds = max(timeout if timeout is not None else conn.timeout, 0.05)
    try:
        response = _session.request(
            method,
            conn.url(path),
            json=body,
            headers={"Authorization": conn.api_key, "Content-Type": "application/json"},
            timeout=(min(seconds, 2.0), seconds),
        )
    except requests.Timeout as exc:
        raise BiteshipError(f"Biteship {method} {path}: timed out after {seconds:.1f} s") from exc
    except requests.RequestException as exc:
        raise BiteshipError(f"Biteship {method} {path}: unreachable ({type(exc).__name__})") from exc
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code >= 400 or not isinstance(answer, dict) or answer.get("success") is False:
        error = answer.get("error") if isinstance(answer, dict) else None
        code = answer.get("code") if isinstance(answer, dict) else None
        raise BiteshipError(
            f"Biteship {method} {path}: {response.status_code} {error or response.reason}", response.status_code, code
        )
    return answer
