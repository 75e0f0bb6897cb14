from django.core.management.base import BaseCommand

from riia.services import reference_data_load


class Command(BaseCommand):
    help = "Load the 9 English regions and 153 local authorities (idempotent)."

    def handle(self, *args, **options) -> None:
        result = reference_data_load()
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Reference data loaded: {result.regions_created} regions, {result.groups_created} sub-regional "
                    f"groups and {result.las_created} local authorities created; {result.las_updated} updated."
                )
            )
        else:
            self.stdout.write("Reference data already up to date: nothing changed.")
