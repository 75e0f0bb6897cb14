import pytest

from casestudies.demo import load
from casestudies.models import CaseStudy, Resource
from riia.demo import demo_load

pytestmark = pytest.mark.django_db


def test_demo_loads_six_published_case_studies_with_the_cool_off_template_once():
    demo_load()  # people first; it runs the case studies loader too
    lines = load()

    assert lines == ["Case studies: 6 already there."]  # no "0 ... created" line that reads like a failure
    assert CaseStudy.objects.filter(status="published", share_nationally=True).count() == 6
    for case_study in CaseStudy.objects.all():
        assert case_study.issue and case_study.decision and case_study.outcome_assessment and case_study.learning
        assert case_study.revisions.count() == 1
    template = Resource.objects.get(kind="cool_off")
    assert "{{ cool-off months }}" in template.versions.get().body
    assert template.case_study.title == "Developing a 'cool-off template'"
    assert set(CaseStudy.objects.values_list("region__slug", flat=True)) == {"london", "west-midlands"}
