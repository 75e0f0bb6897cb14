"""The row parser and validator: pure functions, checked with hostile input (section 7 of issue 9)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datareturns.parsing import ReadResult, RowError, TooManyRows, read_csv, read_json
from datareturns.refs import reference_maps_load
from datareturns.validation import PLACEMENT_COLUMNS, PlacementRow, parse_date, parse_money, validate_placement
from tests.datareturns.conftest import HEADER, row


def read(body: bytes, *, json=False, max_rows=100):
    result = ReadResult()
    reader = read_json if json else read_csv
    rows = list(reader(io.BytesIO(body), columns=PLACEMENT_COLUMNS, result=result, max_rows=max_rows))
    return rows, result


@pytest.mark.parametrize(
    ("text", "expected"),
    [("45.50", Decimal("45.50")), ("45.5", Decimal("45.5")), ("£45.50", Decimal("45.50")), ("45", Decimal("45"))],
)
def test_money_accepts_what_spreadsheets_write(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("45,50", "use a point for pence"),
        ("45.505", "at most 2 decimal places"),
        ("-4", "more than £0"),
        ("forty", "enter it in pounds"),
    ],
)
def test_money_refuses_with_a_reason(text, problem):
    assert problem in parse_money(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("2026-02-30", None),
        ("03/31/2026", None),
        ("20260331", None),
        ("31-03-2026", None),
        ("2026-3-31", None),
    ],
)
def test_dates_are_iso_or_british_only(text, expected):
    assert parse_date(text) == expected


def test_bom_and_windows_line_endings_are_accepted():
    body = ("\ufeff" + HEADER + "\r\n" + row("A-1", "330") + "\r\n").encode()

    rows, result = read(body)

    assert result.errors == [] and rows[0][0] == 2 and rows[0][1]["assignment_id"] == "A-1"


def test_latin1_row_is_named_and_told_to_use_utf8():
    body = (HEADER + "\n").encode() + row("A-1", "330", agency="Caf\xe9 Staffing").encode("latin-1") + b"\n"

    rows, result = read(body)

    assert rows == []
    assert result.errors[0].row == 2 and "UTF-8" in result.errors[0].message


def test_missing_and_extra_columns_are_named():
    header = HEADER.replace(",pqe_years", ",colour")

    _, result = read((header + "\n").encode())

    messages = " ".join(e.message for e in result.errors)
    assert "missing the column pqe_years" in messages and "unknown column colour" in messages


def test_empty_body_is_refused():
    _, result = read(b"")

    assert "empty" in result.errors[0].message


def test_too_many_rows_stops_while_streaming():
    body = (HEADER + "\n" + "\n".join(row(f"A-{n}", "330") for n in range(5)) + "\n").encode()

    with pytest.raises(TooManyRows):
        read(body, max_rows=3)


def test_json_rows_accept_numbers_and_booleans():
    body = b'{"placements": [{"assignment_id": "A-1", "la_code": 330, "hourly_pay_rate": 35.5, "project_team": false}]}'

    rows, result = read(body, json=True)

    assert rows[0] == (1, rows[0][1]) and rows[0][1]["la_code"] == "330" and rows[0][1]["hourly_pay_rate"] == "35.5"
    assert rows[0][1]["project_team"] == "false"


def test_malformed_json_is_a_clear_error():
    _, result = read(b'{"placements": [{"assignment_id": ', json=True)

    assert "not valid JSON" in result.errors[0].message


def test_json_unknown_field_is_named():
    _, result = read(b'{"placements": [{"assignment_id": "A", "colour": "red"}]}', json=True)

    assert result.errors[0].row == 1 and "colour" in result.errors[0].message


@pytest.fixture
def refs(msp, social_worker_cap):
    return reference_maps_load(msp=msp)


FIELDS = list(PLACEMENT_COLUMNS.all)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(values=st.fixed_dictionaries({name: st.text(max_size=30) for name in FIELDS}))
def test_hostile_rows_only_ever_give_row_errors(refs, values):
    result = validate_placement(7, values, refs)

    assert isinstance(result, PlacementRow) or (
        isinstance(result, list) and result and all(isinstance(e, RowError) and e.row == 7 for e in result)
    )


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=st.binary(max_size=400))
def test_hostile_bytes_never_raise_from_the_csv_reader(body):
    rows, result = read(body)

    assert all(isinstance(e, RowError) for e in result.errors)


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=400))
def test_hostile_bytes_never_raise_from_the_json_reader(body):
    rows, result = read(body, json=True)

    assert all(isinstance(e, RowError) for e in result.errors)


def test_registration_number_is_never_echoed_in_an_error(refs, la):
    values = dict(zip(FIELDS, [""] * len(FIELDS), strict=True)) | {
        "worker_registration": "SW12x45",
        "la_code": la.old_code,
    }

    errors = validate_placement(2, values, refs)

    registration_errors = [e for e in errors if e.field == "worker_registration"]
    assert registration_errors and registration_errors[0].value is None
