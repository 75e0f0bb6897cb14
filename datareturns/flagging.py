"""What flags would these rows get: the one answer for the upload and the pre-offer check.

``placement_check`` (checks.py) decides a single row's flags from its values and the reference maps.
Only the project-team re-pricing needs more than the row: every individual placement of the same
worker with the same LA, both those already stored and those earlier in the same rows. The upload
and the check both feed their validated rows through ``PlacementFlagger``, so the two cannot
disagree: individual rows are answered at once (the upload writes them as it reads), project-team
rows once every row has been seen, against one query for the stored individual placements.

Nothing here writes: the upload writes what the flagger answers, the check only reports it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator
from typing import Any

from datareturns.checks import EarlierPlacement, Outcome, placement_check
from datareturns.models import Placement
from datareturns.refs import ReferenceMaps
from datareturns.validation import PlacementRow


def earlier_individuals(
    *, refs: ReferenceMaps, worker_hashes: set[str], replaced: set[tuple[str, str]]
) -> dict[tuple[int, str], list[EarlierPlacement]]:
    """Stored individual placements of these workers with the LAs in scope (one query), leaving out
    those the rows being checked replace (same sender and assignment ID)."""
    earlier: dict[tuple[int, str], list[EarlierPlacement]] = defaultdict(list)
    if not worker_hashes:
        return earlier
    stored = Placement.objects.filter(
        project_team=False, worker_hash__in=worker_hashes, local_authority_id__in=refs.writable_la_ids
    ).values_list("local_authority_id", "worker_hash", "start_date", "hourly_pay_rate", "sender", "assignment_id")
    for la_id, worker_hash, start, rate, sender, assignment_id in stored:
        if (sender, assignment_id) not in replaced:
            earlier[(la_id, worker_hash)].append(EarlierPlacement(start, rate, sender, assignment_id))
    return earlier


class PlacementFlagger:
    """Feed it valid rows with ``add``; it answers an individual row's outcome at once and keeps a
    project-team row for ``finish``, which yields ``(row, payload, outcome)`` for each of those.
    ``payload`` is whatever the caller wants back with the row (the upload's agency id)."""

    def __init__(self, *, refs: ReferenceMaps, sender: str) -> None:
        self.refs = refs
        self.sender = sender
        self._assignments: set[str] = set()
        # Kept as plain tuples: only the few that project-team rows need become EarlierPlacements.
        self._individuals: dict[tuple[int, str], list[tuple]] = defaultdict(list)
        self._project: list[tuple[PlacementRow, Any]] = []
        self._no_earlier: dict[Hashable, list] = {}

    def add(self, row: PlacementRow, payload: Any = None) -> Outcome | None:
        if row.assignment_id:
            self._assignments.add(row.assignment_id)
        if row.project_team:
            self._project.append((row, payload))
            return None
        self._individuals[(row.local_authority_id, row.worker_hash)].append(
            (row.start_date, row.hourly_pay_rate, row.assignment_id)
        )
        return placement_check(row, refs=self.refs, sender=self.sender, earlier=self._no_earlier)

    def finish(self) -> Iterator[tuple[PlacementRow, Any, Outcome]]:
        if not self._project:
            return
        sender = self.sender
        # A stored placement these rows would replace is not an "earlier" placement of its own.
        replaced = {(sender, assignment_id) for assignment_id in self._assignments}
        earlier = earlier_individuals(
            refs=self.refs, worker_hashes={row.worker_hash for row, _ in self._project}, replaced=replaced
        )
        for key in {(row.local_authority_id, row.worker_hash) for row, _ in self._project}:
            earlier[key].extend(EarlierPlacement(s, rate, sender, a) for s, rate, a in self._individuals.get(key, ()))
        for row, payload in self._project:
            yield row, payload, placement_check(row, refs=self.refs, sender=sender, earlier=earlier)
