"""Writes of placement data: uploads of placements and of permanent leavers.

The shape (DESIGN.md, "how the data moves"): the body is spooled to a file while it is hashed; the
upload is claimed (idempotency key, content hash); rows are parsed and validated in plain Python
against reference maps loaded in a few queries; if any row is wrong nothing is written; otherwise
the rows go in with COPY (PostgreSQL) or ``executemany``, earlier versions are kept, breaches are
suggested in one insert, one audit record and one notification per LA are written — all in one
transaction. No query, model instance, audit row or notification per uploaded row.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from breaches.lookup import approval_table_load
from breaches.services.register import BreachSuggestion, breach_records_suggest
from datareturns.benchmarks import benchmarks_recompute_queue_for_las
from datareturns.checks import Outcome, placement_check
from datareturns.flagging import PlacementFlagger, earlier_individuals
from datareturns.models import Flag, Leaver, Placement, Upload, source_reference
from datareturns.parsing import ReadResult, RowError, TooManyRows, read_csv, read_json
from datareturns.refs import ReferenceMaps, agency_key, leavers_load, reference_maps_load
from datareturns.services_returns import returns_notify_received_after_sign_off
from datareturns.validation import (
    LEAVER_COLUMNS,
    PLACEMENT_COLUMNS,
    PlacementRow,
    validate_leaver,
    validate_placement,
)
from datareturns.writers import PlacementWriter, leavers_upsert
from riia.models import MSP, Agency, LocalAuthority, Membership, NotificationKind, Role, User
from riia.services import audit_record, notification_send

MAX_ERRORS = 1000
CHUNK = 64 * 1024
# A claim older than this was left by a process that died; a new request may take it over.
STALE_CLAIM = timedelta(minutes=15)
# PostgreSQL advisory lock keys (first of two int4 keys, the second a region id or 0): held to commit.
REGION_UPLOADS_LOCK = 0x52474E55  # "RGNU": uploads into one region, one at a time
AGENCY_CREATE_LOCK = 0x41474E43  # "AGNC": uploads creating agencies, one at a time
CONTENT_TYPES = {"text/csv": "csv", "application/json": "json"}
FLAG_COLUMNS = [Flag.column(code) for code in Flag.values]


# --- What comes in, what goes out ---------------------------------------------------------------


@dataclass(frozen=True)
class UploadSource:
    """Who sends an upload: an MSP (by API key or one of its uploaders) or an LA."""

    msp: MSP | None = None
    local_authority: LocalAuthority | None = None
    api_key: Any = None
    user: User | None = None

    @property
    def sender(self) -> str:
        return f"msp:{self.msp.pk}" if self.msp is not None else f"la:{self.local_authority.pk}"

    @property
    def description(self) -> str:
        by = f"API key “{self.api_key.name}”" if self.api_key is not None else str(self.user or "the system")
        return f"{self.msp or self.local_authority} ({by})"


@dataclass
class SpooledBody:
    file: IO[bytes]
    digest: str
    size: int


@dataclass
class UploadAnswer:
    status: int
    body: dict[str, Any]
    upload: Upload


class UploadError(Exception):
    """An upload refused as a whole; the API answers ``status`` with ``{"errors": [...]}``."""

    status = 400

    def __init__(self, errors: list[dict[str, Any]], *, error_count: int | None = None) -> None:
        super().__init__(errors[0]["message"] if errors else "The upload was refused.")
        self.errors = errors
        self.error_count = len(errors) if error_count is None else error_count


class UploadRejected(UploadError):
    status = 400


class UploadTooLarge(UploadError):
    status = 413


class UploadUnsupported(UploadError):
    status = 415


class UploadInProgress(UploadError):
    status = 409


class UploadKeyReused(UploadError):
    status = 422


def _message(text: str) -> list[dict[str, Any]]:
    return [{"field": None, "message": text}]


def upload_body_spool(stream: IO[bytes], *, declared_length: int | None = None) -> SpooledBody:
    """Copy a request body to a temporary file in 64 KB chunks, hashing it on the way, so memory does
    not grow with its size. Refuses a body over ``DATARETURNS_UPLOAD_MAX_BYTES`` before reading it
    when its length is declared, and as soon as it passes the limit otherwise."""
    limit = settings.DATARETURNS_UPLOAD_MAX_BYTES
    too_large = UploadTooLarge(
        _message(
            f"The body is larger than the limit of {limit // (1024 * 1024)} MB. Split the file and send it in parts."
        )
    )
    if declared_length is not None and declared_length > limit:
        raise too_large
    digest = hashlib.sha256()
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - handed to the caller
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise too_large
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    return SpooledBody(file=spool, digest=digest.hexdigest(), size=size)


def content_kind(content_type: str) -> str:
    kind = CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower())
    if kind is None:
        raise UploadUnsupported(
            _message(f"Send the body as text/csv or application/json, not {content_type or 'no content type'}.")
        )
    return kind


# --- Claiming an upload: exactly once ----------------------------------------------------------


def _existing_answer(upload: Upload, *, digest: str, by_key: bool) -> UploadAnswer:
    if by_key and upload.content_hash != digest:
        raise UploadKeyReused(
            _message("This Idempotency-Key was already used for a different body. Use a new key for a new upload.")
        )
    if upload.status == Upload.Status.PROCESSING:
        # A concurrent repeat is told which upload holds its place, so it can look it up
        # (GET .../uploads/<id>/) or send again for the stored answer; it is never stored twice.
        what = "sent with this Idempotency-Key" if by_key else "with the same body"
        raise UploadInProgress(
            _message(
                f"Upload {upload.pk}, {what}, is still being processed. Send it again in a moment for its "
                "answer: it will be stored once."
            )
        )
    if by_key:
        return UploadAnswer(status=201, body=upload.response, upload=upload)
    return UploadAnswer(status=200, body={**upload.response, "duplicate_of": upload.pk}, upload=upload)


def _claim(*, kind: str, source: UploadSource, body: SpooledBody, content_type: str, key: str) -> Upload | UploadAnswer:
    """Record that this upload is being processed (committed at once, so a concurrent repeat sees it),
    or return the answer already given to the same upload."""
    for _attempt in range(2):
        uploads = Upload.objects.filter(kind=kind, sender=source.sender)
        earlier = uploads.filter(idempotency_key=key).first() if key else None
        by_key = earlier is not None
        earlier = earlier or uploads.filter(content_hash=body.digest).first()
        if earlier is not None:
            stale = earlier.status == Upload.Status.PROCESSING and earlier.received_at < timezone.now() - STALE_CLAIM
            if not stale:
                return _existing_answer(earlier, digest=body.digest, by_key=by_key)
            earlier.delete()
        try:
            with transaction.atomic():
                return Upload.objects.create(
                    kind=kind,
                    sender=source.sender,
                    msp=source.msp,
                    local_authority=source.local_authority if source.msp is None else None,
                    api_key=source.api_key,
                    uploaded_by=source.user,
                    idempotency_key=key,
                    content_hash=body.digest,
                    content_type=content_type,
                )
        except IntegrityError:
            continue  # a concurrent request claimed it first: answer as its repeat
    raise UploadInProgress(_message("This upload is already being processed."))


def _run(
    *,
    kind: str,
    source: UploadSource,
    body: SpooledBody,
    content_type: str,
    idempotency_key: str | None,
    process: Callable[[Upload, Iterator[tuple[int, dict]], ReadResult], dict[str, Any]],
) -> UploadAnswer:
    # The claim commits at once when called outside a transaction (as the views do), so a concurrent
    # repeat sees it; inside one (a test, say) it is only a savepoint.
    file_kind = content_kind(content_type)
    key = (idempotency_key or "").strip()
    if len(key) > 255:
        raise UploadRejected(_message("The Idempotency-Key must be 255 characters or fewer."))
    claimed = _claim(kind=kind, source=source, body=body, content_type=content_type.split(";")[0], key=key)
    if isinstance(claimed, UploadAnswer):
        return claimed
    upload = claimed
    columns = PLACEMENT_COLUMNS if kind == Upload.Kind.PLACEMENTS else LEAVER_COLUMNS
    result = ReadResult()
    read = read_csv if file_kind == "csv" else read_json
    try:
        with transaction.atomic():
            rows = read(body.file, columns=columns, result=result, max_rows=settings.DATARETURNS_UPLOAD_MAX_ROWS)
            answer = process(upload, rows, result)
            upload.status = Upload.Status.COMPLETE
            upload.completed_at = timezone.now()
            upload.response = answer
            upload.save()
    except TooManyRows as error:
        upload.delete()
        raise UploadTooLarge(_message(str(error))) from error
    except BaseException:
        upload.delete()
        raise
    return UploadAnswer(status=201, body=answer, upload=upload)


def _reject_if_errors(errors: list[RowError], result: ReadResult, *, noun: str) -> None:
    all_errors = result.errors + errors
    if all_errors:
        all_errors.sort(key=lambda e: e.row or 0)
        raise UploadRejected([e.as_dict() for e in all_errors[:MAX_ERRORS]], error_count=len(all_errors))
    if result.count == 0:
        raise UploadRejected(_message(f"The file has no {noun}."))


def _lock_sender_and_regions(source: UploadSource) -> None:
    """Uploads of one sender run one after another, so 'already stored?' answers stay true; and the
    uploads into one region run one after another, so every flag is computed from rows no concurrent
    upload is changing. A placement's flags depend on other senders' rows of the region (leavers for
    cool-off, earlier placements for re-pricing), and uploads re-check rows they do not own: run
    side by side, a leavers upload and a placement upload touching one placement deadlocked, or the
    later commit wrote flags computed from the row as it was before the other's change.

    Locks are taken in one order (sender row, then regions by id, then agencies) so that uploads
    wait for one another but never deadlock. The sender row is locked FOR NO KEY UPDATE, which does
    not stop others inserting rows that refer to it (placements of the LA from its MSPs)."""
    if source.msp is not None:
        MSP.objects.select_for_update(no_key=True).filter(pk=source.msp.pk).first()
        region_ids = set(source.msp.local_authorities.values_list("region_id", flat=True))
    else:
        la = LocalAuthority.objects.select_for_update(no_key=True).filter(pk=source.local_authority.pk).first()
        region_ids = {la.region_id}
    if connection.vendor == "postgresql":  # SQLite runs one writer at a time anyway
        with connection.cursor() as cursor:
            for region_id in sorted(region_ids):
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REGION_UPLOADS_LOCK, region_id])


def refs_for(source: UploadSource) -> ReferenceMaps:
    """What a sender's rows are checked against: by the upload and by the pre-offer check alike."""
    if source.msp is not None:
        return reference_maps_load(msp=source.msp)
    return reference_maps_load(local_authority=source.local_authority)


