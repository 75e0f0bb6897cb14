"""The region dashboard's cached body (datareturns.dashboard_cache): an entry is never shown to a
person the rules would show different figures, and new data (a recompute, a queued recompute, a
sign-off, new KPI thresholds) shows on the next request. Also the page frame's navigation, now built
from the memberships the request already read, against the selector it replaces."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from datareturns.models import BenchmarkRow, BenchmarkSnapshot, QuarterlyReturn, ReturnStatus
from datareturns.services_kpis import region_kpi_settings_update
from riia.models import Membership, Role
from riia.rules import member_regions
from riia.selectors import regions_visible_to
from tests.datareturns.test_dashboards import _text, snapshots  # noqa: F401 (the fixture)
from tests.riia.factories import LocalAuthorityFactory, person_with_role


def _page(user, region, **query) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("dashboards:region", args=[region.slug]), query)
    assert response.status_code == 200
    return _text(response)


def _dudley_pay(text: str) -> str:
    """The median pay cell of Dudley's row (4 placements: suppressed unless the rules allow)."""
    row = text.split(">Dudley</a></th>", 1)[1].split("</tr>", 1)[0]
    return row.split('govuk-table__cell--numeric">')[2].split("<", 1)[0]


@pytest.mark.usefixtures("snapshots")
@pytest.mark.parametrize("first", ["programme_manager", "workforce_lead", "second_la_lead", "riia_member"])
def test_no_one_sees_a_cached_page_of_someone_allowed_other_figures(request, first, region):
    """Whoever fills the cache first, each person sees exactly what the rules give them: Dudley's
    small-number pay only for its own people and the programme manager."""
    expected = {
        "programme_manager": "£39.00",
        "workforce_lead": "£39.00",  # Dudley's own
        "second_la_lead": "[c]",
        "riia_member": "[c]",
    }
    people = {name: request.getfixturevalue(name) for name in expected}
    order = [first, *[name for name in expected if name != first]]
    for name in order + order:  # the second round reads entries the first one stored
        assert _dudley_pay(_page(people[name], region)) == expected[name], name


