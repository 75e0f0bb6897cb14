#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database DATABASE_URL names, then prove it:
#   scripts/restore.sh BACKUP.dump [MANIFEST.json]     (default: the manifest beside the dump)
# The database must exist (createdb it for a fresh restore). Whatever it holds of ours is replaced:
# --clean --if-exists drops each object before recreating it, and the audit table's append-only
# trigger goes with its table (DROP is neither UPDATE nor DELETE), so it never stands in the way.
# One transaction: a restore that fails leaves the database as it was. --no-owner/--no-acl: the
# objects belong to whoever restores them, so a dump from another server's roles restores anywhere.
# Stop the web, worker and beat processes first, and start them again once it says it matches.
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the database to restore into, e.g. postgres://user@host:5432/riia}"
dump="${1:?Usage: scripts/restore.sh BACKUP.dump [MANIFEST.json]}"
manifest="${2:-${dump%.dump}.manifest.json}"
dump="$(realpath "$dump")"
[ -f "$manifest" ] && manifest="$(realpath "$manifest")"
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"

pg_restore --clean --if-exists --no-owner --no-acl --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$dump"
"$PYTHON" manage.py migrate --check          # the schema is the code's: nothing to migrate
if [ -f "$manifest" ]; then
  "$PYTHON" manage.py backup_verify --compare "$manifest"   # every table's rows, the audit trail's md5
else
  echo "No manifest at $manifest: restored without checking the row counts." >&2
fi