# --- Placements ---------------------------------------------------------------------------------


class _Agencies:
    """Agencies matched by name; an unknown one is created (once per upload, not per row).

    Two uploads at once may name the same new agency: the unique name would fail the second with a
    500 once the first commits, and two naming two new agencies in opposite orders would deadlock.
    So the first time an upload must create an agency it takes a lock held to its commit (only
    uploads creating agencies take it) and reads the agencies again, which then include those a
    concurrent upload just made."""

    def __init__(self, refs: ReferenceMaps) -> None:
        self.refs = refs
        self.created: list[str] = []
        self._locked = False

    def id_for(self, name: str) -> int:
        key = agency_key(name)
        agency_id = self.refs.agencies.get(key)
        if agency_id is None and not self._locked:
            self._lock_and_reload()
            agency_id = self.refs.agencies.get(key)
        if agency_id is None:
            base = slugify(name)[:40] or "agency"
            slug, suffix = base, 1
            while Agency.objects.filter(slug=slug).exists():
                suffix += 1
                slug = f"{base}-{suffix}"
            agency_id = Agency.objects.create(name=name, slug=slug).pk
            self.refs.agencies[key] = agency_id
            self.created.append(name)
        return agency_id

    def _lock_and_reload(self) -> None:
        if connection.vendor == "postgresql":  # SQLite runs one writer at a time anyway
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [AGENCY_CREATE_LOCK])
        self.refs.agencies = {agency_key(n): pk for pk, n in Agency.objects.values_list("pk", "name")}
        self._locked = True


