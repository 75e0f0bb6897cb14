"""What a backup must bring back, in a form two databases can be compared by: every table's row count
and a checksum of the audit trail (every column of every record, in primary key order). Written next
to each dump by ``scripts/backup.sh`` and checked after a restore by ``scripts/restore.sh``
(``manage.py backup_verify``)."""

from __future__ import annotations

import hashlib
import json

from django.db import connection, transaction

from riia.models import AuditRecord

AUDIT_COLUMNS = tuple(f.attname for f in AuditRecord._meta.concrete_fields)


def audit_trail_checksum() -> tuple[int, str]:
    """(records, md5) over the audit trail: each record's columns as one JSON line, oldest first.
    JSON with sorted keys and ISO times is the same text on every database and every restore."""
    digest, count = hashlib.md5(usedforsecurity=False), 0
    for values in AuditRecord.objects.order_by("pk").values_list(*AUDIT_COLUMNS).iterator(chunk_size=5000):
        digest.update(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def table_row_counts() -> dict[str, int]:
    """Every table of the database (ours, Django's and the libraries'), with its row count."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a table name)
            counts[table] = cursor.fetchone()[0]
    return counts


def database_manifest(*, snapshot: str | None = None) -> dict:
    """Row counts and the audit checksum, read in one consistent view of the database; with
    ``snapshot`` (PostgreSQL's ``pg_export_snapshot()``, as ``pg_dump --snapshot`` uses) exactly the
    data that dump holds, even while the service keeps writing."""
    connection.ensure_connection()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                if snapshot:
                    cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        tables = table_row_counts()
        records, checksum = audit_trail_checksum()
    return {"tables": tables, "audit_records": records, "audit_md5": checksum}


def manifest_differences(expected: dict, actual: dict) -> list[str]:
    """What differs between two manifests, one sentence each (empty when they match)."""
    problems = []
    want, have = expected["tables"], actual["tables"]
    for table in sorted(set(want) | set(have)):
        if table not in have:
            problems.append(f"Table {table} is missing ({want[table]} rows expected).")
        elif table not in want:
            problems.append(f"Table {table} was not in the backup ({have[table]} rows).")
        elif want[table] != have[table]:
            problems.append(f"Table {table} has {have[table]} rows, {want[table]} expected.")
    if (expected["audit_records"], expected["audit_md5"]) != (actual["audit_records"], actual["audit_md5"]):
        problems.append(
            f"The audit trail differs: {actual['audit_records']} records with checksum {actual['audit_md5']}, "
            f"{expected['audit_records']} with {expected['audit_md5']} expected."
        )
    return problems
