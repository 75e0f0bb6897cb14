"""Realistic placement and permanent-leaver rows, for the demo and for ``manage.py bench``.

Rows come out as ``{column: text}`` dicts in the upload's columns (``validation.PLACEMENT_COLUMNS``
and ``LEAVER_COLUMNS``), exactly what an MSP's CSV would hold, so they go through the real upload.
The shape follows what regions see in their returns: hourly pay spread just under the caps with
about 8 % above the allowed rate, about 3 % in project teams (some of them re-priced above the same
worker's earlier individual rate), post-qualified experience mostly 3 to 15 years with a few under
3, 15 to 40 hours a week, assignments of a month to a year of which many have ended, a handful of
large agencies supplying most workers, and permanent leavers for about 5 % of workers, some of whom
come back as agency workers inside their region's cool-off period (some of those for a reason the
region exempts). The same seed gives the same rows.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import IO

from datareturns.models import LeaveReason
from datareturns.validation import PLACEMENT_COLUMNS
from rates.lookup import CapTable, cap_table_load
from rates.models import CoreJobType, EngagementType, RoleGrade
from riia.models import LocalAuthority, Region

ABOVE_CAP_SHARE = 0.08
PROJECT_TEAM_SHARE = 0.03
LEAVER_SHARE = 0.05
UNDER_3_YEARS_SHARE = 0.04
# Placements per worker over the period: most workers have one, some two or three.
WORKERS_PER_ROW = 0.65

# Fictional agencies (marked "demo" like the rest of the demo data); the first few supply most workers.
AGENCIES = [
    "Northside Social Care Recruitment (demo)",
    "Capital Children's Locums (demo)",
    "Meridian Social Work Solutions (demo)",
    "Beacon Family Services Recruitment (demo)",
    "Oakfield Locum Partners (demo)",
    "Pennine Children's Social Care (demo)",
    "Harbour Lane Recruitment (demo)",
    "Brookvale Professional Staffing (demo)",
    "Lantern Child Protection Locums (demo)",
    "Greenway Social Care Staffing (demo)",
    "Riverside Interim Social Work (demo)",
    "Hollybank Care Professionals (demo)",
    "Foxglove Social Work Associates (demo)",
    "Summit Family Court Locums (demo)",
    "Wrenfield Recruitment Group (demo)",
]
AGENCY_WEIGHTS = [1 / (rank + 1) for rank in range(len(AGENCIES))]

CORE_WEIGHTS = {
    CoreJobType.SOCIAL_WORKER: 45,
    CoreJobType.SENIOR_SOCIAL_WORKER: 25,
    CoreJobType.ADVANCED_PRACTITIONER: 10,
    CoreJobType.TEAM_MANAGER: 10,
    CoreJobType.IRO_CP_CHAIR: 5,
}
LOCAL_GRADE_WEIGHT = 3
# Used only where a region has no cap for the role on the start date (those rows are flagged so).
UNCAPPED_RATE = {
    CoreJobType.SOCIAL_WORKER: 3400,
    CoreJobType.SENIOR_SOCIAL_WORKER: 3700,
    CoreJobType.ADVANCED_PRACTITIONER: 4000,
    CoreJobType.TEAM_MANAGER: 4500,
    CoreJobType.IRO_CP_CHAIR: 4200,
}
ENGAGEMENTS = [EngagementType.LIMITED_COMPANY, EngagementType.UMBRELLA, EngagementType.PAYE]
ENGAGEMENT_WEIGHTS = [45, 35, 20]
EXEMPT_REASONS = [LeaveReason.REDUNDANCY, LeaveReason.PROBATION]
OTHER_REASONS = [
    LeaveReason.RESIGNED,
    LeaveReason.RESIGNED,
    LeaveReason.RESIGNED,
    LeaveReason.RETIRED,
    LeaveReason.DISMISSED,
    LeaveReason.END_OF_FIXED_TERM,
    LeaveReason.OTHER,
]
MAX_PENCE = 50000


@dataclass(frozen=True)
class GradeChoice:
    code: str
    id: int
    core_type: str
    weight: int


@dataclass(frozen=True)
class LaProfile:
    """What the generator needs to know about one LA: its code as sent, its region's cool-off period,
    caps and role grades."""

    id: int
    code: str
    region_id: int
    cool_off_months: int
    caps: CapTable
    grades: tuple[GradeChoice, ...]


def la_profiles_load(*, local_authorities: Iterable[LocalAuthority]) -> list[LaProfile]:
    """Profiles for these LAs: one ``cap_table_load`` and one grade query per region."""
    las = sorted(local_authorities, key=lambda la: la.old_code)
    regions = {r.pk: r for r in Region.objects.filter(pk__in={la.region_id for la in las})}
    grades = list(RoleGrade.objects.all())
    tables = {pk: cap_table_load(region=region) for pk, region in regions.items()}
    profiles = []
    for la in las:
        region = regions[la.region_id]
        choices = tuple(
            GradeChoice(
                g.code,
                g.pk,
                g.core_type,
                CORE_WEIGHTS.get(g.core_type, 0) if g.region_id is None else LOCAL_GRADE_WEIGHT,
            )
            for g in sorted(grades, key=lambda g: g.code)
            if g.region_id in (None, region.pk)
        )
        profiles.append(LaProfile(la.pk, la.old_code, region.pk, region.cool_off_months, tables[region.pk], choices))
    return profiles


@dataclass
class _Worker:
    registration: str
    la: int  # index into the LA list
    grade: GradeChoice
    engagement: str
    pqe_tenths: int
    agency: str
    starts: list[date] = field(default_factory=list)
    # The last individual (not project-team) hourly pay in pence, by LA index: for re-pricing.
    individual_pence: dict[int, int] = field(default_factory=dict)


def _money(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


class PlacementGenerator:
    """Plans workers once (cheap), then yields placement rows in start-date order without holding
    them all. ``leavers()`` needs only the plan."""

    def __init__(
        self,
        *,
        las: Sequence[LaProfile],
        rows: int,
        first_start: date,
        last_start: date,
        seed: int,
        assignment_prefix: str = "A",
        horizon: date | None = None,
    ) -> None:
        if not las:
            raise ValueError("The generator needs at least one LA.")
        if last_start < first_start:
            raise ValueError("The last start date must be on or after the first.")
        self.las = list(las)
        self.rows = rows
        self.first_start, self.last_start = first_start, last_start
        # End dates later than this are left blank (the assignment is still open).
        self.horizon = horizon or last_start
        self.seed = seed
        self.prefix = assignment_prefix
        self._by_region: dict[int, list[int]] = defaultdict(list)
        for index, la in enumerate(self.las):
            self._by_region[la.region_id].append(index)
        self._plan()

    # --- The plan: who works where, and when each placement starts.
    def _plan(self) -> None:
        rng = random.Random(f"{self.seed}:workers")
        count = max(1, min(self.rows, round(self.rows * WORKERS_PER_ROW)))
        numbers = rng.sample(range(10_000, 10_000_000), count)
        self.workers: list[_Worker] = []
        for number in numbers:
            la = rng.randrange(len(self.las))
            grades = self.las[la].grades
            grade = rng.choices(grades, weights=[g.weight for g in grades])[0]
            if rng.random() < UNDER_3_YEARS_SHARE:
                pqe = rng.randint(5, 29)
            else:
                pqe = rng.randint(3, 15) * 10 + (rng.randint(1, 9) if rng.random() < 0.3 else 0)
            self.workers.append(
                _Worker(
                    registration=f"SW{number}",
                    la=la,
                    grade=grade,
                    engagement=rng.choices(ENGAGEMENTS, weights=ENGAGEMENT_WEIGHTS)[0],
                    pqe_tenths=pqe,
                    agency=rng.choices(AGENCIES, weights=AGENCY_WEIGHTS)[0],
                )
            )
        owners = list(range(count)) + [rng.randrange(count) for _ in range(self.rows - count)]
        span = (self.last_start - self.first_start).days
        for owner in owners:
            self.workers[owner].starts.append(self.first_start + timedelta(days=rng.randint(0, span)))
        self._order = sorted(
            ((start, owner) for owner in range(count) for start in self.workers[owner].starts),
            key=lambda pair: (pair[0], pair[1]),
        )
        for worker in self.workers:
            worker.starts.sort()

    # --- Placements.
    def placements(self) -> Iterator[dict[str, str]]:
        rng = random.Random(f"{self.seed}:placements")
        for number, (start, owner) in enumerate(self._order, start=1):
            yield self._placement(rng, number, start, self.workers[owner])

    def _placement(self, rng: random.Random, number: int, start: date, worker: _Worker) -> dict[str, str]:
        la_index = worker.la
        if rng.random() < 0.1:
            la_index = rng.choice(self._by_region[self.las[worker.la].region_id])
        la = self.las[la_index]
        grade = worker.grade if worker.grade in la.grades else la.grades[0]
        earlier = worker.individual_pence.get(la_index)
        # About a third of placements follow an earlier individual one with the same LA; project
        # teams are drawn mostly from those (that is when re-pricing happens) so the share stays ~3 %.
        project_team = rng.random() < PROJECT_TEAM_SHARE * (2.25 if earlier else 0.5)
        pence = self._pay(rng, la, grade, worker.engagement, start)
        if project_team and earlier and rng.random() < 0.7:
            pence = min(MAX_PENCE, max(pence, earlier + rng.randint(150, 900)))  # re-priced upwards
        if not project_team:
            worker.individual_pence[la_index] = pence
        margin = rng.randint(150, 600)
        fee = rng.randint(50, 150)
        oncost = pence * 28 // 100 if worker.engagement == EngagementType.PAYE else rng.randint(0, 60)
        years_on = (start - worker.starts[0]).days * 10 // 365
        end = ""
        if rng.random() < 0.6:
            ends = start + timedelta(days=rng.randint(28, 365))
            if ends <= self.horizon:
                end = ends.isoformat()
        hours = "37" if rng.random() < 0.6 else str(rng.randint(30, 80) / 2).removesuffix(".0")
        vacancy = rng.random()
        pqe = worker.pqe_tenths + years_on
        return {
            "assignment_id": f"{self.prefix}{number:07d}",
            "la_code": la.code,
            "worker_registration": worker.registration,
            "role": grade.code,
            "engagement_type": str(worker.engagement),
            "hourly_pay_rate": _money(pence),
            "charge_rate": _money(min(MAX_PENCE, pence + margin + fee + oncost)),
            "agency_margin": _money(margin),
            "msp_fee": _money(fee),
            "start_date": start.isoformat(),
            "end_date": end,
            "hours_per_week": hours,
            "agency": worker.agency,
            "project_team": "true" if project_team else "false",
            "pqe_years": f"{pqe // 10}.{pqe % 10}" if pqe % 10 else str(pqe // 10),
            "covering_vacancy": "true" if vacancy < 0.75 else "false" if vacancy < 0.9 else "",
            "breach_request_reference": "",
        }

    def _pay(self, rng: random.Random, la: LaProfile, grade: GradeChoice, engagement: str, start: date) -> int:
        answer = la.caps.lookup(role_grade_id=grade.id, on=start, engagement_type=engagement, local_authority_id=la.id)
        if answer is None:
            return UNCAPPED_RATE.get(grade.core_type, 3500) * rng.randint(90, 110) // 100
        allowed = int(answer.allowed_rate * 100)
        draw = rng.random()
        if draw < ABOVE_CAP_SHARE:
            return min(MAX_PENCE, allowed + max(1, allowed * rng.randint(1, 18) // 100))
        if draw < ABOVE_CAP_SHARE + 0.2:
            return allowed  # paying exactly the cap is common
        return allowed * rng.randint(85, 99) // 100

    # --- Permanent leavers.
    def leavers(self) -> list[dict[str, str]]:
        """Leavers for about 5 % of workers: some come back as agency workers inside the cool-off
        period (a quarter of those for an exempt reason), some left long before, some never came back.
        Each is sent by the LA they left, in that LA's region."""
        rng = random.Random(f"{self.seed}:leavers")
        count = round(len(self.workers) * LEAVER_SHARE)
        chosen = rng.sample(range(len(self.workers)), min(count, len(self.workers)))
        used = {w.registration for w in self.workers}
        rows = []
        for index, owner in enumerate(chosen):
            worker = self.workers[owner]
            la = self.las[worker.la]
            months = la.cool_off_months
            left_la = self.las[rng.choice(self._by_region[la.region_id])]
            kind = index % 20
            if kind < 9:  # came back inside the cool-off period
                leave = worker.starts[0] - timedelta(days=rng.randint(7, max(8, months * 30 - 7)))
                reason = rng.choice(EXEMPT_REASONS) if kind < 2 else rng.choice(OTHER_REASONS)
                registration = worker.registration
            elif kind < 16:  # left long before they came back
                leave = worker.starts[0] - timedelta(days=rng.randint(months * 31 + 7, months * 31 + 700))
                reason = rng.choice(OTHER_REASONS + EXEMPT_REASONS)
                registration = worker.registration
            else:  # left and never worked as an agency worker here
                while (registration := f"SW{rng.randrange(10_000, 10_000_000)}") in used:
                    pass
                used.add(registration)
                leave = self.first_start + timedelta(days=rng.randint(0, (self.last_start - self.first_start).days))
                reason = rng.choice(OTHER_REASONS + EXEMPT_REASONS)
            rows.append(
                {
                    "la_code": left_la.code,
                    "worker_registration": registration,
                    "leave_date": leave.isoformat(),
                    "leave_reason": str(reason),
                }
            )
        return rows