@pytest.mark.usefixtures("snapshots")
def test_people_with_the_same_view_share_an_entry(riia_member, region):
    """A second RIIA member of the region gets the stored body: no benchmark row is read again."""
    other_member = person_with_role(Role.RIIA_MEMBER, region)
    first = _page(riia_member, region)
    client = Client()
    client.force_login(other_member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:region", args=[region.slug]))
    assert not [q for q in queries.captured_queries if BenchmarkRow._meta.db_table in q["sql"]]
    assert _dudley_pay(_text(response)) == _dudley_pay(first) == "[c]"


@pytest.mark.usefixtures("snapshots")
def test_unknown_query_parameters_neither_reach_the_page_nor_make_new_entries(riia_member, region):
    """Only quarter, role, sort and order key the cache and the sort links: anything else is ignored."""
    _page(riia_member, region, sort="name")
    client = Client()
    client.force_login(riia_member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:region", args=[region.slug]), {"sort": "name", "junk": "x1"})
    assert not [q for q in queries.captured_queries if BenchmarkRow._meta.db_table in q["sql"]]
    assert "junk" not in response.content.decode()


@pytest.mark.usefixtures("snapshots")
def test_a_recompute_shows_its_new_figures_at_once(programme_manager, region, la):
    assert _dudley_pay(_page(programme_manager, region)) == "£39.00"
    snapshot = BenchmarkSnapshot.objects.get(scope=f"la:{la.new_code}")
    # Rows changed without a new computed_at are not a recompute (a snapshot is replaced whole):
    # the stored page is still shown, which is what makes it a cache.
    BenchmarkRow.objects.filter(snapshot=snapshot, quarter="2026-Q2").update(median_pay=Decimal("44.44"))
    assert _dudley_pay(_page(programme_manager, region)) == "£39.00"
    # A recompute stamps a new computed_at with its rows: the next request shows them.
    BenchmarkSnapshot.objects.filter(pk=snapshot.pk).update(computed_at=snapshot.computed_at + timedelta(hours=1))
    assert _dudley_pay(_page(programme_manager, region)) == "£44.44"


@pytest.mark.usefixtures("snapshots")
def test_a_queued_recompute_is_announced_on_a_cached_page(programme_manager, region):
    assert "being recomputed" not in _page(programme_manager, region)
    BenchmarkSnapshot.objects.filter(scope="england").update(queued_at=timezone.now())
    assert "these figures are being recomputed" in _page(programme_manager, region)


@pytest.mark.usefixtures("snapshots")
def test_a_recompute_turning_late_is_announced_on_a_cached_page(programme_manager, region):
    """Late is a matter of the clock and the outbox, not of the data version: it keys the page too."""
    from datareturns.tasks import benchmarks_recompute_task
    from riia.models import OutboxMessage

    BenchmarkSnapshot.objects.filter(scope="england").update(queued_at=timezone.now())
    assert "these figures are being recomputed" in _page(programme_manager, region)
    message = OutboxMessage.objects.create(task=benchmarks_recompute_task.name, args=[["england"]])
    assert "Newer data is waiting to be included." in _page(programme_manager, region)
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
    assert "these figures are being recomputed" in _page(programme_manager, region)
    BenchmarkSnapshot.objects.filter(scope="england").update(queued_at=timezone.now() - timedelta(minutes=2))
    assert "Newer data is waiting to be included." in _page(programme_manager, region)


@pytest.mark.usefixtures("snapshots")
def test_new_kpi_thresholds_and_a_sign_off_change_the_rag_at_once(programme_manager, region, la):
    before = _page(programme_manager, region, quarter="2025-Q3")
    assert "green up to 30" not in before
    region_kpi_settings_update(
        actor=programme_manager,
        region=region,
        share_above_cap_green=Decimal("0.3000"),
        share_above_cap_amber=Decimal("0.4000"),
        unauthorised_green=5,
        unauthorised_amber=6,
        return_late_amber_days=14,
    )
    after = _page(programme_manager, region, quarter="2025-Q3")
    assert "green up to 30" in after and after != before
    QuarterlyReturn.objects.create(
        local_authority=la,
        quarter="2025-Q3",
        status=ReturnStatus.SIGNED_OFF,
        signed_off_at=timezone.now() - timedelta(days=400),
        signed_off_by=programme_manager,
    )
    signed = _page(programme_manager, region, quarter="2025-Q3")
    assert "Signed off" in signed and signed != after


@pytest.mark.parametrize(
    "person",
    [
        "programme_manager",
        "riia_member",
        "workforce_lead",
        "second_la_lead",
        "msp_uploader",
        "agency_contact",
        "nobody",
    ],
)
def test_navigation_regions_are_the_selectors(request, person, region, other_region, la, second_la, msp):
    user = request.getfixturevalue(person)
    expected = list(regions_visible_to(user=user).order_by("name"))
    assert member_regions(user) == expected


def test_navigation_regions_of_someone_in_two_regions(workforce_lead, other_region, foreign_la, msp):
    Membership.objects.create(user=workforce_lead, role=Role.RIIA_MEMBER, region=other_region)
    Membership.objects.create(user=workforce_lead, role=Role.MSP_VIEWER, msp=msp)
    expected = list(regions_visible_to(user=workforce_lead).order_by("name"))
    assert len(expected) == 2
    assert member_regions(workforce_lead) == expected


@pytest.mark.usefixtures("snapshots")
def test_a_new_la_of_the_region_shows_at_once(programme_manager, region):
    assert "Walsall" not in _page(programme_manager, region)
    LocalAuthorityFactory(region=region, name="Walsall")
    assert "Walsall" in _page(programme_manager, region)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_data_version_is_prepared_once_per_connection_and_gives_the_same_answer(region):
    from datareturns import dashboard_cache

    connection.ensure_connection()
    dashboard_cache._prepared.pop(connection.connection, None)
    with CaptureQueriesContext(connection) as first:
        version = dashboard_cache.region_data_version(region=region)
    with CaptureQueriesContext(connection) as second:
        assert dashboard_cache.region_data_version(region=region) == version
    assert first.captured_queries[0]["sql"].startswith("SELECT 1 FROM pg_prepared_statements")
    assert [q["sql"].split(" ")[0] for q in second.captured_queries] == ["EXECUTE"]
    # A process that lost count of what its connection prepared asks the server, not PREPAREs twice.
    dashboard_cache._prepared.pop(connection.connection)
    assert dashboard_cache.region_data_version(region=region) == version
    # The same answer as the statement run directly.
    with connection.cursor() as cursor:
        cursor.execute(dashboard_cache._region_version_sql(lambda key: f"%({key})s"), {
            "england": "england", "region_scope": f"region:{region.slug}", "la": "la", "region": region.pk
        })  # fmt: skip
        direct = tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in cursor.fetchone())
    assert direct == version
