"""Breach request pages: who may see and do what (both ways), and the GOV.UK error messages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from breaches.models import BreachRequest, BreachRequestStatus, Decision, Signature
from breaches.services.requests import breach_request_sign
from riia.models import Role
from tests.breaches.factories import BreachRequestFactory, decided_request
from tests.govuk import date_boxes

pytestmark = pytest.mark.django_db


def form_data(la, **overrides):
    from tests.rates.factories import core_grade

    data = {
        "local_authority": la.pk,
        "role_grade": core_grade().pk,
        "proposed_rate": "40.00",
        "engagement_type": "limited_company",
        "number_of_roles": "2",
        "contract_start": "2026-05-01",
        "contract_end": "2026-10-31",
        "reason_category": "hard_to_fill",
        "reason": "Three rounds of recruitment failed.",
        "confirms_no_other_breach": "on",
        "action": "continue",
    }
    data.update(overrides)
    for name in ("contract_start", "contract_end"):  # ISO dates here; the page has day, month and year boxes
        data.update({box: v for box, v in date_boxes(name, data.pop(name)).items() if box not in overrides})
    return {k: v for k, v in data.items() if v is not None}


# --- starting and changing a request ---------------------------------------------------------


def test_lead_starts_a_request_and_reaches_check_your_answers(client_for, workforce_lead, la, cap):
    client = client_for(workforce_lead)
    assert "Ask permission to pay above the cap" in client.get(reverse("breaches:request-new")).text

    response = client.post(reverse("breaches:request-new"), form_data(la))

    breach_request = BreachRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("breaches:request-check", args=[breach_request.pk])
    page = client.get(response.url).text
    assert "Check your answers before sending the request" in page
    assert "£35.00 an hour" in page and "£5.00 an hour (14.3%)" in page


def test_contract_length_in_weeks_sets_the_end_date(client_for, workforce_lead, la, cap):
    client_for(workforce_lead).post(
        reverse("breaches:request-new"), form_data(la, contract_end="", contract_weeks="26", action="draft")
    )

    breach_request = BreachRequest.objects.get()
    assert breach_request.contract_end == breach_request.contract_start + timedelta(weeks=26, days=-1)


def test_saving_a_draft_does_not_need_the_confirmation(client_for, workforce_lead, la, cap):
    response = client_for(workforce_lead).post(
        reverse("breaches:request-new"), form_data(la, confirms_no_other_breach=None, reason="", action="draft")
    )

    assert response.status_code == 302
    assert BreachRequest.objects.get().status == BreachRequestStatus.DRAFT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"proposed_rate": "35.00"}, "is not above the cap of £35.00 an hour for Social worker, so it is not a breach"),
        (
            {"contract_start": "2026-01-01"},
            "There is no published cap for Social worker in West Midlands on 1 January 2026",
        ),
        (
            {"confirms_no_other_breach": None},
            "Confirm that no other term of the agreement, such as the cool-off period",
        ),
        ({"number_of_roles": "0"}, "Enter the number of roles, 1 or more"),
        ({"contract_end": "2026-04-01"}, "The contract end date must be the same as or after the start date"),
        ({"contract_end": ""}, "Enter the contract end date or its length in weeks"),
        ({"contract_start_day": "31", "contract_start_month": "2"}, "The contract start date must be a real date"),
        ({"contract_start_day": ""}, "The contract start date must include a day, month and year"),
        ({"contract_start_year": "next"}, "The contract start date must be a real date"),
        ({"proposed_rate": "lots"}, "Enter the proposed hourly pay rate as a number, like 42.50"),
        ({"role_grade": ""}, "Select the role"),
    ],
)
def test_bad_input_is_refused_with_a_named_error_and_nothing_written(
    client_for, workforce_lead, la, cap, overrides, message
):
    response = client_for(workforce_lead).post(reverse("breaches:request-new"), form_data(la, **overrides))

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text.replace("&#x27;", "'")
    assert not BreachRequest.objects.exists()


def test_a_date_that_is_not_real_links_from_the_summary_to_its_day_box(client_for, workforce_lead, la, cap):
    response = client_for(workforce_lead).post(
        reverse("breaches:request-new"), form_data(la, contract_end_day="31", contract_end_month="9")
    )

    assert 'href="#id_contract_end_0">The contract end date must be a real date' in response.text
    assert 'id="id_contract_end_0" name="contract_end_day" type="text" inputmode="numeric" value="31"' in response.text


@pytest.mark.parametrize(
    "person", ["dcs", "chief_executive", "la_viewer", "programme_manager", "agency_contact", "nobody"]
)
def test_only_workforce_leads_may_start_a_request(request, client_for, person):
    response = client_for(request.getfixturevalue(person)).get(reverse("breaches:request-new"))

    assert response.status_code == 403


def test_lead_changes_a_draft(client_for, workforce_lead, draft):
    client = client_for(workforce_lead)
    page = client.get(reverse("breaches:request-edit", args=[draft.pk])).text
    assert 'value="40.00"' in page
    assert f'name="contract_start_year" type="text" inputmode="numeric" value="{draft.contract_start.year}"' in page

    client.post(
        reverse("breaches:request-edit", args=[draft.pk]), form_data(draft.local_authority, proposed_rate="44.00")
    )

    draft.refresh_from_db()
    assert draft.proposed_rate == Decimal("44.00")


@pytest.mark.parametrize("person", ["second_la_lead", "dcs", "la_viewer"])
def test_others_may_not_change_a_draft(request, client_for, draft, person):
    response = client_for(request.getfixturevalue(person)).post(
        reverse("breaches:request-edit", args=[draft.pk]), form_data(draft.local_authority, proposed_rate="44.00")
    )

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.proposed_rate == Decimal("40.00")


def test_submit_from_check_your_answers(client_for, workforce_lead, draft, dcs):
    response = client_for(workforce_lead).post(reverse("breaches:request-submit", args=[draft.pk]))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == BreachRequestStatus.AWAITING_SIGNATURES


def test_submit_refusal_is_shown_on_check_your_answers(client_for, workforce_lead, draft):
    BreachRequest.objects.filter(pk=draft.pk).update(confirms_no_other_breach=False)

    response = client_for(workforce_lead).post(reverse("breaches:request-submit", args=[draft.pk]))

    assert response.status_code == 400
    assert "There is a problem" in response.text and "#id_confirms_no_other_breach" in response.text


def test_similar_requests_in_the_region_are_shown_before_submitting(
    client_for, workforce_lead, draft, second_la, foreign_la
):
    decided_request(second_la, proposed_rate=Decimal("41.00"), reference="BR-SIM-00001")
    decided_request(second_la, proposed_rate=Decimal("48.00"), reference="BR-FAR-00001")
    decided_request(foreign_la, proposed_rate=Decimal("40.00"), reference="BR-LDN-00001")

    page = client_for(workforce_lead).get(reverse("breaches:request-check", args=[draft.pk])).text

    assert "BR-SIM-00001" in page
    assert "BR-FAR-00001" not in page and "BR-LDN-00001" not in page


# --- seeing a request ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "draft_visible", "submitted_visible", "decided_visible"),
    [
        ("workforce_lead", True, True, True),
        ("la_viewer", True, True, True),
        ("dcs", True, True, True),
        ("programme_manager", False, True, True),
        ("riia_member", False, True, True),
        ("second_la_lead", False, False, True),
        ("msp_viewer", False, False, True),
        ("foreign_lead", False, False, False),
        ("foreign_programme_manager", False, False, False),
        ("agency_contact", False, False, False),
        ("nobody", False, False, False),
    ],
)
def test_who_sees_a_request(request, client_for, la, cap, person, draft_visible, submitted_visible, decided_visible):
    client = client_for(request.getfixturevalue(person))
    for breach_request, expected in [
        (BreachRequestFactory(local_authority=la), draft_visible),
        (BreachRequestFactory(local_authority=la, submitted=True), submitted_visible),
        (decided_request(la), decided_visible),
    ]:
        response = client.get(reverse("breaches:request-detail", args=[breach_request.pk]))
        assert response.status_code == (200 if expected else 403), breach_request.status
        listed = breach_request.reference in client.get(reverse("breaches:request-list")).text
        assert listed == expected


# --- signing, returning, deciding ------------------------------------------------------------


@pytest.mark.parametrize(("person", "role"), [("dcs", Role.DCS), ("chief_executive", Role.CHIEF_EXECUTIVE)])
def test_dcs_and_chief_executive_see_the_sign_button_and_sign(request, client_for, awaiting_signatures, person, role):
    client = client_for(request.getfixturevalue(person))
    assert "Sign the request" in client.get(reverse("breaches:request-detail", args=[awaiting_signatures.pk])).text
    page = client.get(reverse("breaches:request-sign", args=[awaiting_signatures.pk])).text
    assert "Sign and approve" in page and "I confirm that paying £40.00 an hour" in page

    response = client.post(
        reverse("breaches:request-sign", args=[awaiting_signatures.pk]), {"role": role, "declaration": "on"}
    )

    assert response.status_code == 302
    assert Signature.objects.get().role == role


@pytest.mark.parametrize("person", ["workforce_lead", "la_viewer", "programme_manager", "second_la_lead"])
def test_others_see_no_sign_button_and_cannot_sign(request, client_for, awaiting_signatures, person):
    client = client_for(request.getfixturevalue(person))
    page = client.get(reverse("breaches:request-detail", args=[awaiting_signatures.pk]))
    assert "Sign the request" not in page.text

    response = client.post(
        reverse("breaches:request-sign", args=[awaiting_signatures.pk]), {"role": Role.DCS, "declaration": "on"}
    )

    assert response.status_code in (400, 403)
    assert not Signature.objects.exists()


def test_signing_a_withdrawn_request_says_why(client_for, awaiting_signatures, dcs):
    BreachRequest.objects.filter(pk=awaiting_signatures.pk).update(status=BreachRequestStatus.WITHDRAWN)

    response = client_for(dcs).post(
        reverse("breaches:request-sign", args=[awaiting_signatures.pk]), {"role": Role.DCS, "declaration": "on"}
    )

    assert response.status_code == 400
    assert "because it is withdrawn" in response.text


def test_return_needs_a_comment(client_for, awaiting_signatures, dcs):
    response = client_for(dcs).post(reverse("breaches:request-return", args=[awaiting_signatures.pk]), {"comment": ""})

    assert response.status_code == 400
    assert "Enter what the local authority needs to change or explain" in response.text


@pytest.fixture
def awaiting_decision(awaiting_signatures, dcs, chief_executive):
    breach_request_sign(breach_request=awaiting_signatures, actor=dcs, role=Role.DCS)
    return breach_request_sign(breach_request=awaiting_signatures, actor=chief_executive, role=Role.CHIEF_EXECUTIVE)


def test_programme_manager_approves_with_conditions(client_for, awaiting_decision, programme_manager):
    client = client_for(programme_manager)
    assert "Record the decision" in client.get(reverse("breaches:request-detail", args=[awaiting_decision.pk])).text
    expiry = timezone.localdate() + timedelta(days=90)

    response = client.post(
        reverse("breaches:request-decide", args=[awaiting_decision.pk]),
        {"outcome": "approved", "conditions": "Review in 3 months", **date_boxes("expires_on", expiry)},
    )

    assert response.status_code == 302
    assert (Decision.objects.get().conditions, Decision.objects.get().expires_on) == ("Review in 3 months", expiry)


def test_programme_manager_returns_for_more_information(client_for, awaiting_decision, programme_manager):
    client_for(programme_manager).post(
        reverse("breaches:request-decide", args=[awaiting_decision.pk]), {"outcome": "return", "comment": "Which team?"}
    )

    awaiting_decision.refresh_from_db()
    assert awaiting_decision.status == BreachRequestStatus.RETURNED


@pytest.mark.parametrize("person", ["sub_regional_lead", "riia_member", "dcs", "foreign_programme_manager"])
def test_others_cannot_decide(request, client_for, awaiting_decision, person):
    response = client_for(request.getfixturevalue(person)).post(
        reverse("breaches:request-decide", args=[awaiting_decision.pk]), {"outcome": "approved"}
    )

    assert response.status_code in (400, 403)
    assert not Decision.objects.exists()


def test_rejecting_without_a_reason_names_the_comment_field(client_for, awaiting_decision, programme_manager):
    response = client_for(programme_manager).post(
        reverse("breaches:request-decide", args=[awaiting_decision.pk]), {"outcome": "rejected"}
    )

    assert response.status_code == 400
    assert 'href="#id_comment">Enter why the request is rejected' in response.text


def test_lead_withdraws(client_for, awaiting_signatures, workforce_lead):
    client_for(workforce_lead).post(reverse("breaches:request-withdraw", args=[awaiting_signatures.pk]))

    awaiting_signatures.refresh_from_db()
    assert awaiting_signatures.status == BreachRequestStatus.WITHDRAWN


def test_lead_withdraws_a_draft_and_sees_it_withdrawn(client_for, draft, workforce_lead):
    client = client_for(workforce_lead)
    response = client.post(reverse("breaches:request-withdraw", args=[draft.pk]))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == BreachRequestStatus.WITHDRAWN
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"Breach request {draft.reference} withdrawn." in page.text


def test_get_never_changes_a_request(client_for, awaiting_signatures, dcs):
    response = client_for(dcs).get(reverse("breaches:request-sign", args=[awaiting_signatures.pk]))

    assert response.status_code == 200
    assert not Signature.objects.exists()


# --- the region's decisions register and the cap endpoint ------------------------------------


@pytest.mark.parametrize(
    ("person", "status"),
    [("second_la_lead", 200), ("programme_manager", 200), ("msp_viewer", 200), ("foreign_lead", 403), ("nobody", 403)],
)
def test_region_decisions_register(request, client_for, region, la, cap, person, status):
    decided_request(la, reference="BR-DEC-00001")
    BreachRequestFactory(local_authority=la, submitted=True, reference="BR-OPN-00001")

    response = client_for(request.getfixturevalue(person)).get(reverse("breaches:region-decisions", args=[region.slug]))

    assert response.status_code == status
    if status == 200:
        assert "BR-DEC-00001" in response.text and "BR-OPN-00001" not in response.text


def test_cap_endpoint_gives_the_cap_to_the_las_staff(client_for, workforce_lead, la, cap):
    from tests.rates.factories import core_grade

    params = {"local_authority": la.pk, "role_grade": core_grade().pk, "contract_start": "2026-06-01"}
    body = client_for(workforce_lead).get(reverse("breaches:request-cap"), params).json()

    assert body["cap"] == "35.00" and body["allowed_rate"] == "35.00"


@pytest.mark.parametrize("person", ["second_la_lead", "foreign_lead", "nobody"])
def test_cap_endpoint_is_refused_for_other_las(request, client_for, la, cap, person):
    from tests.rates.factories import core_grade

    params = {"local_authority": la.pk, "role_grade": core_grade().pk, "contract_start": "2026-06-01"}
    response = client_for(request.getfixturevalue(person)).get(reverse("breaches:request-cap"), params)

    assert response.status_code == 403


def test_cap_endpoint_answers_bad_input_with_a_message(client_for, workforce_lead, la):
    response = client_for(workforce_lead).get(reverse("breaches:request-cap"), {"local_authority": la.pk})

    assert response.status_code == 400 and "contract_start" in response.json()["error"]


def test_admin_lists_requests_read_only(client, django_user_model, draft):
    admin = django_user_model.objects.create_superuser("admin@example.gov.uk", "pw", full_name="Admin")
    client.force_login(admin)

    assert draft.reference in client.get("/admin/breaches/breachrequest/").text
    assert client.get(f"/admin/breaches/breachrequest/{draft.pk}/change/").status_code == 200
    assert client.get("/admin/breaches/breachrequest/add/").status_code == 403


# --- related case studies ---------------------------------------------------------------------


@pytest.fixture
def case_studies(second_la, foreign_la):
    from casestudies.models import CaseStudy
    from tests.casestudies.factories import CaseStudyFactory, TagFactory

    social_worker, teams = TagFactory(slug="social-worker"), TagFactory(slug="project-teams")
    info = CaseStudy.Type.INFORMATION
    return {
        "same_role": CaseStudyFactory(
            author_la=second_la, published=True, case_type=info, tags=[social_worker], title="Dudley social workers"
        ),
        "project_team": CaseStudyFactory(
            author_la=second_la, published=True, case_type=info, tags=[teams], title="A project team offer"
        ),
        "other_region": CaseStudyFactory(
            author_la=foreign_la,
            published=True,
            case_type=CaseStudy.Type.BREACHES,
            tags=[social_worker],
            title="Camden social workers",
        ),
        "draft": CaseStudyFactory(author_la=second_la, case_type=info, tags=[social_worker], title="Unpublished"),
    }


def test_check_your_answers_lists_related_case_studies_the_lead_may_see(
    client_for, workforce_lead, draft, case_studies
):
    page = client_for(workforce_lead).get(reverse("breaches:request-check", args=[draft.pk])).text

    assert "Related case studies" in page
    assert "Dudley social workers" in page
    assert reverse("casestudies:detail", args=[case_studies["same_role"].pk]) in page
    # Another region's case study (not shared nationally) and another LA's draft stay hidden.
    assert "Camden social workers" not in page and "Unpublished" not in page
    assert "A project team offer" not in page  # not a project team request


def test_request_page_adds_project_team_case_studies_for_a_project_team(
    client_for, awaiting_signatures, dcs, case_studies
):
    BreachRequest.objects.filter(pk=awaiting_signatures.pk).update(is_project_team=True)

    page = client_for(dcs).get(reverse("breaches:request-detail", args=[awaiting_signatures.pk])).text

    assert "Dudley social workers" in page and "A project team offer" in page
    assert "Camden social workers" not in page and "Unpublished" not in page


def test_a_case_study_shared_nationally_shows_in_another_region(client_for, foreign_lead, foreign_la, case_studies):
    from tests.breaches.factories import cap_in

    cap_in(foreign_la.region)
    theirs = BreachRequestFactory(local_authority=foreign_la, created_by=foreign_lead)
    case_studies["same_role"].share_nationally = True
    case_studies["same_role"].save(update_fields=["share_nationally"])

    page = client_for(foreign_lead).get(reverse("breaches:request-detail", args=[theirs.pk])).text

    assert "Dudley social workers" in page and "Camden social workers" in page


def test_a_new_request_is_pre_filled_from_the_address(client_for, workforce_lead, la):
    from datetime import date

    from tests.rates.factories import core_grade

    query = (
        f"?local_authority={la.pk}&role_grade={core_grade().pk}&engagement_type=paye&proposed_rate=41.25"
        "&number_of_roles=2&contract_start=2026-06-01&contract_end=2026-11-30&is_project_team=1"
    )

    response = client_for(workforce_lead).get(reverse("breaches:request-new") + query)

    assert response.context["form"].initial == {
        "local_authority": la.pk,
        "role_grade": core_grade().pk,
        "engagement_type": "paye",
        "proposed_rate": Decimal("41.25"),
        "number_of_roles": 2,
        "contract_start": date(2026, 6, 1),
        "contract_end": date(2026, 11, 30),
        "is_project_team": True,
    }
    page = response.content.decode()
    assert 'value="41.25"' in page and 'value="2026"' in page


def test_a_post_is_not_pre_filled_from_the_address(client_for, workforce_lead, la):
    response = client_for(workforce_lead).post(reverse("breaches:request-new") + "?proposed_rate=41.25", {})

    assert response.context["form"].initial == {}
