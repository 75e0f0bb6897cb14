from pathlib import Path

import pytest

from breaches.demo import load_requests
from breaches.models import BreachRequest, BreachRequestStatus
from riia.demo import DEMO_DOMAIN, EXAMPLES, demo_load

README = Path(__file__).resolve().parents[2] / "README.md"

pytestmark = pytest.mark.django_db


def test_demo_makes_a_request_in_each_state_in_both_regions_and_is_idempotent():
    result = demo_load()

    for region in ("West Midlands", "London"):
        statuses = set(
            BreachRequest.objects.filter(local_authority__region__name=region).values_list("status", flat=True)
        )
        assert statuses == {
            BreachRequestStatus.DRAFT,
            BreachRequestStatus.AWAITING_SIGNATURES,
            BreachRequestStatus.AWAITING_DECISION,
            BreachRequestStatus.APPROVED,
            BreachRequestStatus.REJECTED,
        }, region
    assert any("Breach requests in London: 5 created" in line for line in result.lines)
    count = BreachRequest.objects.count()

    lines = load_requests()

    assert BreachRequest.objects.count() == count
    assert all("already there" in line for line in lines)


def test_demo_printout_names_who_has_a_request_to_decide_and_no_zero_lines():
    result = demo_load()

    waiting = BreachRequest.objects.get(
        local_authority__region__name="London", status=BreachRequestStatus.AWAITING_DECISION
    )
    line = next(line for line in result.lines if f"{waiting.reference} waits for a decision" in line)
    # London decides sub-regionally: the printout names the group's sub-regional lead, not any other.
    assert f"srl.{waiting.local_authority.group.slug}@" in line
    # The sign-in examples (and the README) name that same sub-regional lead.
    srl_examples = [email for email, _ in EXAMPLES if email.startswith("srl.")]
    assert srl_examples == [f"srl.{waiting.local_authority.group.slug}@{DEMO_DOMAIN}"]
    assert f"`{srl_examples[0]}` has {waiting.local_authority.name}'s request to decide" in README.read_text()
    # The demo regions have a help contact, set through the audited service.
    assert waiting.local_authority.region.help_contact.startswith("Demo Programme Manager (London)")
    assert not any(" 0 " in f" {line} " for line in result.lines)
