"""The beacons of the expo-opening load (bench/expo_load.py): what a page's script sends, and the count.

Every view of the expo hall, a storefront or booth, or a product page also sends the beacon the
page's script would send (``POST /beacon``, form fields ``k`` kind, ``e`` expo slug, ``s`` store
slug, ``p`` product id), read from the page's ``<meta name="apik-beacon" content=...>`` when the
page declares one, else from the contract of issue #22; some visitors tap WhatsApp on a store page
(a ``whatsapp`` beacon). Each session is a new person: its own User-Agent and its own address in
``X-Forwarded-For`` (the bench's gunicorn runs with ``TRUSTED_PROXIES=1``, so the app takes the
address from there), so 1,000 visitors are 1,000 distinct visitors to the daily-salted hash.

The client counts beacons sent and 204s received per (day, kind, expo, store, product) and the
distinct visitors behind them; after the run (gunicorn stopped gracefully, its workers flushing
their buffers, then the roll-up) :func:`reconcile_beacons` compares them with ``visit_daily``:
lost % = 1 − counted / accepted, summed per key (day, kind, expo_id, store_id).

Imports nothing of the app: the reconciliation reads the database with plain SQL.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

BEACON_KINDS = ("hall", "booth", "product", "whatsapp")
# the page type of expo_load.py -> the beacon kind its script sends when the page declares none
FALLBACK_KIND = {"expo": "hall", "store": "booth", "booth": "booth", "product": "product"}
WHATSAPP_TAP = 0.1  # share of page views with a WhatsApp button after which the visitor taps it
WIB = timezone(timedelta(hours=7))  # the Jakarta day (no daylight saving) the tallies are kept by
LOST_LIMIT_PCT = 0.1
P95_LIMIT = 1.10
# page types whose p95 must stay within P95_LIMIT of the run without beacons (HTML pages a visitor waits for)
PAGE_TYPES = ("home", "expo", "store", "booth", "product", "search-common", "search-rare", "search-miss")

_META = re.compile(rb"<meta\b[^>]*\bname=[\"']apik-beacon[\"'][^>]*>", re.IGNORECASE)
_CONTENT = re.compile(rb"\bcontent=(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
_WHATSAPP = re.compile(rb"<a\b[^>]*\bdata-beacon=[\"']whatsapp[\"'][^>]*>", re.IGNORECASE)
_DATA = re.compile(rb"\bdata-(store|expo)=[\"']([^\"']*)[\"']", re.IGNORECASE)
_SCRIPT = b"js/beacon.js"  # the page carries the beacon script: it sends what the page declares, or nothing


def identity(n: int) -> dict[str, str]:
    """The headers of visitor number n (0 ≤ n < 2**24): a phone browser's User-Agent of its own
    and an address of its own in 10.0.0.0/8, sent as X-Forwarded-For."""
    n += 1
    address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
    agent = (
        f"Mozilla/5.0 (Linux; Android {10 + n % 5}; Pengunjung {n}) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/124.0.{n // 1000}.{n % 1000} Mobile Safari/537.36"
    )
    return {"User-Agent": agent, "X-Forwarded-For": address}


def page_beacon(body: bytes) -> dict[str, str] | None:
    """The fields of the page's ``<meta name="apik-beacon" content=...>``: JSON or a query string."""
    tag = _META.search(body)
    if not tag:
        return None
    m = _CONTENT.search(tag.group(0))
    if not m:
        return None
    content = html.unescape((m.group(1) if m.group(1) is not None else m.group(2)).decode("utf-8", "replace"))
    try:
        data = json.loads(content) if content.lstrip().startswith("{") else dict(parse_qsl(content))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    fields = {k: str(data[k]) for k in ("k", "e", "s", "p") if data.get(k) not in (None, "")}
    return fields if fields.get("k") in BEACON_KINDS else None


def page_whatsapp(body: bytes) -> dict[str, str] | None:
    """The fields of the WhatsApp tap on the page's first ``data-beacon="whatsapp"`` link."""
    link = _WHATSAPP.search(body)
    if not link:
        return None
    data = {
        m.group(1).decode().lower(): html.unescape(m.group(2).decode("utf-8", "replace"))
        for m in _DATA.finditer(link.group(0))
    }
    tap = {"k": "whatsapp", "s": data.get("store", ""), "e": data.get("expo", "")}
    return {k: v for k, v in tap.items() if v}


