"""Charts drawn on the server as inline SVG: no CDN, no script, no style attribute.

The Content-Security-Policy forbids inline scripts and ``style=""``; SVG
presentation attributes (``fill``, ``font-size`` ...) are not styles, so the
charts draw with those, and a chart looks right without any stylesheet. Each
chart is an ``<svg role="img">`` with a <title> and a <desc> (what a screen
reader says), a native tooltip (<title>) on every bar, and the page shows the
same numbers in a table beside it. Every label is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date, ngettext
from markupsafe import Markup, escape

from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah

BRAND = "#0f766e"
AFTER = "#f59e0b"
GRID = "#e7e5e4"
INK = "#1c1917"
MUTED = "#57534e"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
MAX_BARS = 92  # longer daily series are drawn as a line


def short_rupiah(amount: int) -> str:
    """Rp 350 rb, Rp 1,2 jt, Rp 2,5 M: an axis label that fits."""
    amount = int(amount)
    for size, unit in ((1_000_000_000, "M"), (1_000_000, "jt"), (1_000, "rb")):
        if abs(amount) >= size:
            value = amount / size
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
            return f"Rp {text.replace('.', ',')} {unit}"
    return f"Rp {amount}"


def nice_max(value: int) -> int:
    """A round axis top at or above ``value`` whose quarters read well (1, 2, 4, 6, 8 or 10 times a power of ten)."""
    if value <= 0:
        return 1
    power = 1
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 4, 6, 8, 10):
        if value <= step * power:
            return int(step * power)
    return 10 * power


def _svg(width: int, height: int, title: str, desc: str, body: list[str], css_class: str) -> Markup:
    ident = "c" + format(abs(hash((title, desc, width, height))) % 10**8, "x")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-t {ident}-d" {FONT}>'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _y_axis(top: int, left: int, width: int, chart_top: int, chart_h: int, label=short_rupiah) -> list[str]:
    out = []
    for i in range(5):
        value = top * i // 4
        y = chart_top + chart_h - chart_h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">'
            f"{escape(label(value))}</text>"
        )
    return out


def daily_bars(
    days: list,
    title: str,
    value: str = "gross_sales",
    desc: str | None = None,
    expo_end_label: str | None = None,
    height: int = 260,
) -> Markup:
    """Sales per day: a bar per Jakarta day (an expo's days after it closed in amber), a line when
    the range is longer than three months. ``days`` are reports.Day rows."""
    width, left, top, bottom = 720, 78, 16, 42
    chart_w, chart_h = width - left - 12, height - top - bottom
    values = [int(getattr(d, value)) for d in days]
    money = value == "gross_sales"
    peak = nice_max(max(values, default=0) or (100_000 if money else 4))
    label = short_rupiah if money else (lambda v: str(v))
    body = _y_axis(peak, left, width, top, chart_h, label)
    slot = chart_w / max(1, len(days))
    plot = _Plot(left=left, top=top, height=chart_h, slot=slot, peak=peak)
    if len(days) <= MAX_BARS:
        body += _day_bars(days, values, plot, money)
    else:
        body.append(_day_line(values, plot))
    body += _day_labels(days, left, slot, height - bottom + 16)
    body.append(f'<line x1="{left}" y1="{top + chart_h}" x2="{width - 8}" y2="{top + chart_h}" stroke="{MUTED}"/>')
    if not any(values):
        body.append(
            f'<text x="{left + chart_w / 2:.1f}" y="{top + chart_h / 2:.1f}" text-anchor="middle" '
            f'font-size="14" fill="{MUTED}">{escape(_("Belum ada penjualan dalam periode ini."))}</text>'
        )
    if any(getattr(d, "phase", "") == "after" for d in days):
        body += _legend(left, height - 8, [(BRAND, _("Selama expo")), (AFTER, expo_end_label or _("Setelah expo"))])
    return _svg(width, height, title, desc or _days_desc(values, money), body, "chart-days")


@dataclass(frozen=True)
class _Plot:
    """Where the daily chart's plot area sits: its left edge, top, height, the width of one
    day's slot, and the value at the top of the axis."""

    left: int
    top: int
    height: int
    slot: float
    peak: int


def _day_bars(days: list, values: list[int], plot: _Plot, money: bool) -> list[str]:
    """One bar per day, amber after the expo closed, each with its tooltip."""
    out = []
    bar_w = max(1.0, plot.slot * 0.72)
    for i, (d, v) in enumerate(zip(days, values, strict=True)):
        h = plot.height * v / plot.peak
        x = plot.left + i * plot.slot + (plot.slot - bar_w) / 2
        colour = AFTER if getattr(d, "phase", "") == "after" else BRAND
        tip = f"{format_date(d.day, 'd MMM yyyy')}: {rupiah(v) if money else v} · " + ngettext(
            "%(num)d pesanan", "%(num)d pesanan", d.orders
        )
        out.append(
            f'<rect x="{x:.1f}" y="{plot.top + plot.height - h:.1f}" width="{bar_w:.1f}" height="{max(h, 0):.1f}" '
            f'rx="2" fill="{colour}"><title>{escape(tip)}</title></rect>'
        )
    return out


def _day_line(values: list[int], plot: _Plot) -> str:
    """A polyline through the days: bars would be thinner than a pixel."""
    points = " ".join(
        f"{plot.left + (i + 0.5) * plot.slot:.1f},{plot.top + plot.height - plot.height * v / plot.peak:.1f}"
        for i, v in enumerate(values)
    )
    return f'<polyline points="{points}" fill="none" stroke="{BRAND}" stroke-width="2"/>'


def _day_labels(days: list, left: int, slot: float, y: int) -> list[str]:
    """Dates under the axis: at most about eight, so they never overlap."""
    out = []
    every = max(1, -(-len(days) // 8))
    for i, d in enumerate(days):
        if i % every == 0 or i == len(days) - 1 and len(days) <= 8:
            x = left + (i + 0.5) * slot
            out.append(
                f'<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="11" '
                f'fill="{MUTED}">{escape(format_date(d.day, "d MMM"))}</text>'
            )
    return out


def _days_desc(values: list[int], money: bool) -> str:
    """What a screen reader says of the daily chart when the caller gives no description."""
    total = sum(values)
    return _(
        "%(n)d hari, jumlah %(total)s, tertinggi %(peak)s.",
        n=len(values),
        total=rupiah(total) if money else str(total),
        peak=rupiah(max(values, default=0)) if money else str(max(values, default=0)),
    )


def _legend(x: int, y: int, items: list[tuple[str, str]]) -> list[str]:
    out = []
    for colour, text in items:
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" rx="2" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{y}" font-size="11" fill="{INK}">{escape(text)}</text>')
        x += 24 + 7 * len(text)
    return out


def hbars(groups: list, title: str, limit: int = 10, desc: str | None = None) -> Markup:
    """Horizontal bars of gross sales, the biggest first (top stores, sales per zone or sector).
    ``groups`` are reports.Group rows."""
    rows = list(groups)[:limit]
    width, left, row_h, top = 520, 180, 28, 6
    height = top * 2 + row_h * max(1, len(rows))
    peak = max((g.gross_sales for g in rows), default=0) or 1
    bar_room = width - left - 90
    body = []
    if not rows:
        body.append(
            f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" font-size="13" '
            f'fill="{MUTED}">{escape(_("Belum ada penjualan."))}</text>'
        )
    for i, g in enumerate(rows):
        y = top + i * row_h
        name = g.label if len(g.label) <= 23 else g.label[:22] + "…"
        w = max(2.0, bar_room * g.gross_sales / peak) if g.gross_sales else 0
        tip = f"{g.label}: {rupiah(g.gross_sales)} · " + ngettext("%(num)d pesanan", "%(num)d pesanan", g.orders)
        body.append(
            f'<text x="{left - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(name)}</text>'
        )
        body.append(
            f'<rect x="{left}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" rx="3" fill="{BRAND}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        body.append(
            f'<text x="{left + w + 6:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="12" '
            f'fill="{MUTED}">{escape(short_rupiah(g.gross_sales))}</text>'
        )
    desc = desc or "; ".join(f"{g.label}: {rupiah(g.gross_sales)}" for g in rows) or _("Belum ada penjualan.")
    return _svg(width, height, title, desc, body, "chart-bars")
