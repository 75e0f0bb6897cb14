import pytest

from casestudies.services import CaseStudyData
from tests.casestudies.factories import CaseStudyFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def complete_data():
    return CaseStudyData(
        title="Stopping a project team offer above the cap",
        case_type="breaches",
        issue="An agency offered the same four candidates as a project team above the cap.",
        decision="The workforce lead and the DCS agreed to negotiate with the candidates directly.",
        outcome="successful",
        outcome_assessment="All four candidates accepted the capped rate.",
        learning="Check project team offers against the MSP system for candidates already presented.",
    )


@pytest.fixture
def draft(la, workforce_lead):
    return CaseStudyFactory(author_la=la, author=workforce_lead, title="Draft about soliciting")


@pytest.fixture
def submitted(la, workforce_lead):
    return CaseStudyFactory(author_la=la, author=workforce_lead, status="submitted", title="Submitted one")


@pytest.fixture
def published(la, workforce_lead):
    return CaseStudyFactory(author_la=la, author=workforce_lead, published=True, title="Published one")