def _values(
    row: PlacementRow | Placement, outcome: Outcome, *, sender: str, msp_id: int | None, agency_id: int
) -> tuple:
    """A placement as a tuple in ``writers.PLACEMENT_COLUMNS`` order (without the upload id)."""
    flags = outcome.flags
    return (
        row.local_authority_id,
        msp_id,
        sender,
        row.assignment_id,
        row.worker_hash,
        row.role_grade_id,
        row.engagement_type,
        row.hourly_pay_rate,
        row.charge_rate,
        row.agency_margin,
        row.msp_fee,
        row.start_date,
        row.end_date,
        row.hours_per_week,
        agency_id,
        row.project_team,
        row.pqe_years,
        row.covering_vacancy,
        row.breach_request_reference,
        outcome.breach_request_id,
        outcome.cap_rate,
        outcome.allowed_rate,
        Flag.ABOVE_CAP_UNAUTHORISED in flags,
        Flag.ABOVE_CAP_AUTHORISED in flags,
        Flag.PQE_UNDER_3_YEARS in flags,
        Flag.COOL_OFF in flags,
        Flag.PROJECT_TEAM_REPRICING in flags,
        Flag.NO_CAP_IN_FORCE in flags,
        {str(code): text for code, text in flags.items()},
    )


@dataclass
class _Tally:
    flags: Counter = field(default_factory=Counter)
    suggestions: list[BreachSuggestion] = field(default_factory=list)

    def add(self, row, outcome: Outcome, *, source: UploadSource, agency_id: int) -> None:
        if not outcome.flags:
            return
        self.flags.update(str(code) for code in outcome.flags)
        explanation = outcome.flags.get(Flag.ABOVE_CAP_UNAUTHORISED)
        if explanation:
            self.suggestions.append(
                BreachSuggestion(
                    local_authority_id=row.local_authority_id,
                    source_reference=source_reference(sender=source.sender, assignment_id=row.assignment_id),
                    occurred_on=row.start_date,
                    description=f"Placement {row.assignment_id} from {source.msp or source.local_authority}: {explanation}",
                    role_grade_id=row.role_grade_id,
                    hourly_rate=row.hourly_pay_rate,
                    msp_id=source.msp.pk if source.msp is not None else None,
                    agency_id=agency_id,
                )
            )


