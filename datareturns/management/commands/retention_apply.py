"""Apply the retention rule now (what the monthly beat task does), or see what it would delete.

manage.py retention_apply --dry-run          # counts only; writes nothing
manage.py retention_apply                    # delete and audit the counts
manage.py retention_apply --years 7          # a longer period this once (never shorter than the setting)
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from datareturns.services_retention import placements_retention_apply


class Command(BaseCommand):
    help = "Delete placements and leaver records past the retention period (RIIA_RETENTION_YEARS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")
        parser.add_argument("--years", type=int, default=None, help="Retention period (default the setting).")

    def handle(self, *args, dry_run: bool = False, years: int | None = None, **options) -> None:
        if years is not None and years < settings.RIIA_RETENTION_YEARS:
            # A shorter period by hand would delete data the deployment promised to keep.
            raise CommandError(
                f"--years cannot be shorter than RIIA_RETENTION_YEARS ({settings.RIIA_RETENTION_YEARS})."
            )
        result = placements_retention_apply(years=years, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {result.placements} placements ({result.placement_versions} earlier versions) and "
            f"{result.leavers} leaver records that ended before {result.cutoff:%d %B %Y} "
            f"({result.years} years). Benchmark snapshots are kept."
        )
