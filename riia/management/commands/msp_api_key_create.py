"""Make an API key for an MSP (or, with --la, a local authority) and print it, once.

    manage.py msp_api_key_create --msp midlands-msp --name "Nightly upload" [--expires 2027-03-31]
    manage.py msp_api_key_create --la 330 --name "Leavers upload"

For operators and scripted set-up: it uses the same service as the API keys page, audited as done by
an operator. The key is printed to standard output only; keep it where the MSP's system keeps secrets."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from riia.errors import DomainError
from riia.models import MSP, LocalAuthority
from riia.services_keys import api_key_create


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Enter the expiry date as YYYY-MM-DD, like 2027-03-31 (not {value!r})") from None


class Command(BaseCommand):
    help = "Create an API key for an MSP (--msp <slug>) or an LA (--la <DfE or ONS code>) and print it once."

    def add_arguments(self, parser) -> None:
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--msp", help="The MSP's slug, like midlands-msp")
        owner.add_argument("--la", help="The LA's DfE number (330) or ONS code (E08000025)")
        parser.add_argument("--name", required=True, help="So people can tell keys apart, like 'Nightly upload'")
        parser.add_argument("--expires", type=_date, help="YYYY-MM-DD: the key stops working at the start of this day")

    def handle(self, *args, msp: str | None, la: str | None, name: str, expires: date | None, **options) -> None:
        owner: dict = {}
        if msp:
            owner["msp"] = MSP.objects.filter(slug=msp).first()
            if owner["msp"] is None:
                raise CommandError(f"There is no MSP with the slug {msp!r}")
        else:
            owner["local_authority"] = LocalAuthority.objects.filter(Q(old_code=la) | Q(new_code=la)).first()
            if owner["local_authority"] is None:
                raise CommandError(f"There is no local authority with the code {la!r}")
        try:
            api_key, key = api_key_create(actor=None, name=name, expiry_date=expires, **owner)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stderr.write(f"API key '{api_key.name}' created for {api_key.organisation}. It will not be shown again:")
        self.stdout.write(key)
