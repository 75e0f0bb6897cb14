from datetime import timedelta

import pytest
from django.urls import reverse

from rates.services import rate_card_draft_create
from tests.rates.factories import ExemptionFactory

pytestmark = pytest.mark.django_db


def test_programme_manager_sees_drafts_and_exemptions_ending_soon(client_for, region, la, programme_manager, today):
    rate_card_draft_create(region=region, actor=programme_manager)
    ExemptionFactory(local_authority=la, starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=10))
    ExemptionFactory(local_authority=la, starts_on=today, ends_on=today + timedelta(days=40))  # not soon

    page = client_for(programme_manager).get(reverse("home")).text

    assert "Draft rate card for West Midlands" in page
    assert page.count("exemption ends") == 1 and "Dudley: Social worker exemption ends" in page


def test_la_user_sees_only_their_own_las_exemptions_ending_soon(
    client_for, la, second_la, workforce_lead, second_la_lead, today
):
    ExemptionFactory(local_authority=la, starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=10))

    assert "Dudley: Social worker exemption ends" in client_for(workforce_lead).get(reverse("home")).text
    assert "exemption ends" not in client_for(second_la_lead).get(reverse("home")).text


@pytest.mark.parametrize("person", ["workforce_lead", "msp_viewer", "programme_manager"])
def test_region_members_have_a_price_caps_link(request, client_for, region, person):
    page = client_for(request.getfixturevalue(person)).get(reverse("home")).text

    assert f'href="{reverse("rates:region", args=[region.slug])}"' in page and ">Price caps<" in page


def test_people_without_a_region_have_no_price_caps_link(client_for, nobody):
    assert ">Price caps<" not in client_for(nobody).get(reverse("home")).text
