"""Load the topic and role tags (reference data) so a fresh install can tag case studies."""

import json
from pathlib import Path

from django.db import migrations

TAGS = Path(__file__).resolve().parent.parent / "data" / "tags.json"


def load(apps, schema_editor):
    Tag = apps.get_model("casestudies", "Tag")
    for row in json.loads(TAGS.read_text(encoding="utf-8")):
        Tag.objects.get_or_create(slug=row["slug"], defaults={"name": row["name"], "kind": row["kind"]})


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
