from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from riia.services import reference_data_load

# Other apps' reference data, loaded after the regions and LAs: callables ``() -> int`` (rows created).
REFERENCE_LOADERS = ["rates.services.role_grades_load"]


class Command(BaseCommand):
    help = "Load the 9 English regions and 153 local authorities (idempotent)."

    def handle(self, *args, **options) -> None:
        result = reference_data_load()
        extra = {path: import_string(path)() for path in REFERENCE_LOADERS}
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Reference data loaded: {result.regions_created} regions, {result.groups_created} sub-regional "
                    f"groups and {result.las_created} local authorities created; {result.las_updated} updated."
                )
            )
        else:
            self.stdout.write("Reference data already up to date: nothing changed.")
        for path, created in extra.items():
            if created:
                self.stdout.write(f"{path}: {created} created.")
