"""Demo people for every role in the West Midlands (14 LAs) and London (33 LAs in 5 sub-regional
groups), plus demo MSPs and agencies. Other apps add their demo content through DEMO_LOADERS."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from io import StringIO

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils.module_loading import import_string

from riia.models import MSP, Agency, ApiKey, LocalAuthority, Region, Role, SubRegionalGroup, User
from riia.services import membership_grant, region_settings_update
from riia.services_keys import api_key_create

DEMO_DOMAIN = "demo.riia.test"
DEMO_REGIONS = ["west-midlands", "london"]
LA_ROLE_PREFIX = {
    Role.WORKFORCE_LEAD: "lead",
    Role.DCS: "dcs",
    Role.CHIEF_EXECUTIVE: "ce",
    Role.LA_VIEWER: "viewer",
}

# One MSP per demo region, and one serving shire counties of the West Midlands and outer London
# boroughs (an MSP may serve LAs in several regions).
NATIONAL_MSP_LAS = {"herefordshire", "shropshire", "worcestershire", "brent", "ealing", "harrow"}
DEMO_MSPS = [
    (
        "demo-msp-midlands",
        "Demo MSP Midlands",
        lambda la: la.region.slug == "west-midlands" and la.slug not in NATIONAL_MSP_LAS,
    ),
    ("demo-msp-london", "Demo MSP London", lambda la: la.region.slug == "london" and la.slug not in NATIONAL_MSP_LAS),
    ("demo-msp-national", "Demo MSP National", lambda la: la.slug in NATIONAL_MSP_LAS),
]

# Dotted paths to callables ``() -> list[str]`` (lines for the summary); apps add theirs here.
DEMO_LOADERS: list[str] = [
    "rates.demo.load",
    "breaches.demo.load_requests",
    "breaches.demo_register.load",
    "casestudies.demo.load",
    "datareturns.demo.load",
    "datareturns.demo.load_returns",
    "datareturns.demo_prechecks.load",
    "datareturns.demo_dashboards.load",
    "governance.demo.load",
    "governance.demo.load_meetings",
    # Last: the snapshots include every loader's data.
    "datareturns.demo.benchmarks_load",
]


# The demo MSP whose placements arrive through an API key (printed once, with the password).
DEMO_KEY_MSP = "demo-msp-midlands"
DEMO_KEY_NAME = "Demo MSP system"


@dataclass
class DemoResult:
    password: str | None
    people_created: int = 0
    lines: list[str] = field(default_factory=list)
    api_key: str | None = None

    def summary(self) -> str:
        out = [f"Demo people: {self.people_created} created."]
        out += self.lines
        out.append("")
        out.append("Sign in at http://127.0.0.1:8000/ as, for example:")
        for email, what in EXAMPLES:
            out.append(f"  {email:<45} {what}")
        out.append(
            "Every West Midlands and London LA has lead.<la>, dcs.<la>, ce.<la> and viewer.<la>"
            f"@{DEMO_DOMAIN} (e.g. lead.camden@{DEMO_DOMAIN})."
        )
        if self.password:
            out.append(f"Password for the demo people created or reset in this run (shown only now): {self.password}")
        else:
            out.append("Demo people already existed and keep the password printed when they were made.")
            out.append("To set a new one: .venv/bin/python manage.py demo --reset-password")
        if self.api_key:
            out.append(
                f"API key of Demo MSP Midlands (shown only now; send it as 'Authorization: Api-Key <key>'): {self.api_key}"
            )
        else:
            out.append(
                "The demo API key of Demo MSP Midlands was shown when it was made. To make another: "
                f".venv/bin/python manage.py msp_api_key_create --msp {DEMO_KEY_MSP} --name 'My test key'"
            )
        return "\n".join(out)


EXAMPLES = [
    (f"lead.birmingham@{DEMO_DOMAIN}", "workforce lead, Birmingham"),
    (f"dcs.birmingham@{DEMO_DOMAIN}", "DCS, Birmingham"),
    (f"ce.birmingham@{DEMO_DOMAIN}", "chief executive, Birmingham"),
    (f"viewer.coventry@{DEMO_DOMAIN}", "viewer, Coventry"),
    (f"pm.west-midlands@{DEMO_DOMAIN}", "programme manager, West Midlands"),
    (f"pm.london@{DEMO_DOMAIN}", "programme manager, London"),
    # London decides sub-regionally; Bexley's demo request waits for this group's lead (breaches/demo.py).
    (f"srl.south-east-london@{DEMO_DOMAIN}", "sub-regional lead, South East London (has a request to decide)"),
    (f"member.london@{DEMO_DOMAIN}", "RIIA member, London"),
    (f"uploader.demo-msp-midlands@{DEMO_DOMAIN}", "MSP uploader"),
    (f"viewer.demo-msp-london@{DEMO_DOMAIN}", "MSP viewer"),
    (f"uploader.demo-msp-national@{DEMO_DOMAIN}", "MSP uploader (LAs in both regions)"),
    (f"contact.northside-social-care-recruitment@{DEMO_DOMAIN}", "agency contact"),
    (f"admin@{DEMO_DOMAIN}", "reference data admin (Django admin)"),
]


class _People:
    def __init__(self, password_hash: str, reset: bool) -> None:
        self.password_hash = password_hash
        self.reset = reset
        self.created = 0

    def get(self, local_part: str, full_name: str, job_title: str = "", **extra) -> User:
        user, created = User.objects.get_or_create(
            email=f"{local_part}@{DEMO_DOMAIN}",
            defaults={
                "full_name": full_name,
                "job_title": job_title,
                "password": self.password_hash,
                **extra,
            },
        )
        self.created += created
        if self.reset and not created:
            user.password = self.password_hash
            user.save(update_fields=["password"])
        return user


@transaction.atomic
def demo_load(*, reset_password: bool = False) -> DemoResult:
    call_command("load_reference_data", stdout=StringIO())
    password = secrets.token_urlsafe(9)
    people = _People(make_password(password), reset_password)

    regions = {r.slug: r for r in Region.objects.filter(slug__in=DEMO_REGIONS)}
    for region in Region.objects.all():
        pm = people.get(f"pm.{region.slug}", f"Demo Programme Manager ({region.name})", "Programme manager")
        membership_grant(user=pm, role=Role.PROGRAMME_MANAGER, organisation=region, actor=None)
    for region in regions.values():
        member = people.get(f"member.{region.slug}", f"Demo RIIA Member ({region.name})", "Workforce adviser")
        membership_grant(user=member, role=Role.RIIA_MEMBER, organisation=region, actor=None)
    for group in SubRegionalGroup.objects.filter(region__in=regions.values()):
        lead = people.get(f"srl.{group.slug}", f"Demo Sub-regional Lead ({group.name})", "DCS and sub-regional chair")
        membership_grant(user=lead, role=Role.SUB_REGIONAL_LEAD, organisation=group, actor=None)

    for region in regions.values():
        if not region.help_contact:
            region_settings_update(
                region=region,
                actor=None,
                programme_body=region.programme_body,
                cool_off_months=region.cool_off_months,
                breach_decision_level=region.breach_decision_level,
                regional_decision_required=region.regional_decision_required,
                help_contact=f"Demo Programme Manager ({region.name}), pm.{region.slug}@{DEMO_DOMAIN}",
            )

    las = list(LocalAuthority.objects.filter(region__in=regions.values()).select_related("region"))
    for la in las:
        for role, prefix in LA_ROLE_PREFIX.items():
            person = people.get(f"{prefix}.{la.slug}", f"Demo {role.label} ({la.name})", role.label)
            membership_grant(user=person, role=role, organisation=la, actor=None)

    for slug, name, serves in DEMO_MSPS:
        msp, _ = MSP.objects.get_or_create(slug=slug, defaults={"name": name})
        msp.local_authorities.add(*[la for la in las if serves(la)])
        for role, prefix in [(Role.MSP_UPLOADER, "uploader"), (Role.MSP_VIEWER, "viewer")]:
            person = people.get(f"{prefix}.{slug}", f"Demo {role.label} ({name})", role.label)
            membership_grant(user=person, role=role, organisation=msp, actor=None)

    for slug, name in [
        ("northside-social-care-recruitment", "Northside Social Care Recruitment (demo)"),
        ("capital-childrens-locums", "Capital Children's Locums (demo)"),
    ]:
        agency, _ = Agency.objects.get_or_create(slug=slug, defaults={"name": name})
        contact = people.get(f"contact.{slug}", f"Demo Agency Contact ({name})", "Compliance manager")
        membership_grant(user=contact, role=Role.AGENCY_CONTACT, organisation=agency, actor=None)

    people.get("admin", "Demo Reference Data Admin", "Service administrator", is_staff=True, is_superuser=True)

    result = DemoResult(password=password if (people.created or reset_password) else None)
    result.people_created = people.created
    result.api_key = _api_key()
    for path in DEMO_LOADERS:
        result.lines.extend(import_string(path)())
    return result


def _api_key() -> str | None:
    """An API key for one demo MSP, made by its uploader through the keys service; None when it
    already exists (only its hash is kept, so it cannot be shown again)."""
    msp = MSP.objects.get(slug=DEMO_KEY_MSP)
    if ApiKey.objects.filter(msp=msp, name=DEMO_KEY_NAME, revoked=False).exists():
        return None
    uploader = User.objects.get(email=f"uploader.{DEMO_KEY_MSP}@{DEMO_DOMAIN}")
    _api_key, secret = api_key_create(actor=uploader, name=DEMO_KEY_NAME, msp=msp)
    return secret