def fallback_beacon(page: str, expo: str, path: str, product_store: dict | None = None) -> dict[str, str] | None:
    """What issue #22's contract says a page sends, for a page without the beacon script."""
    kind = FALLBACK_KIND.get(page)
    if kind is None:
        return None
    parts = path.split("?")[0].strip("/").split("/")
    if kind == "hall":
        return {"k": "hall", "e": expo}
    if kind == "booth":  # /stores/<slug> of an exhibitor, or /expo/<slug>/booths/<booth>
        return {"k": "booth", "e": expo, "s": parts[-1]}
    store = (product_store or {}).get(parts[-1])
    return {"k": "product", "p": parts[-1], **({"s": store} if store else {})}


class BeaconLog:
    """One client process's beacons: sent and 204 per (day, kind, expo, store, product), the
    visitors behind the 204s, statuses and the first non-204 answers."""

    def __init__(self) -> None:
        self.sent: Counter = Counter()
        self.accepted: Counter = Counter()
        self.visitors: dict[tuple, set[int]] = defaultdict(set)
        self.statuses: Counter = Counter()
        self.samples: list[dict] = []
        self.from_page: Counter = Counter()  # beacons read from the page's meta vs from the contract
        self.lock = threading.Lock()

    def record(self, fields: dict[str, str], visitor: int, status: int, body: bytes, declared: bool) -> None:
        key = (
            datetime.now(WIB).date().isoformat(),
            fields["k"],
            fields.get("e", ""),
            fields.get("s", ""),
            fields.get("p", ""),
        )
        with self.lock:
            self.sent[key] += 1
            self.statuses[str(status)] += 1
            self.from_page["page" if declared else "contract"] += 1
            if status == 204:
                self.accepted[key] += 1
                self.visitors[key].add(visitor)
            elif len(self.samples) < 20:
                self.samples.append({"fields": fields, "status": status, "body": body[:300].decode("utf-8", "replace")})

    def as_dict(self) -> dict:
        return {
            "rows": [[*k, self.sent[k], self.accepted[k], sorted(self.visitors.get(k, ()))] for k in self.sent],
            "statuses": dict(self.statuses),
            "samples": self.samples,
            "from_page": dict(self.from_page),
        }


def send(conn, log: BeaconLog, fields: dict[str, str], visitor: int, declared: bool, stats) -> int:
    """POST /beacon as navigator.sendBeacon would (a form, no cookie); timed as request type "beacon"."""
    body = urlencode(fields).encode()
    status, answer, elapsed = conn.request(
        "POST", "/beacon", body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"}
    )
    stats.record("beacon", status, answer, elapsed, "/beacon?" + body.decode())
    log.record(fields, visitor, status, answer, declared)
    return status


def after_view(conn, log: BeaconLog, stats, rng, plan: dict, page: str, path: str, body: bytes, visitor: int) -> None:
    """The beacon(s) a page view of type ``page`` sends once the page has loaded.

    A page with the beacon script sends what its meta declares (nothing without one) and a tap
    on its ``data-beacon="whatsapp"`` link; a page without the script (an app before issue #22)
    gets the contract's beacon instead, and a storefront's tap goes to its store."""
    scripted = _SCRIPT in body
    declared = page_beacon(body)
    if scripted:
        fields, tap = declared, page_whatsapp(body)
    else:
        fields = fallback_beacon(page, plan["expo_slug"], path, plan.get("product_store"))
        tap = {"k": "whatsapp", "e": fields["e"], "s": fields["s"]} if fields and fields["k"] == "booth" else None
    if fields is not None:
        send(conn, log, fields, visitor, scripted, stats)
    if tap is not None and rng.random() < WHATSAPP_TAP:
        send(conn, log, tap, visitor, scripted, stats)


def merge(parts: list[dict]) -> dict:
    """The client processes' logs as one (visitor numbers are distinct across processes)."""
    rows: dict[tuple, list] = {}
    statuses: Counter = Counter()
    from_page: Counter = Counter()
    samples: list[dict] = []
    for part in parts:
        for *key, sent, accepted, visitors in part["rows"]:
            row = rows.setdefault(tuple(key), [0, 0, set()])
            row[0] += sent
            row[1] += accepted
            row[2].update(visitors)
        statuses.update(part["statuses"])
        from_page.update(part["from_page"])
        samples += part["samples"]
    return {
        "rows": [[*k, s, a, sorted(v)] for k, (s, a, v) in rows.items()],
        "statuses": dict(statuses),
        "from_page": dict(from_page),
        "samples": samples[:20],
    }


# --- reconciliation ----------------------------------------------------------------------------


