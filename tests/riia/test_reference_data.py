import csv
from collections import Counter

import pytest
from django.core.management import call_command

from riia.models import AuditRecord, LocalAuthority, Region, SubRegionalGroup
from riia.services import DATA_DIR, reference_data_load

EXPECTED_REGION_SIZES = {
    "East of England": 11,
    "East Midlands": 10,
    "London": 33,
    "North East": 12,
    "North West": 24,
    "South East": 19,
    "South West": 15,
    "West Midlands": 14,
    "Yorkshire and the Humber": 15,
}

pytestmark = pytest.mark.django_db


def test_loads_nine_regions_and_153_las_each_in_one_region():
    reference_data_load()

    assert Region.objects.count() == 9
    assert LocalAuthority.objects.count() == 153
    sizes = Counter(LocalAuthority.objects.values_list("region__name", flat=True))
    assert sizes == EXPECTED_REGION_SIZES
    assert not LocalAuthority.objects.filter(region__isnull=True).exists()


def test_london_has_five_sub_regional_groups_of_five_to_eight():
    reference_data_load()

    london_groups = SubRegionalGroup.objects.filter(region__name="London")
    assert london_groups.count() == 5
    for group in london_groups:
        assert 5 <= group.local_authorities.count() <= 8
    assert not LocalAuthority.objects.filter(region__name="London", group__isnull=True).exists()


def test_codes_are_dfe_and_ons_natural_keys():
    reference_data_load()

    city = LocalAuthority.objects.get(old_code="201")
    assert (city.name, city.new_code, city.region.name) == ("City of London", "E09000001", "London")
    assert LocalAuthority.objects.get(new_code="E06000064").name == "Westmorland and Furness"


def test_loading_twice_changes_nothing():
    first = reference_data_load()
    audit_count = AuditRecord.objects.count()
    before = list(LocalAuthority.objects.order_by("pk").values())

    second = reference_data_load()

    assert first.changed and not second.changed
    assert list(LocalAuthority.objects.order_by("pk").values()) == before
    assert AuditRecord.objects.count() == audit_count


def test_command_reports_a_second_run_as_a_no_op(capsys):
    call_command("load_reference_data")
    call_command("load_reference_data")

    assert "nothing changed" in capsys.readouterr().out


def test_loading_keeps_a_region_s_own_mou_settings():
    reference_data_load()
    Region.objects.filter(name="North East").update(cool_off_months=9)

    reference_data_load()

    assert Region.objects.get(name="North East").cool_off_months == 9


def test_data_file_has_unique_codes():
    with (DATA_DIR / "local_authorities.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len({r["old_code"] for r in rows}) == len({r["new_code"] for r in rows}) == len(rows) == 153
