"""Issue 12 in a real browser: each role walks the changed pages at 1280 px and at 375 px wide. No page
scrolls sideways (wide tables scroll inside their own labelled container), the top navigation keeps to
one line at 1280 px, and axe-core (run on every page by the conftest) finds nothing."""

import pytest

from breaches.services.requests import breach_request_sign
from riia.models import Role
from tests.breaches.factories import BreachRequestFactory, cap_in, decided_request
from tests.breaches.factories_register import BreachRecordFactory, SanctionFactory, SanctionPolicyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["workforce_lead", "dcs", "chief_executive", "la_viewer", "programme_manager", "sub_regional_lead"]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("person", ROLES)
def test_changed_pages_fit_every_width_for_every_role(
    request, page, sign_in, person, region, la, workforce_lead, dcs, chief_executive, second_la
):
    cap_in(region)
    region.help_contact = "Jane Smith, RIIA programme manager, riia@wm.example.gov.uk, 0121 496 0000"
    region.save(update_fields=["help_contact"])
    one_signature = BreachRequestFactory(local_authority=la, submitted=True, reference="BR-100-00001")
    breach_request_sign(breach_request=one_signature, actor=dcs, role=Role.DCS)
    decided_request(la, reference="BR-100-00002", outcome="rejected")
    SanctionFactory(
        policy=SanctionPolicyFactory(region=region),
        local_authority=la,
        breach_records=[BreachRecordFactory(local_authority=la)],
    )
    user = request.getfixturevalue(person)
    pages = [
        "/",
        "/breaches/requests/",
        f"/breaches/requests/{one_signature.pk}/",
        f"/breaches/regions/{region.slug}/decisions/",
        f"/rates/regions/{region.slug}/",
        "/breaches/sanctions/",
        "/privacy/",
        "/notifications/",
        "/notifications/settings/",
    ]
    if person == "chief_executive":
        pages.append(f"/breaches/requests/{one_signature.pk}/sign/")

    sign_in(user)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            response = page.goto(path)
            assert response.status == 200, path
            assert no_sideways_scroll(page), f"{path} scrolls sideways at {width} px for {person}"
            if width == 1280:
                tops = page.eval_on_selector_all(
                    ".govuk-service-navigation__item", "items => new Set(items.map(i => i.offsetTop)).size"
                )
                assert tops <= 1, f"the top navigation wraps at 1280 px for {person}"