# --- Bodies: the rows as an upload's CSV or JSON ------------------------------------------------

NUMBERS = {"hourly_pay_rate", "charge_rate", "agency_margin", "msp_fee", "hours_per_week", "pqe_years"}
BOOLEANS = {"project_team", "covering_vacancy"}


def csv_write(rows: Iterable[dict[str, str]], out: IO[str], *, columns: Sequence[str] | None = None) -> int:
    """Write rows as an upload's CSV (header first); returns how many rows."""
    columns = list(columns or PLACEMENT_COLUMNS.all)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
        count += 1
    return count


def _json_value(name: str, text: str) -> str:
    if text == "":
        return "null"
    if name in NUMBERS:
        return str(Decimal(text))
    if name in BOOLEANS:
        return text
    return json.dumps(text, ensure_ascii=False)


def json_write(rows: Iterable[dict[str, str]], out: IO[str], *, key: str = PLACEMENT_COLUMNS.key) -> int:
    """Write rows as an upload's JSON, ``{"placements": [...]}``, as an MSP's system would: numbers
    as numbers, yes/no columns as booleans, blanks as null. Streams; returns how many rows."""
    out.write(f'{{"{key}": [')
    count = 0
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write("{" + ", ".join(f'"{name}": {_json_value(name, text)}' for name, text in row.items()) + "}")
        count += 1
    out.write("\n]}\n")
    return count
