"""Placement uploads through the real service, from CSV text."""

import io
from datetime import date
from decimal import Decimal

import pytest

from datareturns.services import UploadSource, leaver_upload_create, placement_upload_create, upload_body_spool
from tests.rates.factories import PriceCapFactory, core_grade

HEADER = (
    "assignment_id,la_code,worker_registration,role,engagement_type,hourly_pay_rate,charge_rate,"
    "start_date,end_date,hours_per_week,agency,project_team,pqe_years"
)


def row(
    assignment_id="A-1",
    la_code=None,
    worker="SW100001",
    role="social-worker",
    engagement="limited_company",
    pay="34.00",
    charge="48.00",
    start="2026-05-01",
    end="",
    hours="37",
    agency="Acme Social Care",
    project_team="false",
    pqe="4",
):
    return ",".join(
        [assignment_id, la_code, worker, role, engagement, pay, charge, start, end, hours, agency, project_team, pqe]
    )


def csv_body(*rows, header=HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def send(source, body: bytes, *, content_type="text/csv", key=None, leavers=False):
    spooled = upload_body_spool(io.BytesIO(body), declared_length=len(body))
    create = leaver_upload_create if leavers else placement_upload_create
    with spooled.file:
        return create(source=source, body=spooled, content_type=content_type, idempotency_key=key)


@pytest.fixture
def social_worker_cap(region):
    """West Midlands social worker cap £35.00 from 1 April 2026."""
    return PriceCapFactory(
        region=region, role_grade=core_grade(), hourly_rate=Decimal("35.00"), effective_from=date(2026, 4, 1)
    )


@pytest.fixture
def msp_source(msp):
    return UploadSource(msp=msp)


@pytest.fixture
def la_code(la):
    return la.old_code