def _benchmarks_queue_on_commit(la_ids: set[int]) -> None:
    """Once the upload commits, queue a recompute of the benchmark scopes it makes stale."""
    la_ids = set(la_ids)
    transaction.on_commit(lambda: benchmarks_recompute_queue_for_las(la_ids=la_ids))


def _placements_process(source: UploadSource) -> Callable:
    def process(upload: Upload, rows: Iterator[tuple[int, dict]], result: ReadResult) -> dict[str, Any]:
        _lock_sender_and_regions(source)
        refs = refs_for(source)
        existing = dict(Placement.objects.filter(sender=source.sender).values_list("assignment_id", "pk"))
        writer = PlacementWriter(upload_id=upload.pk, now=timezone.now())
        errors: list[RowError] = []
        seen: dict[str, int] = {}
        flagger = PlacementFlagger(refs=refs, sender=source.sender)
        agencies = _Agencies(refs)
        tally = _Tally()
        sender = source.sender
        msp_id = source.msp.pk if source.msp is not None else None
        for number, raw in rows:
            row = validate_placement(number, raw, refs)
            if isinstance(row, list):
                errors.extend(row)
                continue
            first = seen.setdefault(row.assignment_id, number)
            if first != number:
                errors.append(
                    RowError(
                        number,
                        f"The assignment ID {row.assignment_id} is already in row {first}; send each assignment once.",
                        field="assignment_id",
                        value=row.assignment_id,
                    )
                )
                continue
            if errors:
                continue  # keep reporting errors, but stop building what will not be written
            agency_id = agencies.id_for(row.agency_name)
            outcome = flagger.add(row, agency_id)
            if outcome is None:
                continue  # a project-team row: answered once every row is seen
            writer.add(
                _values(row, outcome, sender=sender, msp_id=msp_id, agency_id=agency_id),
                existing_id=existing.get(row.assignment_id),
            )
            tally.add(row, outcome, source=source, agency_id=agency_id)
        _reject_if_errors(errors, result, noun="placements")

        for row, agency_id, outcome in flagger.finish():
            writer.add(
                _values(row, outcome, sender=sender, msp_id=msp_id, agency_id=agency_id),
                existing_id=existing.get(row.assignment_id),
            )
            tally.add(row, outcome, source=source, agency_id=agency_id)
        writer.write()
        touched_las = set(
            Placement.objects.filter(upload=upload).values_list("local_authority_id", flat=True).distinct()
        )

        # A new individual placement can make a stored project-team placement a re-pricing.
        touched = Placement.objects.filter(project_team=True, local_authority_id__in=refs.writable_la_ids).exclude(
            upload=upload
        )
        touched = touched.filter(
            worker_hash__in=Subquery(Placement.objects.filter(upload=upload, project_team=False).values("worker_hash"))
        )
        rechecked = placements_recheck(placements=touched, refs=refs)
        if rechecked:
            touched_las |= refs.writable_la_ids
        _benchmarks_queue_on_commit(touched_las)
        suggested = breach_records_suggest(suggestions=tally.suggestions)
        answer = {
            "id": upload.pk,
            "rows": result.count,
            "created": writer.created,
            "updated": writer.updated,
            "flags": {code: tally.flags.get(code, 0) for code in Flag.values},
        }
        upload.rows, upload.created, upload.updated, upload.flags = (
            result.count,
            writer.created,
            writer.updated,
            answer["flags"],
        )
        audit_record(
            actor=source.user,
            action="placements.uploaded",
            obj=upload,
            after={
                **answer,
                "sender": source.description,
                "content_hash": upload.content_hash,
                "new_agencies": agencies.created,
                "breaches_suggested": suggested,
                "placements_rechecked": rechecked,
            },
        )
        _notify_upload(
            source=source,
            upload=upload,
            suggested=Counter(s.local_authority_id for s in tally.suggestions),
        )
        returns_notify_received_after_sign_off(upload=upload)
        return answer

    return process


