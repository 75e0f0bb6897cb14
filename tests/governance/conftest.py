from datetime import date

import pytest

from governance.services import EscalationData, escalation_raise


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def raise_escalation(region, agency, programme_manager):
    def make(actor, **changes):
        values = {
            "region": region,
            "kind": "soliciting",
            "what_happened": "An agency rang our social workers offering more to move to a neighbouring LA.",
            "occurred_on": date(2026, 3, 2),
            "agencies": [agency],
        }
        values.update(changes)
        return escalation_raise(actor=actor, data=EscalationData(**values))

    return make


@pytest.fixture
def raised(raise_escalation, agency_contact):
    return raise_escalation(agency_contact)


@pytest.fixture
def accepted(raised, programme_manager):
    from governance.services import escalation_triage

    return escalation_triage(actor=programme_manager, escalation=raised, decision="accepted")


@pytest.fixture
def closed(accepted, programme_manager):
    from governance.services import escalation_close, escalation_entry_record

    escalation_entry_record(
        actor=programme_manager, escalation=accepted, kind="contact", text="Agreed to stop", contact="Agency director"
    )
    return escalation_close(actor=programme_manager, escalation=accepted, outcome="The agency agreed to stop calling.")
