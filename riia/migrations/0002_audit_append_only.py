"""On PostgreSQL, make the audit record append-only in the database itself: UPDATE and DELETE
raise an error whoever issues them. SQLite (embedded mode) relies on the service layer."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION riia_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'The audit record is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER riia_auditrecord_append_only
  BEFORE UPDATE OR DELETE ON riia_auditrecord
  FOR EACH ROW EXECUTE FUNCTION riia_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS riia_auditrecord_append_only ON riia_auditrecord;
DROP FUNCTION IF EXISTS riia_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("riia", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
