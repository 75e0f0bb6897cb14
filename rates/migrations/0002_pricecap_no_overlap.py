"""On PostgreSQL, price cap periods for the same region and role can never overlap, whoever writes.
The service checks first on every database so people get a clear message; this is the backstop.
(A raw EXCLUDE constraint rather than Meta.constraints so the SQLite embedded mode still migrates.)"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE rates_pricecap ADD CONSTRAINT pricecap_no_overlapping_periods
  EXCLUDE USING gist (
    region_id WITH =,
    role_grade_id WITH =,
    daterange(effective_from, effective_to, '[]') WITH &&
  );
"""
DROP = "ALTER TABLE rates_pricecap DROP CONSTRAINT IF EXISTS pricecap_no_overlapping_periods;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("rates", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