def placement_upload_create(
    *, source: UploadSource, body: SpooledBody, content_type: str, idempotency_key: str | None = None
) -> UploadAnswer:
    """Store every row of a placements upload, or none. See the module docstring for the shape."""
    return _run(
        kind=Upload.Kind.PLACEMENTS,
        source=source,
        body=body,
        content_type=content_type,
        idempotency_key=idempotency_key,
        process=_placements_process(source),
    )


def placements_recheck(*, placements, refs: ReferenceMaps) -> int:
    """Recompute the flags of stored placements (a queryset) after something they depend on changed;
    writes only those whose flags changed. Returns how many changed."""
    stored = list(placements.only(*_RECHECK_FIELDS))
    if not stored:
        return 0
    earlier = earlier_individuals(
        refs=refs, worker_hashes={p.worker_hash for p in stored if p.project_team}, replaced=set()
    )
    changed = []
    for placement in stored:
        outcome = placement_check(placement, refs=refs, sender=placement.sender, earlier=earlier)
        explanations = {str(code): text for code, text in outcome.flags.items()}
        if explanations == placement.explanations:
            continue
        placement.explanations = explanations
        for code in Flag.values:
            setattr(placement, Flag.column(code), code in outcome.flags)
        placement.cap_rate, placement.allowed_rate = outcome.cap_rate, outcome.allowed_rate
        placement.breach_request_id = outcome.breach_request_id
        placement.updated_at = timezone.now()
        changed.append(placement)
    Placement.objects.bulk_update(
        changed,
        ["explanations", *FLAG_COLUMNS, "cap_rate", "allowed_rate", "breach_request_id", "updated_at"],
        batch_size=500,
    )
    return len(changed)


_RECHECK_FIELDS = (
    "pk",
    "local_authority_id",
    "sender",
    "assignment_id",
    "worker_hash",
    "role_grade_id",
    "engagement_type",
    "hourly_pay_rate",
    "start_date",
    "project_team",
    "pqe_years",
    "breach_request_reference",
    "explanations",
)


def _notify_upload(*, source: UploadSource, upload: Upload, suggested: Counter) -> None:
    """One notification per LA with placements above the cap without permission: to its workforce
    leads and the region's programme managers."""
    la_ids = [la_id for la_id, count in suggested.items() if count]
    if not la_ids:
        return
    local_authorities = LocalAuthority.objects.in_bulk(la_ids)
    region_ids = {la.region_id for la in local_authorities.values()}
    people = (
        Membership.objects.current()
        .filter(role__in=[Role.WORKFORCE_LEAD, Role.PROGRAMME_MANAGER])
        .select_related("user")
    )
    leads, managers = defaultdict(list), defaultdict(list)
    for membership in people.filter(local_authority_id__in=la_ids) | people.filter(region_id__in=region_ids):
        if membership.role == Role.WORKFORCE_LEAD:
            leads[membership.local_authority_id].append(membership.user)
        else:
            managers[membership.region_id].append(membership.user)
    url = reverse("datareturns:placement-list") + f"?flag={Flag.ABOVE_CAP_UNAUTHORISED}"
    for la_id in la_ids:
        la = local_authorities[la_id]
        count = suggested[la_id]
        notification_send(
            recipients=[*leads[la_id], *managers[la.region_id]],
            subject=f"{count} placement{'s' if count != 1 else ''} above the cap without permission at {la.name}",
            body=(
                f"Upload {upload.pk} from {source.msp or source.local_authority} has {count} placement"
                f"{'s' if count != 1 else ''} for {la.name} paid above the cap with no approved breach request. "
                "Each is suggested for the breach register for the programme manager to confirm or dismiss."
            ),
            url=url + f"&local_authority={la.old_code}",
            kind=NotificationKind.ACTION,
        )


