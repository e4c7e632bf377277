"""The shipping_table plugin: the rate table that always answers, its CSV import and export,
the most specific row winning, the weight tolerance, and one query for a whole checkout."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.shipping.quotes import TABLE, Parcel
from plugins.shipping_table import tables
from plugins.shipping_table.demo import DEFAULT_TABLE, load_demo
from plugins.shipping_table.lookup import billable_kg, prefixes
from plugins.shipping_table.models import TableRate
from tests.factories import gen_store, gen_user

HEADER = "courier,service,origin,destination,first_kg,next_kg,etd_min,etd_max\n"
TABLE_CSV = HEADER + (
    "jne,reg,,31,15000,15000,2,3\n"  # any origin to DKI Jakarta
    "jne,reg,33.76,31,13000,13000,1,2\n"  # from Kota Tegal: more specific origin
    "jne,reg,33.76,31.74,12000,11000,1,2\n"  # to Jakarta Barat: more specific destination
    "jne,yes,33.76,31,22000,22000,1,1\n"
    "jnt,ez,33.76,31,12500,12500,1,3\n"
    "sicepat,reg,33.76,33,9000,9000,1,2\n"
)


@pytest.fixture
def app(make_app):
    """The app of this module (and of ``client``, ``auth``, ``count_queries``): the table plugin on."""
    app = make_app(plugins="shipping_table")
    with app.app_context():
        yield app


@pytest.fixture
def table_app(app):
    return app


def parcel(store, destination="31.74.01", grams=1000, couriers=("jne", "jnt"), key=None, origin="33.76.01"):
    return Parcel(
        key=key or store.slug,
        store_id=store.id,
        origin=origin,
        destination=destination,
        weight_grams=grams,
        value=100_000,
        couriers=couriers,
    )


def rates_of(parcels):
    return plugin_api.gather("shipping_rates", loud=True, parcels=parcels)


def by_service(rates):
    return {(r.courier, r.service): r for r in rates}


def test_region_prefixes_and_the_couriers_weight_rounding():
    assert prefixes("33.76.01") == ["33", "33.76", "33.76.01"]
    assert prefixes("") == []
    assert [billable_kg(g) for g in (1, 1000, 1300, 1301, 1310, 2000, 2301)] == [1, 1, 1, 2, 2, 2, 3]
    assert billable_kg(1300, tolerance_grams=0) == 2


def test_hook_shipping_rates__the_table_answers_with_the_most_specific_row(table_app):
    store = gen_store()
    tables.import_csv(TABLE_CSV)
    db.session.commit()

    rates = by_service(rates_of([parcel(store, grams=2300)]))

    assert set(rates) == {("jne", "reg"), ("jne", "yes"), ("jnt", "ez")}  # only the parcel's couriers
    reg = rates[("jne", "reg")]
    assert (reg.price, reg.etd_min_days, reg.etd_max_days) == (12000 + 11000, 1, 2)  # 2.3 kg → 2 kg, Jakarta Barat row
    assert (reg.kind, reg.source, reg.parcel_key, reg.service_name) == (TABLE, "shipping_table", store.slug, "JNE REG")
    east = by_service(rates_of([parcel(store, destination="31.72.05")]))  # Jakarta Timur: the province row from Tegal
    assert east[("jne", "reg")].price == 13000
    elsewhere = by_service(rates_of([parcel(store, destination="31.72.05", origin="32.73.01")]))
    assert elsewhere[("jne", "reg")].price == 15000  # not from Tegal: the any-origin row
    assert rates_of([parcel(store, destination="51.71.01")]) == []  # Bali: the table does not cover it


def test_the_weight_tolerance_is_a_setting(make_app):
    app = make_app(plugins="shipping_table", SHIPPING_TABLE_TOLERANCE_GRAMS=0)
    with app.app_context():
        store = gen_store()
        tables.import_csv(TABLE_CSV)
        db.session.commit()
        assert by_service(rates_of([parcel(store, grams=1300)]))[("jnt", "ez")].price == 25000


def test_a_stores_own_table_wins_over_the_marketplaces_for_that_store_only(table_app):
    own, other = gen_store(name="Batik Tegal"), gen_store(name="Teh Poci")
    tables.import_csv(TABLE_CSV)
    tables.import_csv(HEADER + "jne,reg,,31,9000,8000,2,2\n", store_id=own.id)
    db.session.commit()

    rates = rates_of([parcel(own, key="own"), parcel(other, key="other")])

    mine = {(r.parcel_key, r.courier, r.service): r.price for r in rates}
    assert mine[("own", "jne", "reg")] == 9000  # its own province row beats the marketplace's regency row
    assert mine[("own", "jnt", "ez")] == 12500  # what it does not cover, the marketplace's table answers
    assert mine[("other", "jne", "reg")] == 12000


def test_five_stores_are_quoted_in_one_statement(table_app, count_queries):
    stores = [gen_store(name=f"Toko {n}") for n in range(5)]
    tables.import_csv(TABLE_CSV)
    db.session.commit()
    destinations = ["31.74.01", "31.71.02", "33.76.01", "31.01", "51.71"]
    parcels = [parcel(s, destination=d) for s, d in zip(stores, destinations, strict=True)]

    with count_queries() as counted:
        rates = rates_of(parcels)

    assert counted.count == 1
    assert {r.parcel_key for r in rates} == {s.slug for s in stores[:2]} | {stores[3].slug}


def test_csv_errors_name_every_bad_line_and_nothing_changes(table_app):
    tables.import_csv(TABLE_CSV)
    db.session.commit()
    bad = HEADER + (
        "jne,reg,,31,15000,15000,2,3\n"
        "kilat,reg,,31,1,1,1,1\n"  # line 3: unknown courier
        "jne,ekspres,,31,1,1,1,1\n"  # line 4: unknown service
        "jne,oke,,Jakarta,1,1,1,1\n"  # line 5: not a region code
        "jne,oke,,32,0,1,1,1\n"  # line 6: first kg must be > 0
        "jne,oke,,33,5000,5000,3,1\n"  # line 7: etd max < min
        "jne,reg,,31,16000,16000,2,3\n"  # line 8: same key as line 2
    )
    with pytest.raises(tables.TableFileError) as raised:
        tables.import_csv(bad)
    db.session.rollback()

    assert [line for line, _m in raised.value.lines] == [3, 4, 5, 6, 7, 8]
    assert "kilat" in raised.value.lines[0][1]
    assert db.session.scalar(select(func.count()).select_from(TableRate)) == 6
    with pytest.raises(tables.TableFileError) as missing:
        tables.parse("courier,service\njne,reg\n")
    assert missing.value.lines[0][0] == 1 and "destination" in missing.value.lines[0][1]


def test_export_gives_back_what_was_imported(table_app):
    tables.import_csv(TABLE_CSV)
    exported = tables.export_csv()
    assert sorted(exported.splitlines()[1:]) == sorted(TABLE_CSV.splitlines()[1:])
    assert tables.counts() == {"jne": 4, "jnt": 1, "sicepat": 1}


def test_the_bundled_default_table_covers_every_province_from_tegal(table_app):
    created = load_demo()
    db.session.commit()

    assert created > 300 and load_demo() == 0  # idempotent
    rows = tables.parse(DEFAULT_TABLE.read_text())
    provinces = {r.destination for r in rows if "." not in r.destination}
    assert len(provinces) == 38
    assert {(r.courier, r.service) for r in rows} >= {
        ("jne", "reg"),
        ("jne", "yes"),
        ("jnt", "ez"),
        ("sicepat", "reg"),
        ("pos", "reg"),
        ("anteraja", "reg"),
    }
    assert {f"31.7{n}" for n in range(1, 6)} <= {r.destination for r in rows}
    store = gen_store()
    jakarta = by_service(rates_of([parcel(store, couriers=("jne", "jnt", "sicepat", "pos", "anteraja"))]))
    assert set(jakarta) == {
        ("jne", "reg"),
        ("jne", "yes"),
        ("jnt", "ez"),
        ("sicepat", "reg"),
        ("pos", "reg"),
        ("anteraja", "reg"),
    }


def test_cli_import_and_export(table_app, tmp_path):
    store = gen_store(name="Batik Sari")
    db.session.commit()
    good, bad = tmp_path / "rates.csv", tmp_path / "bad.csv"
    good.write_text(TABLE_CSV)
    bad.write_text(HEADER + "jne,reg,,31,abc,1,1,1\n")
    runner = table_app.test_cli_runner()

    result = runner.invoke(args=["shipping-table", "import", str(good), "--store", store.slug])
    assert result.exit_code == 0, result.output
    assert "imported 6 rates" in result.output
    refused = runner.invoke(args=["shipping-table", "import", str(bad)])
    assert refused.exit_code != 0 and "bad.csv:2:" in refused.output
    exported = runner.invoke(args=["shipping-table", "export", "--store", store.slug])
    assert exported.output.splitlines()[0] == HEADER.strip() and len(exported.output.splitlines()) == 7
    db.session.rollback()
    assert tables.counts(store.id) == {"jne": 4, "jnt": 1, "sicepat": 1} and tables.counts() == {}


def test_agency_page_uploads_counts_and_downloads(table_app, client, auth):
    from io import BytesIO

    gen_user("petugas@test.id", role="agency")
    db.session.commit()
    auth.login("petugas@test.id")

    refused = client.post("/agency/shipping-rates", data={"file": (BytesIO(b"courier\njne\n"), "t.csv")})
    assert refused.status_code == 422 and "kolom hilang" in refused.get_data(as_text=True)
    done = client.post("/agency/shipping-rates", data={"file": (BytesIO(TABLE_CSV.encode()), "t.csv")})
    assert done.status_code == 302
    page = client.get("/agency/shipping-rates").get_data(as_text=True)
    assert "JNE: 4" in page
    assert client.get("/agency/shipping-rates.csv").get_data(as_text=True) == tables.export_csv()


def test_seller_page_replaces_only_its_own_stores_table(table_app, client, auth):
    from io import BytesIO

    owner = gen_user("sari@test.id", role="seller")
    mine, theirs = gen_store(owner=owner, name="Batik Sari"), gen_store(name="Toko Lain")
    db.session.commit()
    auth.login("sari@test.id")

    assert client.get("/seller/shipping-rates").status_code == 200
    upload = {"file": (BytesIO(TABLE_CSV.encode()), "t.csv")}
    assert client.post(f"/seller/shipping-rates/{mine.slug}", data=upload).status_code == 302
    stranger = client.post(
        f"/seller/shipping-rates/{theirs.slug}", data={"file": (BytesIO(TABLE_CSV.encode()), "t.csv")}
    )
    assert stranger.status_code == 404
    db.session.rollback()
    assert tables.counts(mine.id) == {"jne": 4, "jnt": 1, "sicepat": 1} and tables.counts(theirs.id) == {}
    assert client.get(f"/seller/shipping-rates/{mine.slug}.csv").get_data(as_text=True) == tables.export_csv(mine.id)
