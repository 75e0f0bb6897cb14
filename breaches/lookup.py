"""Approved breach requests in force, loaded once for many lookups (beside ``rates.lookup.CapTable``).

The breach register's "with permission" check and the MSP placement checks both ask: does an
approved request of this LA cover paying this rate for this role on this date?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from breaches.models import BreachRequest, BreachRequestStatus


@dataclass(frozen=True, slots=True)
class Approval:
    id: int
    reference: str
    local_authority_id: int
    role_grade_id: int
    engagement_type: str
    proposed_rate: Decimal
    number_of_roles: int
    contract_start: date
    contract_end: date
    expires_on: date | None

    def why_not_covering(self, *, role_grade_id: int, engagement_type: str, rate: Decimal, on: date) -> str | None:
        """None when this approval allows ``rate`` for the role and engagement type on ``on``;
        otherwise the reason, as the end of a sentence."""
        if role_grade_id != self.role_grade_id:
            return f"{self.reference} is for another role"
        if engagement_type != self.engagement_type:
            return f"{self.reference} is for {self.engagement_type.replace('_', ' ')} workers"
        if rate > self.proposed_rate:
            return f"{self.reference} allows up to £{self.proposed_rate} an hour"
        if not (self.contract_start <= on <= self.contract_end):
            return (
                f"{self.reference} covers contracts starting {self.contract_start:%-d %B %Y} "
                f"to {self.contract_end:%-d %B %Y}"
            )
        if self.expires_on is not None and on > self.expires_on:
            return f"the approval of {self.reference} ended on {self.expires_on:%-d %B %Y}"
        return None


class ApprovalTable:
    """Approved breach requests of some LAs, by reference and by (LA, role grade)."""

    def __init__(self, approvals: Iterable[Approval], *, not_approved: dict[str, tuple[int, str]] | None = None):
        self.by_reference: dict[str, Approval] = {}
        self._by_la_grade: dict[tuple[int, int], list[Approval]] = defaultdict(list)
        for approval in approvals:
            self.by_reference[approval.reference] = approval
            self._by_la_grade[(approval.local_authority_id, approval.role_grade_id)].append(approval)
        # Requests that exist but are not approved: reference -> (LA id, status label).
        self.not_approved = not_approved or {}

    def covering(
        self, *, local_authority_id: int, role_grade_id: int, engagement_type: str, rate: Decimal, on: date
    ) -> Approval | None:
        for approval in self._by_la_grade.get((local_authority_id, role_grade_id), ()):
            if (
                approval.why_not_covering(
                    role_grade_id=role_grade_id, engagement_type=engagement_type, rate=rate, on=on
                )
                is None
            ):
                return approval
        return None


def approval_table_load(*, local_authority_ids: Iterable[int]) -> ApprovalTable:
    """Every approved breach request of these LAs (two queries), and the references of their other
    requests so a citation of one can be answered precisely."""
    ids = list(local_authority_ids)
    approved = (
        BreachRequest.objects.filter(status=BreachRequestStatus.APPROVED, local_authority_id__in=ids)
        .values_list(
            "pk",
            "reference",
            "local_authority_id",
            "role_grade_id",
            "engagement_type",
            "proposed_rate",
            "number_of_roles",
            "contract_start",
            "contract_end",
            "decision__expires_on",
        )
        .order_by("contract_start", "pk")
    )
    labels = dict(BreachRequestStatus.choices)
    others = {
        reference: (la_id, labels[status].lower())
        for reference, la_id, status in BreachRequest.objects.filter(local_authority_id__in=ids)
        .exclude(status=BreachRequestStatus.APPROVED)
        .values_list("reference", "local_authority_id", "status")
    }
    return ApprovalTable((Approval(*values) for values in approved), not_approved=others)
