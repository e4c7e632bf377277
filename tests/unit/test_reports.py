"""Sales reports: computed by the database in a fixed number of statements,
the right sums, and days on the Jakarta calendar."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import time_machine

from marketplace import site_settings
from marketplace.agency import charts, reports
from marketplace.errors import ValidationError
from marketplace.expo import queries as expo_queries
from marketplace.expo import services as expo
from marketplace.extensions import db
from tests.agency_support import order_row, seed_orders, wib
from tests.factories import gen_store, gen_user

SALE = reports.SALE_STATUSES
NOT_SALE = ("pending_payment", "cancelled", "refunded")


@pytest.fixture
def shops(app):
    sectors = ("kuliner", "fesyen", "kriya", "minuman-herbal", "logam-furnitur")
    shops = [gen_store(name=f"Toko {i}", sector=sectors[i % 5]) for i in range(10)]
    shoppers = [gen_user(f"pembeli{i}@test.id") for i in range(40)]
    fair = expo.create_expo(
        None,
        "apik",
        "Apik Banget",
        wib(2026, 12, 1, 8),
        wib(2026, 12, 14, 21),
        zones=["Kuliner", "Fesyen", "Kriya", "Minuman & Herbal", "Logam & Furnitur"],
    )
    zones = {
        "kuliner": "kuliner",
        "fesyen": "fesyen",
        "kriya": "kriya",
        "minuman-herbal": "minuman-herbal",
        "logam-furnitur": "logam-furnitur",
    }
    for shop in shops[:6]:
        expo.add_exhibitor(None, fair, shop, booth=shop.slug, zone=zones[shop.sector])
    db.session.commit()
    return {"shops": shops, "shoppers": shoppers, "expo": fair}


def seed_many(shops, n: int = 3000, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    rows = []
    start = wib(2026, 11, 20, 0, 0)
    for _ in range(n):
        rows.append(
            order_row(
                rnd.choice(shops["shops"]),
                rnd.choice(shops["shoppers"]),
                rnd.randint(1, 400) * 1000,
                start + timedelta(minutes=rnd.randint(0, 60 * 24 * 40)),
                status=rnd.choice(SALE + NOT_SALE),
            )
        )
    seed_orders(rows)
    return rows


def expected(rows, keep) -> tuple[int, int, int]:
    chosen = [r for r in rows if r["status"] in SALE and keep(r)]
    return len(chosen), sum(r["total"] for r in chosen), len({r["user_id"] for r in chosen})


def test_a_date_range_report_over_thousands_of_orders_is_four_statements(shops, count_queries):
    rows = seed_many(shops)
    low, high = wib(2026, 12, 1, 0, 0), wib(2026, 12, 11, 0, 0)
    db.session.expire_all()
    with count_queries() as q:
        report = reports.sales_report(None, date(2026, 12, 1), date(2026, 12, 10))
    assert q.count == 4, q.statements
    assert all("GROUP BY" in s.upper() or "count(" in s.lower() for s in q.statements)
    orders, gross, shoppers = expected(rows, lambda r: low <= r["placed_at"] < high)
    assert (report.totals.orders, report.totals.gross_sales, report.totals.shoppers) == (orders, gross, shoppers)
    assert report.totals.average_order_value == round(gross / orders)
    assert sum(g.gross_sales for g in report.per_store) == gross
    assert sum(g.orders for g in report.per_sector) == orders
    assert [d.day for d in report.per_day] == [date(2026, 12, 1) + timedelta(days=i) for i in range(10)]
    assert sum(d.gross_sales for d in report.per_day) == gross
    per_store = {g.key: g.gross_sales for g in report.per_store}
    for shop in shops["shops"]:
        assert (
            per_store.get(shop.slug, 0)
            == expected(rows, lambda r, shop=shop: r["store_id"] == shop.id and low <= r["placed_at"] < high)[1]
        )
    assert [g.gross_sales for g in report.per_store] == sorted((g.gross_sales for g in report.per_store), reverse=True)


def test_an_expo_report_is_six_statements_and_splits_during_and_after(shops, count_queries):
    rows = seed_many(shops, n=2500)
    fair = shops["expo"]
    exhibitors = {s.id for s in shops["shops"][:6]}
    db.session.expire_all()
    with time_machine.travel(wib(2027, 2, 1), tick=False):
        with count_queries() as q:
            report = reports.sales_report(expo_queries.expo_with_zones("apik"))
    assert q.count == 6, q.statements
    assert (report.start, report.end) == (date(2026, 12, 1), date(2027, 1, 13))  # 30 days past the end
    high = wib(2027, 1, 14, 0, 0)
    in_expo = lambda r: r["store_id"] in exhibitors and fair.starts_at <= r["placed_at"] < high  # noqa: E731
    assert (report.totals.orders, report.totals.gross_sales) == expected(rows, in_expo)[:2]
    during = expected(rows, lambda r: in_expo(r) and r["placed_at"] <= fair.ends_at)
    after = expected(rows, lambda r: in_expo(r) and r["placed_at"] > fair.ends_at)
    assert (report.during.orders, report.during.gross_sales, report.during.shoppers) == during
    assert (report.after.orders, report.after.gross_sales, report.after.shoppers) == after
    assert [z.key for z in report.per_zone] == ["kuliner", "fesyen", "kriya", "minuman-herbal", "logam-furnitur"]
    assert sum(z.gross_sales for z in report.per_zone) == report.totals.gross_sales
    assert {g.key for g in report.per_store} <= {s.slug for s in shops["shops"][:6]}
    assert {d.phase for d in report.per_day if d.day <= date(2026, 12, 14)} == {"during"}
    assert {d.phase for d in report.per_day if d.day > date(2026, 12, 14)} == {"after"}


def test_days_are_jakarta_days_across_midnight(shops):
    shop, siti = shops["shops"][0], shops["shoppers"][0]
    seed_orders(
        [
            order_row(shop, siti, 10_000, wib(2026, 12, 1, 23, 59)),  # 16.59 UTC on 1 Dec
            order_row(shop, siti, 20_000, wib(2026, 12, 2, 0, 1)),  # 17.01 UTC on 1 Dec: a Jakarta 2 Dec
            order_row(shop, siti, 40_000, wib(2026, 12, 2, 6, 59)),  # 23.59 UTC on 1 Dec
            order_row(shop, siti, 80_000, wib(2026, 12, 2, 7, 0)),  # 00.00 UTC on 2 Dec
        ]
    )
    report = reports.sales_report(None, date(2026, 12, 1), date(2026, 12, 2))
    assert [(d.day, d.orders, d.gross_sales) for d in report.per_day] == [
        (date(2026, 12, 1), 1, 10_000),
        (date(2026, 12, 2), 3, 140_000),
    ]
    only_first = reports.sales_report(None, date(2026, 12, 1), date(2026, 12, 1))
    assert only_first.totals.gross_sales == 10_000  # the range ends at 00.00 WIB, not UTC


def test_only_paid_or_accepted_orders_count(shops):
    shop, siti = shops["shops"][0], shops["shoppers"][0]
    seed_orders(
        [order_row(shop, siti, 1000 * (i + 1), wib(2026, 12, 1, 10), status=s) for i, s in enumerate(SALE + NOT_SALE)]
    )
    report = reports.sales_report(None, date(2026, 12, 1), date(2026, 12, 1))
    assert report.totals.orders == 4 and report.totals.gross_sales == 1000 + 2000 + 3000 + 4000


def test_an_empty_report_has_zeros_and_every_day(shops):
    report = reports.sales_report(expo_queries.expo_with_zones("apik"), date(2026, 12, 1), date(2026, 12, 3))
    assert report.totals.orders == 0 and report.totals.average_order_value == 0
    assert [d.gross_sales for d in report.per_day] == [0, 0, 0]
    assert len(report.per_zone) == 5 and report.per_store == []
    assert "<svg" in charts.daily_bars(report.per_day, "x") and "Belum ada penjualan." in charts.hbars([], "x")


def test_store_daily_sales_is_one_statement_for_thirty_days(shops, count_queries):
    shop, siti = shops["shops"][0], shops["shoppers"][0]
    seed_orders(
        [
            order_row(shop, siti, 5000, wib(2026, 12, 10, 9)),
            order_row(shop, siti, 7000, wib(2026, 12, 10, 23, 30)),
            order_row(shop, siti, 9000, wib(2026, 11, 1, 9)),  # older than 30 days
            order_row(shops["shops"][1], siti, 9000, wib(2026, 12, 10, 9)),
        ]
    )  # another store
    store_id = shop.id
    with time_machine.travel(wib(2026, 12, 11, 8), tick=False):
        with count_queries() as q:
            sales = reports.store_daily_sales(store_id)
    assert q.count == 1
    assert len(sales.days) == 30 and sales.days[-1].day == date(2026, 12, 11)
    assert (sales.orders, sales.gross_sales) == (2, 12_000)
    assert [d.gross_sales for d in sales.days if d.gross_sales] == [12_000]


@pytest.mark.parametrize(
    "start,end,field",
    [
        ("2026-12-05", "2026-12-01", "from"),
        ("x", None, "from"),
        (None, "2026-02-30", "to"),
        ("2000-01-01", "2026-01-01", "to"),
    ],
)
def test_bad_periods_are_refused(shops, start, end, field):
    with pytest.raises(ValidationError) as refused:
        reports.report_for(None, start, end)
    assert field in refused.value.fields


def test_csv_is_one_table_with_a_header_and_safe_cells(shops):
    shop = gen_store(name="=HYPERLINK(1)")
    seed_orders([order_row(shop, shops["shoppers"][0], 5000, wib(2026, 12, 1, 9))])
    text = reports.to_csv(reports.sales_report(None, date(2026, 12, 1), date(2026, 12, 1)))
    lines = text.splitlines()
    assert lines[0] == ",".join(reports.CSV_HEADER)
    assert "store,hyperlink-1,'=HYPERLINK(1),1,5000,1,5000" in lines


def test_charts_are_plain_svg_without_styles_or_scripts(shops):
    shop = gen_store(name="<script>alert(1)</script> & Co")
    seed_orders([order_row(shop, shops["shoppers"][0], 1_250_000, wib(2026, 12, 1, 9))])
    report = reports.sales_report(None, date(2026, 12, 1), date(2026, 12, 3))
    days, top = charts.daily_bars(report.per_day, "Penjualan"), charts.hbars(report.per_store, "Toko")
    for svg in (days, top):
        assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg and "<rect" in svg
        assert "style=" not in svg and "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in top
    assert "Rp 1,2 jt" in charts.hbars(report.per_store, "Toko")
    long = [reports.Day(1, 1000, 1, day=date(2026, 1, 1) + timedelta(days=i)) for i in range(200)]
    assert "<polyline" in charts.daily_bars(long, "Setahun")


@pytest.mark.parametrize(
    "amount,label",
    [
        (0, "Rp 0"),
        (950, "Rp 950"),
        (350_000, "Rp 350 rb"),
        (1_250_000, "Rp 1,2 jt"),
        (12_000_000, "Rp 12 jt"),
        (2_500_000_000, "Rp 2,5 M"),
    ],
)
def test_short_rupiah(amount, label):
    assert charts.short_rupiah(amount) == label


@pytest.mark.parametrize(
    "typed,bps", [("2,5", 250), ("2.5", 250), (2.5, 250), (0, 0), ("100", 10000), ("0,05", 5), ("7 %", 700)]
)
def test_commission_percent_parsing(typed, bps):
    assert site_settings.parse_percent(typed) == bps


@pytest.mark.parametrize("typed", ["", None, "x", "100,01", "-5", "1,234", "1e2"])
def test_commission_percent_refusals(typed):
    with pytest.raises(ValidationError):
        site_settings.parse_percent(typed)


def test_percent_label():
    assert [site_settings.percent_label(b) for b in (0, 250, 1000, 5, 75)] == [
        "0 %",
        "2,5 %",
        "10 %",
        "0,05 %",
        "0,75 %",
    ]


@pytest.mark.parametrize(
    "peak,top",
    [(0, 1), (1, 1), (3, 4), (1_300, 2_000), (2_400_000, 4_000_000), (5_004_000, 6_000_000), (9_000_000, 10_000_000)],
)
def test_axis_tops_have_round_quarters(peak, top):
    assert charts.nice_max(peak) == top


def test_csv_days_of_an_expo_say_their_phase_in_words(shops):
    seed_orders([order_row(shops["shops"][0], shops["shoppers"][0], 5000, wib(2026, 12, 2, 9))])
    text = reports.to_csv(
        reports.sales_report(expo_queries.expo_with_zones("apik"), date(2026, 12, 1), date(2026, 12, 3))
    )
    day_rows = [line.split(",") for line in text.splitlines() if line.startswith("day,")]
    assert day_rows and {row[2] for row in day_rows} == {"Selama expo"}
    assert day_rows[1][1] == "2026-12-02" and day_rows[1][3:5] == ["1", "5000"]
