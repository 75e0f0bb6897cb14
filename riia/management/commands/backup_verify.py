"""Row counts of every table and a checksum of the audit trail: written beside a backup, compared
after a restore (scripts/backup.sh and scripts/restore.sh call it).

    manage.py backup_verify                              # print this database's manifest (JSON)
    manage.py backup_verify --output m.json [--snapshot ID]   # write it (ID: pg_export_snapshot())
    manage.py backup_verify --compare m.json             # fail, saying what differs, unless it matches
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from riia.backup import database_manifest, manifest_differences


class Command(BaseCommand):
    help = "Print, write or compare the row counts of every table and the audit trail's checksum."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="Write the manifest to this file.")
        parser.add_argument("--compare", type=Path, help="Compare this database with a manifest file.")
        parser.add_argument("--snapshot", help="Read in this exported PostgreSQL snapshot (as pg_dump did).")

    def handle(self, *args, output=None, compare=None, snapshot=None, **options) -> None:
        manifest = database_manifest(snapshot=snapshot)
        if compare is not None:
            problems = manifest_differences(json.loads(compare.read_text()), manifest)
            if problems:
                raise CommandError("The database does not match the backup's manifest:\n" + "\n".join(problems))
            self.stdout.write(
                f"The database matches {compare}: {len(manifest['tables'])} tables, "
                f"{sum(manifest['tables'].values())} rows, {manifest['audit_records']} audit records "
                f"(md5 {manifest['audit_md5']})."
            )
            return
        text = json.dumps(manifest, indent=2, sort_keys=True)
        if output is not None:
            output.write_text(text + "\n")
            self.stdout.write(f"Wrote {output}: {len(manifest['tables'])} tables, md5 {manifest['audit_md5']}.")
        else:
            self.stdout.write(text)
