"""The demo and bench data generator: realistic shares, valid rows, the same rows for the same seed."""

import io
import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from datareturns.checks import add_months
from datareturns.generate import PlacementGenerator, csv_write, json_write, la_profiles_load
from datareturns.parsing import ReadResult, read_csv, read_json
from datareturns.refs import reference_maps_load
from datareturns.validation import LEAVER_COLUMNS, PLACEMENT_COLUMNS, validate_leaver, validate_placement
from rates.lookup import cap_table_load
from tests.rates.factories import CORE_RATES, PriceCapFactory, core_grades

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 4, 1), date(2026, 12, 31)


@pytest.fixture
def caps(region, other_region):
    grades = core_grades()
    for each in (region, other_region):
        for core_type, rate in CORE_RATES.items():
            PriceCapFactory(region=each, role_grade=grades[core_type], hourly_rate=rate, effective_from=FIRST)


@pytest.fixture
def las(la, second_la, foreign_la, msp, caps):
    msp.local_authorities.add(second_la, foreign_la)
    return [la, second_la, foreign_la]


def generator(las, *, rows=4000, seed=1, **options):
    return PlacementGenerator(
        las=la_profiles_load(local_authorities=las), rows=rows, first_start=FIRST, last_start=LAST, seed=seed, **options
    )


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(las):
    first = generator(las, rows=300, seed=7)
    again = generator(las, rows=300, seed=7)
    other = generator(las, rows=300, seed=8)

    rows = list(first.placements())
    assert rows == list(again.placements()) and first.leavers() == again.leavers()
    assert rows != list(other.placements())


def test_every_row_is_valid_for_the_upload(las, msp):
    refs = reference_maps_load(msp=msp)
    made = generator(las, rows=1500)

    placements = [validate_placement(n, row, refs) for n, row in enumerate(made.placements(), start=2)]
    leavers = [validate_leaver(n, row, refs) for n, row in enumerate(made.leavers(), start=2)]

    assert [p for p in placements if isinstance(p, list)] == []
    assert [x for x in leavers if isinstance(x, list)] == []
    assert len({p.assignment_id for p in placements}) == 1500


def test_rates_spread_around_the_caps_with_about_8_percent_above(las, region, other_region):
    tables = {r.pk: cap_table_load(region=r) for r in (region, other_region)}
    profiles = {p.code: p for p in la_profiles_load(local_authorities=las)}
    grades = {g.code: g.id for p in profiles.values() for g in p.grades}
    above = at_or_under = 0
    individual_above = individuals = 0
    for row in generator(las).placements():
        profile = profiles[row["la_code"]]
        cap = (
            tables[profile.region_id]
            .lookup(
                role_grade_id=grades[row["role"]],
                on=date.fromisoformat(row["start_date"]),
                engagement_type=row["engagement_type"],
            )
            .allowed_rate
        )
        rate = Decimal(row["hourly_pay_rate"])
        is_above = rate > cap
        above += is_above
        at_or_under += not is_above
        if row["project_team"] == "false":
            assert cap * Decimal("0.8") <= rate <= cap * Decimal("1.2")
            individuals += 1
            individual_above += is_above

    assert 0.06 <= individual_above / individuals <= 0.10
    assert 0.06 <= above / (above + at_or_under) <= 0.12


def test_shares_of_project_teams_pqe_hours_dates_and_registrations(las):
    rows = list(generator(las).placements())
    count = len(rows)
    project = sum(r["project_team"] == "true" for r in rows)
    under_3 = sum(Decimal(r["pqe_years"]) < 3 for r in rows)
    hours = [Decimal(r["hours_per_week"]) for r in rows]
    ended = [r for r in rows if r["end_date"]]

    assert 0.02 <= project / count <= 0.045
    assert 0.02 <= under_3 / count <= 0.08
    assert min(hours) >= 15 and max(hours) <= 40
    assert all(FIRST <= date.fromisoformat(r["start_date"]) <= LAST for r in rows)
    assert all(r["start_date"] <= r["end_date"] <= LAST.isoformat() for r in ended)
    assert 0.1 <= len(ended) / count <= 0.6
    assert all(re.fullmatch(r"SW\d{5,7}", r["worker_registration"]) for r in rows)
    assert len(Counter(r["agency"] for r in rows)) >= 10


def test_some_project_team_placements_are_repriced_above_an_earlier_individual_one(las):
    rows = list(generator(las).placements())
    individual = {}
    repriced = 0
    for row in rows:  # in start-date order
        key = (row["la_code"], row["worker_registration"])
        if row["project_team"] == "false":
            individual.setdefault(key, Decimal(row["hourly_pay_rate"]))
        elif key in individual and Decimal(row["hourly_pay_rate"]) > individual[key]:
            repriced += 1

    assert repriced >= 20


def test_leavers_for_about_5_percent_of_workers_some_back_inside_the_cool_off(las):
    made = generator(las)
    rows = list(made.placements())
    workers = {r["worker_registration"] for r in rows}
    first_start = {}
    for row in rows:
        first_start.setdefault(row["worker_registration"], date.fromisoformat(row["start_date"]))
    months = {la.old_code: la.region.cool_off_months for la in las}

    leavers = made.leavers()
    inside = Counter()
    for leaver in leavers:
        start = first_start.get(leaver["worker_registration"])
        left = date.fromisoformat(leaver["leave_date"])
        if start and left <= start < add_months(left, months[leaver["la_code"]]):
            inside["exempt" if leaver["leave_reason"] in ("redundancy", "probation") else "flagged"] += 1

    assert 0.04 <= len(leavers) / len(workers) <= 0.06
    assert inside["flagged"] >= 0.3 * len(leavers) and inside["exempt"] >= 1
    assert any(r["worker_registration"] not in workers for r in leavers)


@pytest.mark.parametrize(("write", "read"), [(csv_write, read_csv), (json_write, read_json)])
def test_csv_and_json_bodies_read_back_as_the_same_rows(las, write, read):
    rows = list(generator(las, rows=200).placements())
    text = io.StringIO()
    write(rows, text)
    result = ReadResult()

    back = [
        raw
        for _, raw in read(io.BytesIO(text.getvalue().encode()), columns=PLACEMENT_COLUMNS, result=result, max_rows=500)
    ]

    assert result.errors == [] and result.count == 200
    assert back == [{name: row[name] for name in PLACEMENT_COLUMNS.all} for row in rows]


def test_leavers_write_as_the_leaver_upload_columns(las):
    text = io.StringIO()
    csv_write(generator(las, rows=400).leavers(), text, columns=LEAVER_COLUMNS.all)
    result = ReadResult()

    back = list(read_csv(io.BytesIO(text.getvalue().encode()), columns=LEAVER_COLUMNS, result=result, max_rows=500))

    assert result.errors == [] and len(back) == result.count > 0