def compare_counts(accepted: dict, counted: dict) -> dict:
    """Per key, beacons the server accepted (204) against the hits the roll-up counted.

    lost = Σ max(0, accepted − counted) over the keys; lost % = 100 × lost / Σ accepted (so
    1 − counted/accepted when nothing is over-counted); a key counted more often than it was
    accepted is reported as ``over`` and does not make up for another key's loss."""
    keys = set(accepted) | set(counted)
    lost = sum(max(0, accepted.get(k, 0) - counted.get(k, 0)) for k in keys)
    over = sum(max(0, counted.get(k, 0) - accepted.get(k, 0)) for k in keys)
    total = sum(accepted.values())
    return {
        "accepted": total,
        "counted": sum(counted.values()),
        "lost": lost,
        "over": over,
        "lost_pct": round(100.0 * lost / total, 4) if total else 0.0,
        "keys": len(keys),
        "keys_short": sorted((list(k) for k in keys if counted.get(k, 0) < accepted.get(k, 0)), key=str)[:10],
        "keys_over": sorted((list(k) for k in keys if counted.get(k, 0) > accepted.get(k, 0)), key=str)[:10],
    }


def reconcile_beacons(database_url: str, beacons: dict, sqlalchemy_url) -> dict:
    """The client's 204s and visitors against ``visit_daily`` after the roll-up, per (day, kind,
    expo_id, store_id): a slug is the expo's or store's id, a product page without a store is
    its product's store, a thing that does not apply is 0 (as the tallies keep it)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as conn:
        expos = dict(conn.execute(text("SELECT slug, id FROM expos")).all())
        stores = dict(conn.execute(text("SELECT slug, id FROM stores")).all())
        product_store = {str(p): s for p, s in conn.execute(text("SELECT id, store_id FROM products")).all()}
        days = sorted({r[0] for r in beacons["rows"]})
        daily = conn.execute(text("SELECT day, kind, expo_id, store_id, hits, visitors FROM visit_daily")).all()
    engine.dispose()
    accepted: Counter = Counter()
    sent: Counter = Counter()
    visitors: dict[tuple, set[int]] = defaultdict(set)
    unknown = 0
    for day, kind, e, s, p, n_sent, n_accepted, ids in beacons["rows"]:
        expo_id = expos.get(e, 0) if e else 0
        store_id = stores.get(s, 0) if s else (product_store.get(p, 0) if kind == "product" and p else 0)
        if (e and e not in expos) or (s and s not in stores):
            unknown += n_accepted
        key = (day, kind, expo_id, store_id)
        sent[key] += n_sent
        accepted[key] += n_accepted
        visitors[key].update(ids)
    counted: Counter = Counter()
    unique: dict[tuple, int] = {}
    for day, kind, expo_id, store_id, hits, n_visitors in daily:
        day = day.isoformat() if hasattr(day, "isoformat") else str(day)[:10]
        if kind in BEACON_KINDS and day in days:
            key = (day, kind, int(expo_id), int(store_id))
            counted[key] += hits
            unique[key] = unique.get(key, 0) + n_visitors
    result = compare_counts(dict(accepted), dict(counted))
    by_kind = {}
    for kind in BEACON_KINDS:
        a = sum(v for k, v in accepted.items() if k[1] == kind)
        by_kind[kind] = {
            "sent": sum(v for k, v in sent.items() if k[1] == kind),
            "accepted": a,
            "counted": sum(v for k, v in counted.items() if k[1] == kind),
            "visitors_bench": sum(len(v) for k, v in visitors.items() if k[1] == kind),
            "visitors_counted": sum(v for k, v in unique.items() if k[1] == kind),
        }
    visitor_keys_differ = [
        [*k, len(v), unique.get(k, 0)] for k, v in sorted(visitors.items()) if len(v) != unique.get(k, 0)
    ]
    result.update(
        {
            "sent": sum(sent.values()),
            "by_kind": by_kind,
            "visitors_bench": sum(len(v) for v in visitors.values()),
            "visitors_counted": sum(unique.values()),
            "visitor_keys_differ": len(visitor_keys_differ),
            "visitor_keys_differ_sample": visitor_keys_differ[:10],
            "accepted_with_unknown_slug": unknown,
            "days": days,
        }
    )
    return result


def compare_p95(before: dict, after: dict) -> dict:
    """p95 per request type of a run with beacons against one without (both expo.json), per
    database; a page type (PAGE_TYPES) more than 10 % slower fails."""
    out: dict = {}
    for name, db in after.get("databases", {}).items():
        old = before.get("databases", {}).get(name) or {}
        if db.get("skipped") or db.get("error") or not old.get("summary"):
            continue
        rows = {}
        for kind, r in db["summary"]["by_type"].items():
            b = old["summary"]["by_type"].get(kind)
            if not b or not b["p95_ms"]:
                continue
            ratio = round(r["p95_ms"] / b["p95_ms"], 3)
            rows[kind] = {
                "before_p95_ms": b["p95_ms"],
                "after_p95_ms": r["p95_ms"],
                "before_p50_ms": b["p50_ms"],
                "after_p50_ms": r["p50_ms"],
                "ratio": ratio,
                "page": kind in PAGE_TYPES,
                "ok": kind not in PAGE_TYPES or ratio <= P95_LIMIT,
            }
        out[name] = {
            "rows": rows,
            "before_started": before.get("meta", {}).get("started"),
            "ok": all(r["ok"] for r in rows.values()),
        }
    return out


def markdown(db: dict, comparison: dict | None) -> list[str]:
    """The beacon and p95-comparison paragraphs of one database in expo.md."""
    lines: list[str] = [""]  # after the request table
    rec = db.get("beacons")
    if rec:
        if rec.get("error"):
            return [f"**Beacon reconciliation FAILED**: {rec['error']}", ""]
        lines += [
            f"Beacons: {rec['sent']} sent, {rec['accepted']} × 204, statuses {rec['statuses']}; after the "
            f"roll-up `visit_daily` counts {rec['counted']} — **lost {rec['lost']} ({rec['lost_pct']} %)**, "
            f"over-counted {rec['over']}, keys {rec['keys']} (days {', '.join(rec['days'])}). Read from the page's "
            f"meta / from the contract: {rec['from_page']}. Unique visitors: {rec['visitors_counted']} counted, "
            f"{rec['visitors_bench']} distinct visitor identities used (summed over keys; "
            f"{rec['visitor_keys_differ']} keys differ).",
            "",
            "| beacon | sent | 204 | counted | visitors (bench) | visitors (counted) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for kind, r in rec["by_kind"].items():
            lines.append(
                f"| {kind} | {r['sent']} | {r['accepted']} | {r['counted']} | {r['visitors_bench']} | "
                f"{r['visitors_counted']} |"
            )
        lines.append("")
        if rec.get("samples"):
            lines += ["Beacon errors (first few):", ""]
            lines += [f"- `{e['fields']}` → {e['status']}: `{e['body'][:160]}`" for e in rec["samples"][:6]]
            lines.append("")
    if comparison:
        lines += [
            f"p95 with beacons against without (run of {comparison['before_started']}; on a shared 2-core "
            f"machine only a back-to-back pair is a fair comparison):",
            "",
            "| request | p50 before | p50 now | p95 before | p95 now | ratio | |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for kind, r in comparison["rows"].items():
            mark = ("✅" if r["ok"] else "❌") if r["page"] else "(not a page)"
            lines.append(
                f"| {kind} | {r['before_p50_ms']} | {r['after_p50_ms']} | {r['before_p95_ms']} | "
                f"{r['after_p95_ms']} | {r['ratio']} | {mark} |"
            )
        lines.append("")
    return lines


def roll_up_and_reconcile(args, url: str, env: dict, load: dict, log_path) -> dict:
    """After gunicorn has stopped (its workers flushed their buffers): the app's roll-up
    (``flask visits rollup``), then the count against ``visit_daily``."""
    import run as R  # bench/run.py: imports nothing of the app

    beacons = load["beacons"]
    try:
        R.run_child(
            [str(Path(R.PYTHON).parent / "flask"), "--app", "wsgi", "visits", "rollup"],
            env,
            args.app_root,
            "flask visits rollup",
            log_path,
            timeout=600,
        )
        rec = reconcile_beacons(url, beacons, R.sqlalchemy_url)
    except Exception as exc:  # noqa: BLE001 - reported as a failed reconciliation, the run goes on
        return {"error": f"{type(exc).__name__}: {exc}"[:2000]}
    rec["statuses"] = beacons["statuses"]
    rec["from_page"] = beacons["from_page"]
    rec["samples"] = beacons["samples"]
    rec["errors"] = sum(n for s, n in beacons["statuses"].items() if s != "204")
    return rec


def passes(rec: dict) -> dict[str, bool]:
    """The beacon lines of the run's pass/fail."""
    if rec.get("error"):
        return {"beacons_reconciled": False}
    return {
        "no_beacon_error": rec["errors"] == 0,
        "beacons_lost_under_0.1_%": rec["lost_pct"] < LOST_LIMIT_PCT,
    }