# --- Permanent leavers --------------------------------------------------------------------------


def _leavers_process(source: UploadSource) -> Callable:
    def process(upload: Upload, rows: Iterator[tuple[int, dict]], result: ReadResult) -> dict[str, Any]:
        _lock_sender_and_regions(source)
        refs = refs_for(source)
        errors: list[RowError] = []
        seen: dict[tuple, int] = {}
        valid = []
        for number, raw in rows:
            row = validate_leaver(number, raw, refs)
            if isinstance(row, list):
                errors.extend(row)
                continue
            key = (row.local_authority_id, row.worker_hash, row.leave_date)
            first = seen.setdefault(key, number)
            if first != number:
                errors.append(RowError(number, f"This leaver is already in row {first}.", field="worker_registration"))
                continue
            if not errors:
                valid.append(row)
        _reject_if_errors(errors, result, noun="leavers")
        existing = set(
            Leaver.objects.filter(local_authority_id__in=refs.writable_la_ids).values_list(
                "local_authority_id", "worker_hash", "leave_date"
            )
        )
        created = sum(1 for row in valid if (row.local_authority_id, row.worker_hash, row.leave_date) not in existing)
        leavers_upsert(
            [(r.local_authority_id, r.worker_hash, r.leave_date, r.leave_reason, upload.pk) for r in valid],
            now=timezone.now(),
        )
        region_ids = {la.region_id for la in refs.las_by_id.values() if la.id in refs.writable_la_ids}
        hashes = Subquery(Leaver.objects.filter(upload=upload).values("worker_hash"))
        # The cool-off rule spans the region: re-check the region's placements of these workers.
        all_region_refs = _region_refs(refs=refs, region_ids=region_ids)
        all_region_refs.leavers = leavers_load(region_ids=region_ids, worker_hashes={r.worker_hash for r in valid})
        rechecked = placements_recheck(
            placements=Placement.objects.filter(local_authority__region_id__in=region_ids, worker_hash__in=hashes),
            refs=all_region_refs,
        )
        # Leavers change benchmarks only through the cool-off flags of the placements re-checked.
        _benchmarks_queue_on_commit(
            {la.id for la in all_region_refs.las_by_id.values() if la.region_id in region_ids}
            if rechecked
            else refs.writable_la_ids
        )
        answer = {"id": upload.pk, "rows": result.count, "created": created, "updated": len(valid) - created}
        upload.rows, upload.created, upload.updated = result.count, created, len(valid) - created
        audit_record(
            actor=source.user,
            action="leavers.uploaded",
            obj=upload,
            after={
                **answer,
                "sender": source.description,
                "content_hash": upload.content_hash,
                "placements_rechecked": rechecked,
            },
        )
        return {**answer, "placements_rechecked": rechecked}

    return process


def _region_refs(*, refs: ReferenceMaps, region_ids: set[int]) -> ReferenceMaps:
    """The same maps, but able to check every LA of the regions (a leaver re-checks placements
    sent for any LA of the region, not only the sender's)."""
    widened = ReferenceMaps(**{f: getattr(refs, f) for f in refs.__dataclass_fields__ if f != "las_by_id"})
    widened.writable_la_ids = {la.id for la in refs.las_by_id.values() if la.region_id in region_ids}
    widened.approvals = approval_table_load(local_authority_ids=widened.writable_la_ids)
    return widened


def leaver_upload_create(
    *, source: UploadSource, body: SpooledBody, content_type: str, idempotency_key: str | None = None
) -> UploadAnswer:
    """Store an LA's permanent leavers (all rows or none) and re-check the placements they touch."""
    if source.msp is not None:
        raise UploadRejected(_message("Permanent leavers are sent by the local authority, not by an MSP."))
    return _run(
        kind=Upload.Kind.LEAVERS,
        source=source,
        body=body,
        content_type=content_type,
        idempotency_key=idempotency_key,
        process=_leavers_process(source),
    )
