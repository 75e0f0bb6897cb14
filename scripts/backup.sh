#!/usr/bin/env bash
# Back up the service's PostgreSQL database (the one DATABASE_URL names) while it keeps running:
#   scripts/backup.sh [DIRECTORY]        (default var/backups)
# writes riia-<UTC time>.dump (pg_dump's custom format: compressed, restored with pg_restore) and
# riia-<UTC time>.manifest.json (every table's row count and the audit trail's md5), both read in the
# same PostgreSQL snapshot, so the manifest describes exactly what the dump holds.
# The dump holds personal data (worker hashes, names, email addresses): keep it as the live database is.
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the database to back up, e.g. postgres://user@host:5432/riia}"
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
out="${1:-var/backups}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
umask 077
dump="$out/riia-$stamp.dump"
manifest="$out/riia-$stamp.manifest.json"

# Hold a transaction open that exports its snapshot; pg_dump and the manifest both read in it.
coproc SNAPSHOT { psql "$DATABASE_URL" -X -q -A -t -v ON_ERROR_STOP=1; }
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot();" >&"${SNAPSHOT[1]}"
read -r snapshot <&"${SNAPSHOT[0]}"
[ -n "$snapshot" ] || { echo "Could not export a snapshot from $DATABASE_URL" >&2; exit 1; }

pg_dump --format=custom --snapshot="$snapshot" --file="$dump" "$DATABASE_URL"
"$PYTHON" manage.py backup_verify --snapshot "$snapshot" --output "$manifest"

echo "COMMIT;" >&"${SNAPSHOT[1]}"
exec {SNAPSHOT[1]}>&-
wait "$SNAPSHOT_PID" 2>/dev/null || true
echo "Backed up to $dump ($(du -h "$dump" | cut -f1)) with $manifest"
