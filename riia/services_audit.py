"""The audit trail export is itself audited: who took a copy of the trail, of which dates, how many
records (information governance asks who has seen what)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from riia.models import AuditRecord, User
from riia.services import audit_record


@transaction.atomic
def audit_trail_export_record(*, actor: User, date_from: date, date_to: date, rows: int) -> AuditRecord:
    """Record an export of the audit trail before its rows are sent."""
    if not actor.has_perm("riia.export_audit_trail"):
        raise PermissionDenied("Only service administrators can export the audit trail.")
    return audit_record(
        actor=actor,
        action="audit_trail.exported",
        after={"from": date_from, "to": date_to, "rows": rows},
    )
