"""Live rates: one POST /v1/rates/couriers per parcel, all parcels at once in a thread pool,
answers cached by request for BITESHIP_CACHE_SECONDS.

The threads only send HTTP and parse JSON: the request bodies, the config and the cache are
read in the caller's thread, so no thread touches the database or the app context.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor, wait

from marketplace.shipping import couriers
from marketplace.shipping.quotes import LIVE, Parcel, Rate, RatesUnavailable

from .api import COURIER_CODES, BiteshipError, Connection, call

log = logging.getLogger(__name__)

SOURCE = "biteship"
MAX_THREADS = 16
_pool = ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix="biteship-rates")


def request_body(parcel: Parcel) -> dict | None:
    """The rates request of a parcel, or None when Biteship cannot quote it (no postal codes, or
    none of its couriers is one Biteship serves)."""
    wanted = [c for c in parcel.couriers if c in COURIER_CODES]
    if not wanted or not parcel.origin_postal_code or not parcel.destination_postal_code:
        return None
    items = [
        {
            "name": item.name[:100],
            "value": item.value,
            "quantity": item.quantity,
            "weight": item.weight_grams,
            **{
                k: v for k, v in (("length", item.length_cm), ("width", item.width_cm), ("height", item.height_cm)) if v
            },
        }
        for item in parcel.items
    ] or [{"name": parcel.key, "value": parcel.value, "quantity": 1, "weight": max(parcel.weight_grams, 1)}]
    return {
        "origin_postal_code": int(parcel.origin_postal_code),
        "destination_postal_code": int(parcel.destination_postal_code),
        "couriers": ",".join(wanted),
        "items": items,
    }


def cache_key(body: dict) -> str:
    return "apik:biteship:rates:" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _days(pricing: dict) -> tuple[int, int]:
    """shipment_duration_range "1 - 2" in shipment_duration_unit "days" (or "hours": same day)."""
    numbers = [int(n) for n in re.findall(r"\d+", str(pricing.get("shipment_duration_range") or ""))]
    if not numbers:
        numbers = [int(n) for n in re.findall(r"\d+", str(pricing.get("duration") or ""))] or [0]
    unit = str(pricing.get("shipment_duration_unit") or pricing.get("duration") or "days").lower()
    if "hour" in unit or "jam" in unit:
        return 0, 1 if max(numbers) > 0 else 0
    return min(numbers), max(numbers)


def parse_pricing(answer: dict, parcel: Parcel) -> list[Rate]:
    """Our rates from Biteship's ``pricing[]``, only for the parcel's couriers."""
    rates = []
    for pricing in answer.get("pricing") or []:
        code = str(pricing.get("courier_code") or pricing.get("company") or "").lower()
        service = str(pricing.get("courier_service_code") or pricing.get("type") or "").lower()
        courier = couriers.get(code)
        if courier is None or code not in parcel.couriers or not service:
            continue
        try:
            price = int(round(float(pricing["price"])))
        except (KeyError, TypeError, ValueError):
            continue
        low, high = _days(pricing)
        label = courier.services.get(service) or pricing.get("courier_service_name") or service.upper()
        rates.append(Rate(parcel.key, code, service, f"{courier.name} {label}", price, low, high, SOURCE, LIVE))
    return rates


def _fetch(conn: Connection, body: dict, deadline: float) -> dict:
    return call(conn, "POST", "/v1/rates/couriers", body, timeout=deadline - time.monotonic())


def quote(parcels: list[Parcel], conn: Connection, cache) -> list[Rate]:
    """Live rates of every parcel Biteship can quote. RatesUnavailable when none of the parcels
    asked got an answer within ``conn.timeout`` seconds in all; the parcels that did are kept
    when only some failed (the table answers for the others)."""
    bodies = {p.key: body for p in parcels if (body := request_body(p)) is not None}
    if not bodies:
        return []
    answers = {key: found for key, body in bodies.items() if (found := cache.get(cache_key(body))) is not None}
    missing = {key: body for key, body in bodies.items() if key not in answers}
    failures = _fetch_all(conn, missing, answers)
    for key in missing:
        if key in answers:
            cache.set(cache_key(missing[key]), answers[key])
    if failures and not answers:
        raise RatesUnavailable("; ".join(failures))
    if failures:
        log.warning("biteship: some parcels got no live rates: %s", "; ".join(failures))
    by_key = {p.key: p for p in parcels}
    return [rate for key, answer in answers.items() for rate in parse_pricing(answer, by_key[key])]


def _fetch_all(conn: Connection, missing: dict[str, dict], answers: dict[str, dict]) -> list[str]:
    """Fetch every missing body in parallel into ``answers``; the failures, as messages."""
    if not missing:
        return []
    deadline = time.monotonic() + conn.timeout
    futures = {_pool.submit(_fetch, conn, body, deadline): key for key, body in missing.items()}
    # each call times itself out at the deadline; the margin lets a timed-out call report itself
    done, pending = wait(futures, timeout=conn.timeout + 0.1)
    failures = []
    for future in pending:
        future.cancel()
        failures.append(f"{futures[future]}: no answer within {conn.timeout:.1f} s")
    for future in done:
        try:
            answers[futures[future]] = future.result()
        except BiteshipError as exc:
            failures.append(f"{futures[future]}: {exc}")
    return failures
