"""The pre-offer compliance check: which flags proposed placements would get, before the offer.

It runs the upload's own code, step for step, and stores nothing about the placements:

1. the body is read by the upload's readers (``parsing.read_json`` / ``read_csv``), with the same
   columns except that ``assignment_id`` is optional;
2. each row is validated by ``validation.validate_placement`` against the reference maps an upload
   by the same sender would use (``services.refs_for``: LAs, grades, caps, approvals, leavers);
3. the flags come from ``flagging.PlacementFlagger``, the object the upload itself uses, which calls
   ``checks.placement_check`` for each row and looks up stored individual placements for the
   project-team re-pricing in one read-only query.

So no transaction has to be rolled back: nothing is written on the way (the upload writes only
after the flagger has answered). Unknown agencies are not created, since no flag depends on the
agency. The one write is the audit: ``check_tally_add`` counts checks per key (or person) per day.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import ijson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from datareturns.flagging import PlacementFlagger
from datareturns.models import CheckTally, Flag
from datareturns.parsing import Columns, ReadResult, RowError, TooManyRows, read_csv, read_json
from datareturns.services import (
    UploadRejected,
    UploadSource,
    UploadTooLarge,
    content_kind,
    refs_for,
)
from datareturns.validation import PLACEMENT_COLUMNS, validate_placement

# The upload's columns, but a proposal may not have an assignment ID yet.
CHECK_COLUMNS = Columns(
    key=PLACEMENT_COLUMNS.key,
    required=tuple(name for name in PLACEMENT_COLUMNS.required if name != "assignment_id"),
    optional=("assignment_id", *PLACEMENT_COLUMNS.optional),
)
# Flags that say the offer would break the MOU; the other two are information (a breach request
# covers the rate; no cap is published to compare with).
NOT_COMPLIANT = frozenset(
    {Flag.ABOVE_CAP_UNAUTHORISED, Flag.PQE_UNDER_3_YEARS, Flag.COOL_OFF, Flag.PROJECT_TEAM_REPRICING}
)
PENNY = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass
class CheckedRow:
    """One proposed placement's answer: its would-be flags, or the upload's errors for the row."""

    row: int
    assignment_id: str = ""
    la_code: str = ""
    local_authority: str = ""
    local_authority_id: int | None = None
    role_grade_id: int | None = None
    engagement_type: str = ""
    hourly_pay_rate: Decimal | None = None
    start_date: Any = None
    end_date: Any = None
    project_team: bool = False
    flags: dict[str, str] = field(default_factory=dict)
    cap_rate: Decimal | None = None
    allowed_rate: Decimal | None = None
    errors: list[RowError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def compliant(self) -> bool:
        return self.valid and not (NOT_COMPLIANT & set(self.flags))

    @property
    def over_by(self) -> Decimal | None:
        """How much the pay rate is above the allowed rate (the cap, or an LA's exemption), if it is."""
        if self.allowed_rate is None or self.hourly_pay_rate is None or self.hourly_pay_rate <= self.allowed_rate:
            return None
        return (self.hourly_pay_rate - self.allowed_rate).quantize(PENNY)

    @property
    def over_by_percent(self) -> Decimal | None:
        over = self.over_by
        if over is None:
            return None
        return (over * 100 / self.allowed_rate).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def above_cap(self) -> bool:
        return Flag.ABOVE_CAP_UNAUTHORISED in self.flags or Flag.ABOVE_CAP_AUTHORISED in self.flags

    def as_dict(self) -> dict[str, Any]:
        """The API's answer for the row (``PlacementCheckRowSerializer``)."""
        if self.errors:
            return {
                "row": self.row,
                "assignment_id": self.assignment_id or None,
                "valid": False,
                "errors": [e.as_dict() for e in self.errors],
            }
        money = {
            name: None if value is None else f"{value:.2f}"
            for name, value in (
                ("cap_rate", self.cap_rate),
                ("allowed_rate", self.allowed_rate),
                ("over_by", self.over_by),
            )
        }
        percent = self.over_by_percent
        return {
            "row": self.row,
            "assignment_id": self.assignment_id or None,
            "la_code": self.la_code,
            "local_authority": self.local_authority,
            "valid": True,
            "compliant": self.compliant,
            "flags": [{"code": code, "explanation": self.flags[code]} for code in Flag.values if code in self.flags],
            "hourly_pay_rate": f"{self.hourly_pay_rate:.2f}",
            **money,
            "over_by_percent": None if percent is None else f"{percent}",
        }


@dataclass
class CheckAnswer:
    results: list[CheckedRow]

    def as_dict(self) -> dict[str, Any]:
        valid = sum(1 for r in self.results if r.valid)
        return {
            "rows": len(self.results),
            "checked": valid,
            "invalid": len(self.results) - valid,
            "results": [r.as_dict() for r in self.results],
        }


def _message(text: str) -> list[dict[str, Any]]:
    return [{"field": None, "message": text}]


def _single_object(body: bytes) -> bool:
    """A body that is one JSON object without a ``placements`` array is one proposed placement."""
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(body)):
            if prefix == "" and event == "map_key" and value == CHECK_COLUMNS.key:
                return False
            if prefix == "" and event not in ("start_map", "map_key", "end_map"):
                return False  # not an object at all: the reader says what is wrong
    except (ijson.JSONError, UnicodeDecodeError):
        return False  # the reader reports it in the upload's words
    return True


