from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from riia.demo import demo_load


class Command(BaseCommand):
    help = "Add demo people for every role (West Midlands and London) and demo content. Refuses in production."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Give every demo person a new password and print it (demo people keep theirs otherwise).",
        )

    def handle(self, *args, reset_password: bool = False, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "The demo command adds people with known passwords; it refuses to run with DJANGO_DEBUG off."
            )
        # Demo workflows notify hundreds of demo people; their notifications are in the service, but
        # the emails go nowhere rather than flooding the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = demo_load(reset_password=reset_password)
        self.stdout.write(result.summary())
