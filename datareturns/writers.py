"""Set-based writes of placement rows: COPY on PostgreSQL, ``executemany`` elsewhere (the embedded
SQLite mode). Callers hand over plain tuples in ``PLACEMENT_COLUMNS`` order; no model instance is
built per row."""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection

from datareturns.models import Leaver, Placement, PlacementVersion

PLACEMENT_COLUMNS = (
    "local_authority_id",
    "msp_id",
    "sender",
    "assignment_id",
    "worker_hash",
    "role_grade_id",
    "engagement_type",
    "hourly_pay_rate",
    "charge_rate",
    "agency_margin",
    "msp_fee",
    "start_date",
    "end_date",
    "hours_per_week",
    "agency_id",
    "project_team",
    "pqe_years",
    "covering_vacancy",
    "breach_request_reference",
    "breach_request_id",
    "cap_rate",
    "allowed_rate",
    "flag_above_cap_unauthorised",
    "flag_above_cap_authorised",
    "flag_pqe_under_3_years",
    "flag_cool_off",
    "flag_project_team_repricing",
    "flag_no_cap_in_force",
    "explanations",
    "upload_id",
)
NOT_NULL_TEXT = ("sender", "assignment_id", "worker_hash", "engagement_type", "breach_request_reference")
EXPLANATIONS_INDEX = PLACEMENT_COLUMNS.index("explanations")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(names: Iterable[str]) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


class _CopyBuffer:
    """Rows written as CSV to a temporary file for one COPY. A plain temporary file, not a spooled
    one: its writes stay in C (the spooled file's Python write() cost a few percent of an upload),
    and a large upload's buffer went to disk anyway."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(mode="w+", newline="", encoding="utf-8")  # noqa: SIM115
        self._writer = csv.writer(self.file)
        self.count = 0

    def append(self, values: Sequence) -> None:
        # csv writes None as an empty field (NULL to COPY, or '' where FORCE_NOT_NULL) and booleans
        # as True/False, which PostgreSQL reads as booleans: no per-value conversion needed.
        self._writer.writerow(values)
        self.count += 1

    def __len__(self) -> int:
        return self.count


class PlacementWriter:
    """Collects new and replacing rows during validation, then writes them in a few statements."""

    def __init__(self, *, upload_id: int, now: datetime) -> None:
        self.upload_id = upload_id
        self.now = now
        self.postgres = connection.vendor == "postgresql"
        self._new: _CopyBuffer | list = _CopyBuffer() if self.postgres else []
        self._replacing: _CopyBuffer | list = _CopyBuffer() if self.postgres else []
        self.replaced_ids: list[int] = []

    def add(self, values: tuple, *, existing_id: int | None) -> None:
        explanations = values[EXPLANATIONS_INDEX]
        values = (*values[:EXPLANATIONS_INDEX], json.dumps(explanations) if explanations else "{}", self.upload_id)
        if existing_id is None:
            self._new.append(values)
        else:
            self.replaced_ids.append(existing_id)
            self._replacing.append((existing_id, *values))

    @property
    def created(self) -> int:
        return len(self._new)

    @property
    def updated(self) -> int:
        return len(self.replaced_ids)

    def write(self) -> None:
        if self.postgres:
            self._write_postgres()
        else:
            self._write_generic()

    # --- PostgreSQL: COPY straight into the table for new rows; a staging table for replacements.
    def _copy(self, cursor, table: str, columns: Sequence[str], buffer: _CopyBuffer) -> None:
        buffer.file.seek(0)
        not_null = _columns(c for c in columns if c in NOT_NULL_TEXT)
        cursor.copy_expert(
            f"COPY {table} ({_columns(columns)}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({not_null}))",
            buffer.file,
        )

    def _write_postgres(self) -> None:
        table = _table(Placement)
        with connection.cursor() as cursor:
            if self._new:
                # created_at and updated_at come from the columns' database default (now()).
                self._copy(cursor, table, PLACEMENT_COLUMNS, self._new)
            if self.replaced_ids:
                cursor.execute(
                    f"CREATE TEMP TABLE placement_staging ON COMMIT DROP AS SELECT id, {_columns(PLACEMENT_COLUMNS)} "
                    f"FROM {table} WITH NO DATA"
                )
                self._copy(cursor, "placement_staging", ("id", *PLACEMENT_COLUMNS), self._replacing)
                self._keep_history(cursor, join="placement_staging s ON s.id = p.id", params=[])
                assignments = ", ".join(f"{c} = s.{c}" for c in _columns_list(PLACEMENT_COLUMNS))
                cursor.execute(
                    f"UPDATE {table} p SET {assignments}, updated_at = %s FROM placement_staging s WHERE p.id = s.id",
                    [self.now],
                )
                cursor.execute("DROP TABLE placement_staging")

    def _keep_history(self, cursor, *, join: str, params: list) -> None:
        columns = _columns(PLACEMENT_COLUMNS)
        selected = ", ".join(f"p.{c}" for c in _columns_list(PLACEMENT_COLUMNS))
        cursor.execute(
            f"INSERT INTO {_table(PlacementVersion)} ({columns}, placement_id, replaced_at, replaced_by_upload_id) "
            f"SELECT {selected}, p.id, %s, %s FROM {_table(Placement)} p JOIN {join}",
            [self.now, self.upload_id, *params],
        )

    # --- Any other database: executemany, and the history copied in chunks of ids.
    def _write_generic(self) -> None:
        table = _table(Placement)
        columns = (*PLACEMENT_COLUMNS, "created_at", "updated_at")
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            if self._new:
                cursor.executemany(
                    f"INSERT INTO {table} ({_columns(columns)}) VALUES ({marks})",
                    [(*row, self.now, self.now) for row in self._new],
                )
            for start in range(0, len(self.replaced_ids), 500):
                chunk = self.replaced_ids[start : start + 500]
                self._keep_history(
                    cursor,
                    join=f"(SELECT %s AS id {'UNION ALL SELECT %s ' * (len(chunk) - 1)}) s ON s.id = p.id",
                    params=chunk,
                )
            if self._replacing:
                assignments = ", ".join(f"{c} = %s" for c in _columns_list(PLACEMENT_COLUMNS))
                cursor.executemany(
                    f"UPDATE {table} SET {assignments}, updated_at = %s WHERE id = %s",
                    [(*row[1:], self.now, row[0]) for row in self._replacing],
                )


def _columns_list(names: Iterable[str]) -> list[str]:
    return [connection.ops.quote_name(name) for name in names]


def leavers_upsert(rows: list[tuple], *, now: datetime) -> None:
    """Insert leavers (LA id, worker hash, leave date, reason, upload id); a leaver already stored for
    the same LA and date takes the new reason. The same statement on PostgreSQL and SQLite."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_table(Leaver)} (local_authority_id, worker_hash, leave_date, leave_reason, upload_id, "
            "recorded_at) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (local_authority_id, worker_hash, leave_date) "
            "DO UPDATE SET leave_reason = excluded.leave_reason, upload_id = excluded.upload_id",
            [(*row, now) for row in rows],
        )