def placements_check_body(*, source: UploadSource, body: bytes, content_type: str) -> CheckAnswer:
    """Check a request body (JSON: one placement, or ``{"placements": [...]}``; or CSV). Raises the
    upload's ``UploadError``s for a body that cannot be read at all."""
    kind = content_kind(content_type)
    if kind == "json" and _single_object(body):
        # Wrapped as bytes, not re-encoded, so the upload's JSON reader sees exactly what was sent.
        body = b'{"placements": [' + body + b"]}"
    result = ReadResult()
    read = read_csv if kind == "csv" else read_json
    limit = settings.DATARETURNS_CHECK_MAX_ROWS
    try:
        # Read fully first: the rows are few (a thousand at most) and a read error may follow them.
        rows = list(read(io.BytesIO(body), columns=CHECK_COLUMNS, result=result, max_rows=limit))
    except TooManyRows:
        raise UploadTooLarge(
            _message(f"A check may hold at most {limit:,} placements. Send the others in another request.")
        ) from None
    whole = [e for e in result.errors if e.row is None]
    if whole:
        raise UploadRejected([e.as_dict() for e in whole])
    if result.count == 0:
        raise UploadRejected(_message("Send at least one placement to check."))
    return placements_check(source=source, rows=rows, read_errors=result.errors)


def placements_check(
    *, source: UploadSource, rows: list[tuple[int, dict[str, str]]], read_errors: Sequence[RowError] = ()
) -> CheckAnswer:
    """The flags each row would get if ``source`` uploaded it now, or the upload's errors for it."""
    refs = refs_for(source)
    flagger = PlacementFlagger(refs=refs, sender=source.sender)
    answers: dict[int, CheckedRow] = {}
    for error in read_errors:
        answers.setdefault(error.row, CheckedRow(row=error.row)).errors.append(error)
    seen: dict[str, int] = {}
    for number, raw in rows:
        checked = CheckedRow(row=number, assignment_id=raw.get("assignment_id", "").strip())
        answers[number] = checked
        row = validate_placement(number, raw, refs, assignment_required=False)
        if isinstance(row, list):
            checked.errors.extend(row)
            continue
        if row.assignment_id:
            first = seen.setdefault(row.assignment_id, number)
            if first != number:
                checked.errors.append(
                    RowError(
                        number,
                        f"The assignment ID {row.assignment_id} is already in row {first}; send each assignment once.",
                        field="assignment_id",
                        value=row.assignment_id,
                    )
                )
                continue
        la = refs.las_by_id[row.local_authority_id]
        checked.la_code = raw.get("la_code", "").strip().upper()
        checked.local_authority = la.name
        checked.local_authority_id = la.id
        checked.role_grade_id = row.role_grade_id
        checked.engagement_type = row.engagement_type
        checked.hourly_pay_rate = row.hourly_pay_rate
        checked.start_date, checked.end_date = row.start_date, row.end_date
        checked.project_team = row.project_team
        outcome = flagger.add(row, checked)
        if outcome is not None:
            _take(checked, outcome)
    for _row, checked, outcome in flagger.finish():
        _take(checked, outcome)
    return CheckAnswer(results=[answers[n] for n in sorted(answers)])


def _take(checked: CheckedRow, outcome) -> None:
    checked.flags = {str(code): text for code, text in outcome.flags.items()}
    checked.cap_rate, checked.allowed_rate = outcome.cap_rate, outcome.allowed_rate


def check_tally_add(*, source: UploadSource, rows: int) -> None:
    """Count one check of ``rows`` proposed placements for the key (or person) and today: one row per
    key and day, incremented in the database (F()), created by the first check of the day."""
    who = {"api_key": source.api_key} if source.api_key is not None else {"user": source.user}
    key = {"sender": source.sender, "day": timezone.localdate(), **who}
    increment = {"checks": F("checks") + 1, "rows": F("rows") + rows}
    if CheckTally.objects.filter(**key).update(**increment):
        return
    try:
        with transaction.atomic():
            CheckTally.objects.create(
                **key,
                msp=source.msp,
                local_authority=source.local_authority if source.msp is None else None,
                checks=1,
                rows=rows,
            )
    except IntegrityError:  # a concurrent first check of the day made the row meanwhile
        CheckTally.objects.filter(**key).update(**increment)
