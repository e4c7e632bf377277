"""marketplace/inputs.py: the one place for input the databases cannot take (issue #15)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from marketplace import inputs
from marketplace.errors import NotFound, ValidationError


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    "text,depth",
    [
        ("{}", 1),
        ('{"a": [1, {"b": 2}]}', 3),
        ('["[[[[", "\\"[[["]', 1),
        ('"[[[["', 0),
        ("[" * 1000 + "]" * 1000, inputs.MAX_JSON_DEPTH + 1),
        ('{"a": ' * 65 + "1" + "}" * 65, inputs.MAX_JSON_DEPTH + 1),
        ("[[[", 3),
    ],
)
def test_json_depth_counts_brackets_outside_strings(text, depth):
    assert inputs.json_depth(text) == depth
    assert inputs.json_depth(text.encode()) == depth


def test_loads_refuses_what_json_has_not_and_what_is_too_deep():
    assert inputs.loads('{"a": [1.5, "NaN"]}') == {"a": [1.5, "NaN"]}
    for text in ("[NaN]", "[Infinity]", "[-Infinity]", "[1e999]"):
        with pytest.raises(ValueError):
            inputs.loads(text)
    with pytest.raises(inputs.JSONTooDeep):
        inputs.loads("[" * 1000 + "]" * 1000)
    deepest_allowed = "[" * inputs.MAX_JSON_DEPTH + "]" * inputs.MAX_JSON_DEPTH
    assert json.dumps(inputs.loads(deepest_allowed)).count("[") == inputs.MAX_JSON_DEPTH


@pytest.mark.parametrize(
    "value,reason",
    [
        ("Batik", None),
        ("a\x00b", "nul"),
        ("a\ud800b", "encoding"),
        ("\udfff", "encoding"),
        ({"k\x00": 1}, "nul"),
        ([1, ["x", {"y": "\ud83d"}]], "encoding"),
        ("Kain \U0001f600", None),
        (7, None),
    ],
)
def test_unstorable_finds_nul_and_lone_surrogates_keys_included(value, reason):
    assert inputs.unstorable(value) == reason


@pytest.mark.parametrize(
    "text,ok",
    [
        ("123", True),
        ("\u00b2", False),
        ("\u0663", False),
        ("9" * 19, False),
        ("", False),
        ("-1", False),
        ("1.0", False),
        ("0" * 30 + "3073185", True),
        ("0" * 1001, False),
    ],
)
def test_digits_is_ascii_digits_short_enough_for_a_column(text, ok):
    assert inputs.digits(text) is ok


def test_whole_numbers_and_ids_are_bounded_to_their_columns():
    assert inputs.whole_number("42", "n") == 42 and inputs.whole_number(42, "n") == 42
    for bad in (True, 1.0, "4.2", "\u00b2", None, [1], 2**31, "9" * 5000, 0):
        with pytest.raises(ValidationError) as caught:
            inputs.whole_number(bad, "n")
        assert list(caught.value.fields) == ["n"]
    assert inputs.record_id(2**31 - 1) == 2**31 - 1
    with pytest.raises(NotFound):
        inputs.record_id(2**31)  # a path: names nothing
    with pytest.raises(ValidationError):
        inputs.record_id(2**31, "variant_id")  # a body field: named
    assert inputs.in_id_range("17") and not inputs.in_id_range(str(2**31)) and not inputs.in_id_range(True)
    assert inputs.page_number("3") == 3 and inputs.page_number("9" * 30) == 1 and inputs.page_number("\u00b2") == 1


def test_dates_outside_the_years_people_type_here_are_422():
    assert inputs.parse_date("2026-12-01", "from") == date(2026, 12, 1)
    for bad in ("0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2026-13-01", 20261201, None):
        with pytest.raises(ValidationError) as caught:
            inputs.parse_date(bad, "from")
        assert list(caught.value.fields) == ["from"]


def test_a_body_reads_each_field_as_its_json_type_or_names_it():
    body = inputs.Body(
        {
            "name": "Toko",
            "n": 3,
            "flag": True,
            "tags": ["a"],
            "ship": {"city": "Tegal"},
            "bad": ["x"],
            "float": 1.5,
            "yes": True,
        }
    )
    assert body.text("name") == "Toko" and body.text("missing", "d") == "d"
    assert body.integer("n") == 3 and body.boolean("flag") is True and body.text_list("tags") == ["a"]
    assert body.object("ship").text("city") == "Tegal"
    for read, field in (
        (body.text, "bad"),
        (body.integer, "float"),
        (body.integer, "yes"),
        (body.boolean, "n"),
        (body.text_list, "name"),
        (body.object, "tags"),
        (body.id, "yes"),
    ):
        with pytest.raises(ValidationError) as caught:
            read(field)
        assert list(caught.value.fields) == [field]
    with pytest.raises(ValidationError) as caught:
        body.texts("name", "bad", "n")
    assert set(caught.value.fields) == {"bad", "n"}
