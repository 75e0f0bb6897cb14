"""A small data set whose benchmark figures are worked out by hand in test_benchmarks.py.

Today is 15 May 2026 (2026-Q2). West Midlands: Dudley (in the Black Country group) has placements;
Coventry (no group) has none. London: Camden has one. 2025-Q4 has no active placement at all."""

from datetime import UTC, date, datetime
from decimal import Decimal

from datareturns.models import Placement, QuarterlyReturn, ReturnRoleFigures, ReturnStatus, Upload
from rates.models import CoreJobType
from tests.rates.factories import PriceCapFactory, RoleGradeFactory, core_grade
from tests.riia.factories import AgencyFactory, UserFactory

TODAY = date(2026, 5, 15)
QUARTERS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def placement(la, grade, *, number, pay, charge, hours, start, end=None, **flags):
    upload = Upload.objects.filter(sender=f"la:{la.pk}").first() or Upload.objects.create(
        kind=Upload.Kind.PLACEMENTS,
        sender=f"la:{la.pk}",
        local_authority=la,
        content_hash=f"hash-{la.pk}",
        content_type="text/csv",
        status=Upload.Status.COMPLETE,
    )
    agency = AgencyFactory(name=f"Agency for {number}")
    return Placement.objects.create(
        local_authority=la,
        sender=f"la:{la.pk}",
        assignment_id=f"A-{number}",
        worker_hash=f"worker-{number}",
        role_grade=grade,
        engagement_type="limited_company",
        hourly_pay_rate=Decimal(pay),
        charge_rate=Decimal(charge),
        start_date=start,
        end_date=end,
        hours_per_week=Decimal(hours),
        agency=agency,
        project_team=False,
        pqe_years=Decimal("4"),
        upload=upload,
        **{f"flag_{name}": value for name, value in flags.items()},
    )


def signed_off_return(la, quarter, figures):
    signer = UserFactory()
    quarterly_return = QuarterlyReturn.objects.create(
        local_authority=la,
        quarter=quarter,
        status=ReturnStatus.SIGNED_OFF,
        signed_off_at=datetime(2026, 5, 15, 9, 0, tzinfo=UTC),
        signed_off_by=signer,
    )
    for core, (employed, conversions) in figures.items():
        ReturnRoleFigures.objects.create(
            quarterly_return=quarterly_return, core_type=core, employed_fte=Decimal(employed), conversions=conversions
        )
    return quarterly_return


def world_create(*, region, la, second_la, foreign_la):
    sw = core_grade()
    tm = core_grade(CoreJobType.TEAM_MANAGER)
    local_sw = RoleGradeFactory(region=region, core_type=CoreJobType.SOCIAL_WORKER, name="Social worker (locality)")
    PriceCapFactory(region=region, role_grade=sw, hourly_rate=Decimal("35.00"), effective_from=date(2025, 1, 1))
    placement(la, sw, number=1, pay="30.00", charge="40.00", hours="37", start=date(2025, 8, 1), end=date(2025, 9, 30))
    # Ends on 2026-Q2's first day: active one day in that quarter.
    placement(la, sw, number=2, pay="32.00", charge="45.00", hours="37", start=date(2026, 2, 1), end=date(2026, 4, 1))
    placement(la, sw, number=3, pay="34.00", charge="46.00", hours="30", start=date(2026, 3, 1))
    # Above the cap with an approved breach request (an exemption from the cap).
    placement(
        la, sw, number=4, pay="36.00", charge="50.00", hours="37", start=date(2026, 4, 1), above_cap_authorised=True
    )
    placement(
        la,
        local_sw,
        number=5,
        pay="38.00",
        charge="52.00",
        hours="20",
        start=date(2026, 4, 15),
        end=date(2026, 6, 30),
        above_cap_unauthorised=True,
        cool_off=True,
    )
    placement(
        la,
        tm,
        number=6,
        pay="45.00",
        charge="60.00",
        hours="37",
        start=date(2026, 5, 1),
        pqe_under_3_years=True,
        project_team_repricing=True,
    )
    placement(foreign_la, sw, number=7, pay="40.00", charge="55.00", hours="37", start=date(2026, 1, 10))
    signed_off_return(la, "2026-Q1", {CoreJobType.SOCIAL_WORKER: ("10.00", 2), CoreJobType.TEAM_MANAGER: ("3.00", 1)})
    QuarterlyReturn.objects.create(local_authority=second_la, quarter="2026-Q1")  # in progress: not counted
