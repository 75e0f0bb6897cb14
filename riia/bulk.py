"""Inserting many rows in a few statements, without a model instance per row.

``execute_values`` pages the rows into multi-row INSERTs on PostgreSQL; SQLite's ``executemany`` is
already in-process and fast. Table and column names come from model metadata, never from input."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def rows_insert(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence], *, skip_conflicts: bool) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``model``'s table; with ``skip_conflicts`` a row
    that breaks a unique constraint is left out. Returns how many rows were inserted."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    conflict = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            inserted = execute_values(
                cursor.cursor,
                f"INSERT INTO {table} ({names}) VALUES %s{conflict} RETURNING 1",  # noqa: S608
                rows,
                page_size=1000,
                fetch=True,
            )
            return len(inserted)
        marks = ", ".join(["%s"] * len(columns))
        before = connection.connection.total_changes
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict}", rows)  # noqa: S608
        return connection.connection.total_changes - before
