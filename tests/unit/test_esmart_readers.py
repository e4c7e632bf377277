"""Reading directory files record by record, in bounded memory."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from plugins.esmart_sync import readers
from plugins.esmart_sync.readers import ReadError


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_json_records_stream_whatever_the_member_order(app, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK", 7)  # values cut across chunk edges everywhere
    records = [{"id": f"ESM-{i}", "nama_usaha": "Batik ñ €", "harga": 12345678} for i in range(20)]
    path = write(tmp_path, "a.json", json.dumps({"meta": {"total": 20, "x": [1, {"y": "}]"}]}, "data": records}))
    assert list(readers.iter_json_records(path)) == records
    bare = write(tmp_path, "b.json", "\ufeff  " + json.dumps(records))
    assert list(readers.iter_json_records(bare)) == records
    empty = write(tmp_path, "c.json", '{"data": []}')
    assert list(readers.iter_json_records(empty)) == []


def test_a_huge_value_is_read_in_linear_time(app, tmp_path):
    big = {"id": "ESM-1", "deskripsi": "x" * (12 * 1024 * 1024)}
    path = write(tmp_path, "big.json", json.dumps({"data": [big, {"id": "ESM-2"}]}))
    assert [r["id"] for r in readers.iter_json_records(path)] == ["ESM-1", "ESM-2"]


def test_broken_utf8_is_kept_for_the_record_to_report(app, tmp_path):
    path = write(tmp_path, "a.json", b'{"data": [{"nama": "Teh \xff poci"}, {"nama": "ok"}]}')
    first, second = readers.iter_json_records(path)
    assert "\udcff" in first["nama"] and second["nama"] == "ok"


@pytest.mark.parametrize(
    "content", ['{"data": [{"id": 1}, {"id": ', '{"data": [1 2]}', '{"data": {}}', "[1,", '{"a": 1']
)
def test_broken_json_raises_read_error(app, tmp_path, content):
    with pytest.raises(ReadError):
        list(readers.iter_json_records(write(tmp_path, "a.json", content)))


def test_a_long_json_feed_is_read_in_bounded_memory(app, tmp_path):
    record = {"id": "ESM", "nama_usaha": "IKM", "produk": [{"id": "P", "nama": "Produk", "deskripsi": "d" * 500}] * 20}
    path = tmp_path / "long.json"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"data": [')
        handle.write(",".join(json.dumps(record) for _ in range(2000)))
        handle.write("]}")
    assert path.stat().st_size > 20 * 1024 * 1024
    tracemalloc.start()
    count = sum(1 for _ in readers.iter_json_records(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 2000
    assert peak < 4 * 1024 * 1024, peak


def test_a_syntax_error_fails_at_once_without_reading_the_rest(app, tmp_path):
    path = tmp_path / "broken.json"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"data": [{"id": "ESM-1", "nama_usaha": "Satu",, "x": 1}, ')
        handle.write(",".join(f'{{"id": "ESM-{i}", "deskripsi": "{"d" * 1000}"}}' for i in range(20000)))
        handle.write("]}")
    tracemalloc.start()
    with pytest.raises(ReadError):
        list(readers.iter_json_records(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2 * 1024 * 1024, peak


def test_csv_with_semicolons_and_a_bom_as_excel_writes_it(app, tmp_path):
    path = write(tmp_path, "a.csv", '\ufeffikm_id;nama_usaha;harga\r\nESM-1;Batik "Sari";Rp 1.000\r\n')
    rows = list(readers.iter_csv_rows(path))
    assert rows == [(1, ["ikm_id", "nama_usaha", "harga"]), (2, ["ESM-1", 'Batik "Sari"', "Rp 1.000"])]


def test_sheet_dicts_need_the_required_columns(app):
    from plugins.esmart_sync import adapter

    rows = iter([(1, ["IKM ID", "Nama Usaha", "Extra"]), (2, ["ESM-1", "Batik"])])
    assert list(readers.iter_sheet_dicts(rows, adapter.normalise_header, adapter.missing_columns)) == [
        (2, {"ikm_id": "ESM-1", "nama_usaha": "Batik", "extra": None})
    ]
    with pytest.raises(ReadError, match="nama_usaha"):
        list(readers.iter_sheet_dicts(iter([(1, ["ikm_id"])]), adapter.normalise_header, adapter.missing_columns))


def test_the_format_is_told_by_the_first_bytes(app, tmp_path):
    assert readers.sniff(write(tmp_path, "x.txt", ' \n{"data": []}')) == "json"
    assert readers.sniff(write(tmp_path, "x.bin", b"PK\x03\x04rest")) == "xlsx"
    assert readers.sniff(write(tmp_path, "x.csv", "ikm_id,nama_usaha\n")) == "csv"
    with pytest.raises(ReadError):
        readers.sniff(tmp_path / "missing.json")
