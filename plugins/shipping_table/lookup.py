"""Quoting parcels from the table: one query for every parcel of a call, then the most
specific row per courier and service.

Which row answers a parcel for one courier and service: the store's own rows before the
marketplace's, then the most specific destination (district, regency, province), then the
most specific origin (a named origin before "any origin").
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from marketplace.extensions import db
from marketplace.shipping import couriers
from marketplace.shipping.quotes import TABLE, Parcel, Rate

from .models import TableRate

SOURCE = "shipping_table"
DEFAULT_TOLERANCE_GRAMS = 300


def prefixes(code: str | None) -> list[str]:
    """ "33.76.01" → ["33", "33.76", "33.76.01"]: the province, regency and district it lies in."""
    parts = (code or "").strip().split(".")
    return [".".join(parts[: n + 1]) for n in range(len(parts)) if parts[n]]


def billable_kg(weight_grams: int, tolerance_grams: int = DEFAULT_TOLERANCE_GRAMS) -> int:
    """Kilograms a courier charges: whole kilograms, the next one counted only beyond the
    tolerance (300 g: 1.3 kg → 1, 1.31 kg → 2); never less than one."""
    whole, rest = divmod(max(int(weight_grams), 0), 1000)
    if rest > tolerance_grams:
        whole += 1
    return max(whole, 1)


def price_for(row: TableRate, kg: int) -> int:
    return row.first_kg + (kg - 1) * row.next_kg


def _rank(row: TableRate, parcel: Parcel) -> tuple[int, int, int]:
    own = 1 if row.store_id == parcel.store_id else 0
    origin = len(prefixes(row.origin_code)) if row.origin_code else 0
    return (own, len(prefixes(row.destination_code)), origin)


def _matches(row: TableRate, parcel: Parcel) -> bool:
    return (
        row.courier in parcel.couriers
        and row.store_id in (None, parcel.store_id)
        and row.destination_code in prefixes(parcel.destination)
        and (row.origin_code is None or row.origin_code in prefixes(parcel.origin))
    )


def candidate_rows(parcels: list[Parcel]) -> list[TableRate]:
    """Every row that may answer one of ``parcels``: one SELECT for all of them."""
    wanted = [p for p in parcels if p.couriers and p.destination]
    if not wanted:
        return []
    store_ids = {p.store_id for p in wanted}
    codes = {c for p in wanted for c in prefixes(p.destination)}
    origins = {c for p in wanted for c in prefixes(p.origin)}
    courier_codes = {c for p in wanted for c in p.couriers}
    query = select(TableRate).where(
        or_(TableRate.store_id.is_(None), TableRate.store_id.in_(store_ids)),
        TableRate.courier.in_(courier_codes),
        TableRate.destination_code.in_(codes),
        or_(TableRate.origin_code.is_(None), TableRate.origin_code.in_(origins or {""})),
    )
    return list(db.session.scalars(query))


def best_rows(rows: Iterable[TableRate], parcel: Parcel) -> dict[tuple[str, str], TableRate]:
    best: dict[tuple[str, str], TableRate] = {}
    for row in rows:
        if not _matches(row, parcel):
            continue
        key = (row.courier, row.service)
        if key not in best or _rank(row, parcel) > _rank(best[key], parcel):
            best[key] = row
    return best


def service_name(courier: str, service: str) -> str:
    found = couriers.get(courier)
    if found is None:
        return f"{courier} {service}".upper()
    return f"{found.name} {found.services.get(service, service.upper())}"


def quote(parcels: list[Parcel], tolerance_grams: int = DEFAULT_TOLERANCE_GRAMS) -> list[Rate]:
    """The table's rates for every parcel it covers, in one query."""
    rows = candidate_rows(parcels)
    rates = []
    for parcel in parcels:
        kg = billable_kg(parcel.weight_grams, tolerance_grams)
        for (courier, service), row in sorted(best_rows(rows, parcel).items()):
            rates.append(
                Rate(
                    parcel_key=parcel.key,
                    courier=courier,
                    service=service,
                    service_name=service_name(courier, service),
                    price=price_for(row, kg),
                    etd_min_days=row.etd_min_days,
                    etd_max_days=row.etd_max_days,
                    source=SOURCE,
                    kind=TABLE,
                )
            )
    return rates
