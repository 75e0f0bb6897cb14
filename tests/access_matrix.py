"""Who may reach each URL of the service: ONE table, checked over every URL pattern, every role and
both methods by tests/test_role_url_matrix.py. A URL pattern missing here fails that test, so every
new page says who may reach it. To add a page: add a row under its app's heading.

How to read a row
-----------------
``ACCESS[url name] = Row(get=..., post=..., obj=..., query=...)`` (or a tuple of Rows, one per object
the page is checked with, e.g. a draft and a published case study).

* ``obj`` builds the URL's arguments from one side of the world (tests/access_world.py): the *own*
  side is the region, group, LA, MSP and agency in which every role-holder works; the *other* side
  is another region's. ``query`` does the same for a GET query string.
* For a row with ``obj`` (or ``query``), a rule is ``own(roles, other=roles)``: who may reach it with
  their own region's object and with another region's. Without one, a rule is a set of roles.
* ``NOT_OFFERED`` means nobody may use the method: 405 Method Not Allowed, or refused before the
  method is looked at (sign-in, the admin's staff check, the API's authentication).
* Methods NOT_OFFERED and the anonymous visitor are checked with the own side only: both are
  refused before any object is looked at.

Roles are the ``riia.Role`` values (workforce_lead, dcs, chief_executive, la_viewer,
programme_manager, sub_regional_lead, riia_member, msp_uploader, msp_viewer, agency_contact), plus
``admin`` (a staff superuser with no role in any organisation, who keeps the Django admin) and
``anonymous``.

What "allowed" and "refused" mean
---------------------------------
A request is sent by the role's person, GET with no query (unless ``query``) and POST with an empty
body: the point is the permission gate, not the form. Each request runs in a savepoint that is
rolled back, so one request never changes what the next one sees.

* **refused**: 401, 403 or 404; a redirect to a sign-in page that asks to come back (``?next=``),
  directly or one redirect later (the admin sends a non-staff person to its index, which does);
  or, for a POST, an answer carrying an error message (a service that refused the person, e.g.
  "You cannot withdraw this request", shown on the page the POST redirects to).
* **allowed**: anything else that is not an error: 200, a redirect elsewhere, or 400 for a POST
  whose empty form was refused (the person reached the form).
* A 500 fails the test whatever the table says.

Where a page checks the role before reading the form but leaves the object's state to the service
(so that its refusal can say why: "it has been withdrawn"), the row gives who holds the role.

A superuser passes every check asked without an object (Django gives them every permission
there, which the admin relies on), so ``admin`` reaches the pages gated that way; they find
nothing in them, since every list is scoped by role.

So "allowed" is "gets past every permission check"; what a form then accepts is for each app's own
tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from tests.access_world import ADMIN, ANONYMOUS, ROLES, Side

# --- Roles, grouped as the README's role table groups them -------------------------------------

LEAD, DCS, CE, LA_VIEWER = "workforce_lead", "dcs", "chief_executive", "la_viewer"
PM, SRL, RIIA_MEMBER = "programme_manager", "sub_regional_lead", "riia_member"
UPLOADER, MSP_VIEWER = "msp_uploader", "msp_viewer"
AGENCY = "agency_contact"


def roles(*groups: str | frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for group in groups:
        out |= {group} if isinstance(group, str) else group
    unknown = out - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return frozenset(out)


NOBODY = frozenset()
LA = roles(LEAD, DCS, CE, LA_VIEWER)  # the LA's people
LA_WRITERS = roles(LEAD, DCS, CE)  # the LA's people who write (viewers only read)
REGION_STAFF = roles(PM, SRL, RIIA_MEMBER)  # the RIIA's people
MSP = roles(UPLOADER, MSP_VIEWER)  # the people of an MSP serving one of the region's LAs
REGION = roles(LA, REGION_STAFF, MSP)  # everyone with a role in the region
SIGNED_IN = roles(REGION, AGENCY, ADMIN)
EVERYONE = roles(SIGNED_IN, ANONYMOUS)
STAFF = roles(ADMIN)


# --- The shape of a row ----------------------------------------------------------------------


@dataclass(frozen=True)
class Own:
    """Who may reach it with their own region's object, and with another region's."""

    own: frozenset[str]
    other: frozenset[str] = NOBODY


def own(who: frozenset[str], *, other: frozenset[str] = NOBODY) -> Own:
    return Own(who, other)


class _NotOffered:
    def __repr__(self) -> str:
        return "NOT_OFFERED"


NOT_OFFERED = _NotOffered()

Rule = frozenset | Own | _NotOffered


@dataclass(frozen=True)
class Obj:
    """Builds a URL's arguments from a side of the world; ``label`` names it in failure messages.
    ``sided=False`` for arguments that are the same whoever asks (the admin's)."""

    label: str
    build: Callable[[Side], dict]
    sided: bool = True

    def __call__(self, side: Side) -> dict:
        return self.build(side)


@dataclass(frozen=True)
class Row:
    get: Rule
    post: Rule
    obj: Obj | None = None
    query: Obj | None = None

    @property
    def sided(self) -> bool:
        """Whether it is checked with the own and the other side's object (else once, with the own)."""
        return any(o is not None and o.sided for o in (self.obj, self.query))


def pk(name: str) -> Obj:
    return Obj(name, lambda side: {"pk": getattr(side, name).pk})


def reference(name: str) -> Obj:
    return Obj(name, lambda side: {"reference": getattr(side, name).reference})


REGION_SLUG = Obj("region", lambda side: {"slug": side.region.slug})


# --- The table -------------------------------------------------------------------------------

ACCESS: dict[str, Row | tuple[Row, ...]] = {}

# Core: home, sign-in, regions, notifications, API schema and docs.
ACCESS |= {
    "home": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "login": Row(get=EVERYONE, post=EVERYONE),
    "logout": Row(get=NOT_OFFERED, post=SIGNED_IN),
    # "Forgotten your password?" and the footer's pages: public, like sign-in.
    "password_reset": Row(get=EVERYONE, post=EVERYONE),
    "password_reset_done": Row(get=EVERYONE, post=NOT_OFFERED),
    "password_reset_confirm": Row(
        obj=Obj("reset link", lambda side: {"uidb64": "MQ", "token": "set-password"}, sided=False),
        get=EVERYONE,
        post=EVERYONE,
    ),
    "password_reset_complete": Row(get=EVERYONE, post=NOT_OFFERED),
    "accessibility": Row(get=EVERYONE, post=NOT_OFFERED),
    "privacy": Row(get=EVERYONE, post=NOT_OFFERED),
    "cookies": Row(get=EVERYONE, post=NOT_OFFERED),
    "region-detail": Row(obj=REGION_SLUG, get=own(REGION), post=NOT_OFFERED),
    "notifications": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "notifications-read-all": Row(get=NOT_OFFERED, post=SIGNED_IN),
    # Only its recipient (the own side's is addressed to the LA's workforce lead).
    "notification-read": Row(obj=pk("notification"), get=NOT_OFFERED, post=own(roles(LEAD))),
    "session-keep-alive": Row(get=NOT_OFFERED, post=SIGNED_IN),
    "api-schema": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "api-docs": Row(get=SIGNED_IN, post=NOT_OFFERED),
    # The audit trail export (information-governance requests): service administrators only.
    "audit-export": Row(get=STAFF, post=STAFF),
}

# Price caps (rates/rules.py): every member of the region reads; its programme manager manages.
ACCESS |= {
    "rates:region": Row(obj=REGION_SLUG, get=own(REGION), post=NOT_OFFERED),
    "rates:caps-csv": Row(obj=REGION_SLUG, get=own(REGION), post=NOT_OFFERED),
    "rates:draft-new": Row(obj=REGION_SLUG, get=own(roles(PM)), post=own(roles(PM))),
    "rates:exemption-new": Row(obj=REGION_SLUG, get=own(roles(PM)), post=own(roles(PM))),
    "rates:draft-edit": Row(obj=pk("rate_card_draft"), get=own(roles(PM)), post=own(roles(PM))),
    "rates:draft-uplift": Row(obj=pk("rate_card_draft"), get=own(roles(PM)), post=own(roles(PM))),
    "rates:draft-check": Row(obj=pk("rate_card_draft"), get=own(roles(PM)), post=own(roles(PM))),
    "rates:draft-discard": Row(obj=pk("rate_card_draft"), get=own(roles(PM)), post=own(roles(PM))),
    "rates:exemption-revoke": Row(obj=pk("exemption"), get=own(roles(PM)), post=own(roles(PM))),
    "api-region-caps": Row(obj=REGION_SLUG, get=own(REGION), post=NOT_OFFERED),
}

# Breach requests (breaches/rules.py): the LA's people always see their LA's; region staff once
# submitted; everyone in the region once decided. The lead writes; the DCS and CE sign; the
# region's decider (here the programme manager: the own region decides regionally) decides.
_CAP_QUERY = Obj(
    "cap query",
    lambda side: {
        "local_authority": side.la.pk,
        "role_grade": side.request_draft.role_grade_id,
        "contract_start": "2026-05-01",
    },
)
ACCESS |= {
    "breaches:request-list": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "breaches:request-new": Row(get=roles(LEAD), post=roles(LEAD)),
    "breaches:request-export": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "breaches:request-cap": Row(query=_CAP_QUERY, get=own(LA), post=NOT_OFFERED),
    "breaches:request-detail": (
        Row(obj=pk("request_draft"), get=own(LA), post=NOT_OFFERED),
        Row(obj=pk("request_awaiting_decision"), get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
        Row(obj=pk("request_approved"), get=own(REGION), post=NOT_OFFERED),
    ),
    "breaches:request-edit": Row(obj=pk("request_draft"), get=own(roles(LEAD)), post=own(roles(LEAD))),
    # The LA's other people are sent on to the request's page.
    "breaches:request-check": Row(obj=pk("request_draft"), get=own(LA), post=NOT_OFFERED),
    "breaches:request-submit": Row(obj=pk("request_draft"), get=NOT_OFFERED, post=own(roles(LEAD))),
    # GET is the sign-off confirmation page with the declaration.
    "breaches:request-sign": Row(
        obj=pk("request_awaiting_signatures"), get=own(roles(DCS, CE)), post=own(roles(DCS, CE))
    ),
    # Deleting a never-sent draft, after a confirmation page.
    "breaches:request-delete": Row(obj=pk("request_draft"), get=own(roles(LEAD)), post=own(roles(LEAD))),
    # The DCS and CE return while it awaits signatures, the decider while it awaits a decision: the
    # page checks the role, the service the state.
    "breaches:request-return": (
        Row(obj=pk("request_awaiting_signatures"), get=NOT_OFFERED, post=own(roles(DCS, CE, PM))),
        Row(obj=pk("request_awaiting_decision"), get=NOT_OFFERED, post=own(roles(DCS, CE, PM))),
    ),
    "breaches:request-decide": Row(obj=pk("request_awaiting_decision"), get=NOT_OFFERED, post=own(roles(PM))),
    "breaches:request-withdraw": Row(obj=pk("request_awaiting_signatures"), get=NOT_OFFERED, post=own(roles(LEAD))),
    "breaches:region-decisions": Row(obj=REGION_SLUG, get=own(REGION), post=NOT_OFFERED),
    "breaches:region-decisions-export": Row(obj=REGION_SLUG, get=own(REGION), post=NOT_OFFERED),
    "breaches-api:breach-request-list": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "breaches-api:breach-request-detail": (
        Row(obj=reference("request_draft"), get=own(LA), post=NOT_OFFERED),
        Row(obj=reference("request_approved"), get=own(REGION), post=NOT_OFFERED),
    ),
    "breaches-api:breach-decision-list": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "breaches-api:breach-decision-detail": Row(obj=reference("request_approved"), get=own(REGION), post=NOT_OFFERED),
}

# Breach register, sanctions and the training fund (breaches/rules.py).
ACCESS |= {
    "breaches:register": Row(get=roles(LA, REGION_STAFF, ADMIN), post=NOT_OFFERED),
    "breaches:register-export": Row(get=roles(LA, REGION_STAFF, ADMIN), post=NOT_OFFERED),
    "breaches:register-create": Row(get=roles(LEAD, PM), post=roles(LEAD, PM)),
    "breaches:register-detail": (
        Row(obj=pk("record_confirmed"), get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
        Row(obj=pk("record_suggested"), get=own(REGION_STAFF), post=NOT_OFFERED),
    ),
    "breaches:register-actions": Row(obj=pk("record_confirmed"), get=own(roles(LEAD, PM)), post=own(roles(LEAD, PM))),
    "breaches:register-confirm": Row(obj=pk("record_suggested"), get=NOT_OFFERED, post=own(roles(PM))),
    "breaches:register-dismiss": Row(obj=pk("record_suggested"), get=own(roles(PM)), post=own(roles(PM))),
    # Everyone has a sanctions list: it shows only the sanctions they may see.
    "breaches:sanction-list": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "breaches:sanction-detail": (
        Row(obj=pk("sanction_la"), get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
        Row(obj=pk("sanction_msp"), get=own(roles(MSP, REGION_STAFF)), post=NOT_OFFERED),
        Row(obj=pk("sanction_agency"), get=own(roles(AGENCY, REGION_STAFF)), post=NOT_OFFERED),
    ),
    "breaches:sanction-paid": Row(obj=pk("sanction_la"), get=own(roles(PM)), post=own(roles(PM))),
    "breaches:sanction-waive": Row(obj=pk("sanction_la"), get=own(roles(PM)), post=own(roles(PM))),
    "breaches:sanction-policy-edit": Row(obj=pk("sanction_policy"), get=own(roles(PM)), post=own(roles(PM))),
    "breaches:sanction-policy-create": Row(obj=REGION_SLUG, get=own(roles(PM)), post=own(roles(PM))),
    "breaches:sanction-issue": Row(obj=REGION_SLUG, get=own(roles(PM)), post=own(roles(PM))),
    # The index lists the funds of the regions you belong to (none for an agency).
    "breaches:fund-index": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "breaches:fund-ledger": Row(obj=REGION_SLUG, get=own(REGION), post=NOT_OFFERED),
    "breaches:fund-spend": Row(obj=REGION_SLUG, get=own(roles(PM)), post=own(roles(PM))),
}

# Case studies and resources (casestudies/rules.py): the LA's workforce lead, DCS and chief executive
# write; its viewer reads; the programme manager reviews and keeps the library; published ones are
# read across the region (or every region, when shared nationally); agencies see none.
ACCESS |= {
    "casestudies:index": Row(get=roles(REGION, ADMIN), post=NOT_OFFERED),
    "casestudies:create": Row(get=roles(LA_WRITERS, ADMIN), post=roles(LA_WRITERS, ADMIN)),
    "casestudies:detail": (
        Row(obj=pk("case_study_draft"), get=own(roles(LA, PM)), post=NOT_OFFERED),
        Row(obj=pk("case_study_published"), get=own(REGION), post=NOT_OFFERED),
        Row(obj=pk("case_study_national"), get=own(REGION, other=REGION), post=NOT_OFFERED),
    ),
    "casestudies:edit": (
        Row(obj=pk("case_study_draft"), get=own(LA_WRITERS), post=own(LA_WRITERS)),
        Row(obj=pk("case_study_published"), get=own(roles(LA_WRITERS, PM)), post=own(roles(LA_WRITERS, PM))),
    ),
    "casestudies:submit": Row(obj=pk("case_study_draft"), get=NOT_OFFERED, post=own(LA_WRITERS)),
    "casestudies:publish": Row(obj=pk("case_study_submitted"), get=NOT_OFFERED, post=own(roles(PM))),
    "casestudies:return": Row(obj=pk("case_study_submitted"), get=own(roles(PM)), post=own(roles(PM))),
    "casestudies:resource-add": Row(obj=pk("case_study_draft"), get=own(LA_WRITERS), post=own(LA_WRITERS)),
    "casestudies:resources": Row(get=roles(REGION, ADMIN), post=NOT_OFFERED),
    "casestudies:resource-create": Row(get=roles(LA_WRITERS, PM, ADMIN), post=roles(LA_WRITERS, PM, ADMIN)),
    "casestudies:resource-detail": Row(obj=pk("resource_library"), get=own(REGION), post=NOT_OFFERED),
    "casestudies:resource-version-add": Row(
        obj=pk("resource_library"), get=own(roles(LA_WRITERS, PM)), post=own(roles(LA_WRITERS, PM))
    ),
    "casestudies:resource-download": Row(
        obj=Obj("resource_library", lambda side: {"pk": side.resource_library.pk, "number": 1}),
        get=own(REGION),
        post=NOT_OFFERED,
    ),
}


# API keys (riia/rules.py): a programme manager keeps the keys of the MSPs serving the region and of
# its LAs; an MSP's uploader keeps its MSP's keys. Keys authenticate only whoami and the uploads.
ACCESS |= {
    "api-keys": Row(get=roles(PM, UPLOADER, ADMIN), post=NOT_OFFERED),
    "api-key-create": Row(get=roles(PM, UPLOADER, ADMIN), post=roles(PM, UPLOADER, ADMIN)),
    "api-key-created": Row(get=roles(PM, UPLOADER, ADMIN), post=NOT_OFFERED),
    "api-key-revoke": Row(obj=pk("api_key"), get=own(roles(PM, UPLOADER)), post=own(roles(PM, UPLOADER))),
    "api-whoami": Row(get=SIGNED_IN, post=NOT_OFFERED),
}

# Placement data (datareturns/rules.py). Pay figures of single placements are the LA's: its people,
# the MSP that sent them and the region's programme manager see them; sub-regional leads, RIIA
# members and agencies do not. An LA's workforce lead uploads placements (LAs without an MSP) and
# permanent leavers; an MSP's uploader sends placements through the API.
_BENCHMARK_LA = Obj("LA benchmark scope", lambda side: {"scope": f"la:{side.la.new_code}"})
_ERRORS_TOKEN = Obj("errors token", lambda side: {"token": "no-such-token"}, sided=False)
ACCESS |= {
    "datareturns:placement-list": Row(get=roles(LA, PM, MSP, ADMIN), post=NOT_OFFERED),
    "datareturns:placement-export": Row(get=roles(LA, PM, MSP, ADMIN), post=NOT_OFFERED),
    "datareturns:placement-detail": Row(obj=pk("placement"), get=own(roles(LA, PM, MSP)), post=NOT_OFFERED),
    "datareturns:placement-upload": Row(get=roles(LEAD), post=roles(LEAD)),
    # Refused errors are kept for their uploader only, under an unguessable token: nobody else's works.
    "datareturns:upload-errors": Row(obj=_ERRORS_TOKEN, get=NOBODY, post=NOT_OFFERED),
    "datareturns:upload-list": Row(get=roles(LA, PM, MSP, ADMIN), post=NOT_OFFERED),
    "datareturns:upload-detail": Row(obj=pk("upload"), get=own(roles(PM, MSP)), post=NOT_OFFERED),
    "datareturns:leaver-list": Row(get=roles(LA, PM, ADMIN), post=NOT_OFFERED),
    "datareturns:leaver-upload": Row(get=roles(LEAD), post=roles(LEAD)),
    "api-placement-list": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "api-placement-upload-list": Row(get=SIGNED_IN, post=roles(UPLOADER, LEAD)),
    "api-placement-upload-detail": Row(obj=pk("upload"), get=own(roles(PM, MSP)), post=NOT_OFFERED),
    "api-leaver-upload-list": Row(get=SIGNED_IN, post=roles(LEAD)),
    # The pre-offer check: those who send placements (an MSP's uploader, an LA's workforce lead) check
    # them before the offer; the region's programme manager sees how many checks were made.
    "datareturns:placement-check": Row(get=roles(LEAD, UPLOADER), post=roles(LEAD, UPLOADER)),
    "datareturns:check-tallies": Row(get=roles(PM, ADMIN), post=NOT_OFFERED),
    "api-placement-check": Row(get=NOT_OFFERED, post=roles(UPLOADER, LEAD)),
    # England and region figures for everyone signed in; an LA's (and a group's) only inside its region,
    # to its LAs' people and the region's RIIA staff (not MSPs or agencies).
    "api-benchmark-list": (
        Row(get=SIGNED_IN, post=NOT_OFFERED),
        Row(query=_BENCHMARK_LA, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    ),
}


# Quarterly returns (datareturns/rules.py, issue 10). A return carries single placements' pay, so
# it stays with the LA's people and the region's programme manager. The workforce lead starts,
# completes and submits it; the DCS signs it off; the programme manager reopens it, reminds, sets the
# due date and exports the region's quarter.
def _return(name: str) -> Obj:
    return Obj(name, lambda side: {"la_code": side.la.old_code, "quarter": getattr(side, name).quarter})


_NOT_STARTED = Obj("return not started", lambda side: {"la_code": side.la.old_code, "quarter": "2025-Q4"})
_REGION_QUARTER = Obj("region quarter", lambda side: {"slug": side.region.slug, "quarter": "2026-Q2"})
ACCESS |= {
    "returns:index": Row(get=roles(LA, PM, ADMIN), post=NOT_OFFERED),
    "returns:detail": (
        Row(obj=_NOT_STARTED, get=own(roles(LA, PM)), post=NOT_OFFERED),
        Row(obj=_return("return_signed_off"), get=own(roles(LA, PM)), post=NOT_OFFERED),
    ),
    "returns:start": Row(obj=_NOT_STARTED, get=NOT_OFFERED, post=own(roles(LEAD))),
    "returns:edit": Row(obj=_return("return_in_progress"), get=own(roles(LEAD)), post=own(roles(LEAD))),
    "returns:check": Row(obj=_return("return_in_progress"), get=own(roles(LEAD)), post=NOT_OFFERED),
    "returns:submit": Row(obj=_return("return_in_progress"), get=NOT_OFFERED, post=own(roles(LEAD))),
    "returns:sign-off": Row(obj=_return("return_awaiting"), get=own(roles(DCS)), post=own(roles(DCS))),
    "returns:reopen": Row(obj=_return("return_signed_off"), get=own(roles(PM)), post=own(roles(PM))),
    "returns:export": Row(obj=_return("return_signed_off"), get=own(roles(LA, PM)), post=NOT_OFFERED),
    "returns:region-quarter": Row(obj=_REGION_QUARTER, get=own(roles(PM)), post=NOT_OFFERED),
    "returns:region-remind": Row(obj=_REGION_QUARTER, get=NOT_OFFERED, post=own(roles(PM))),
    "returns:region-due-date": Row(obj=_REGION_QUARTER, get=NOT_OFFERED, post=own(roles(PM))),
    "returns:region-export": Row(obj=_REGION_QUARTER, get=own(roles(PM)), post=NOT_OFFERED),
}

# Benchmarking dashboards (datareturns/rules.py): England's for everyone signed in; a region's (every
# LA side by side) and its LAs' for the region's RIIA staff and its LAs' people, who share data under
# the MOU (not MSPs or agencies); the region's KPI thresholds for its programme manager.
LA_SLUG = Obj("la", lambda side: {"slug": side.la.slug})
ACCESS |= {
    "dashboards:england": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "dashboards:england-csv": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "dashboards:region": Row(obj=REGION_SLUG, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    "dashboards:region-csv": Row(obj=REGION_SLUG, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    "dashboards:region-kpis": Row(obj=REGION_SLUG, get=own(roles(PM)), post=own(roles(PM))),
    "dashboards:la": Row(obj=LA_SLUG, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    "dashboards:la-csv": Row(obj=LA_SLUG, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
}


# Escalations (governance/rules.py, issue 13). Anyone with a role raises one (an agency contact may do
# nothing else) and sees what they raised; the region's staff see the region's; its programme manager
# handles them. The world's escalations are raised by the side's workforce lead. An outcome shared
# with MSPs is read on the outcomes page only. Sharing with another region: tests/governance.
ACCESS |= {
    "governance:escalation-list": Row(get=SIGNED_IN, post=NOT_OFFERED),
    "governance:escalation-raise": Row(get=roles(REGION, AGENCY, ADMIN), post=roles(REGION, AGENCY, ADMIN)),
    "governance:outcomes": Row(get=roles(MSP, REGION_STAFF, ADMIN), post=NOT_OFFERED),
    "governance:escalation-detail": (
        Row(obj=pk("escalation_raised"), get=own(roles(LEAD, REGION_STAFF)), post=NOT_OFFERED),
        Row(obj=pk("escalation_closed"), get=own(roles(LEAD, REGION_STAFF)), post=NOT_OFFERED),
    ),
    "governance:escalation-raised": Row(
        obj=pk("escalation_raised"), get=own(roles(LEAD, REGION_STAFF)), post=NOT_OFFERED
    ),
    "governance:escalation-triage": Row(obj=pk("escalation_raised"), get=own(roles(PM)), post=own(roles(PM))),
    "governance:escalation-respond": Row(
        obj=pk("escalation_needs_information"), get=own(roles(LEAD)), post=own(roles(LEAD))
    ),
    "governance:escalation-entry-add": Row(obj=pk("escalation_accepted"), get=own(roles(PM)), post=own(roles(PM))),
    "governance:escalation-close": Row(obj=pk("escalation_accepted"), get=own(roles(PM)), post=own(roles(PM))),
    "governance:escalation-share-region": Row(obj=pk("escalation_raised"), get=own(roles(PM)), post=own(roles(PM))),
    "governance:escalation-outcome-share": Row(obj=pk("escalation_closed"), get=own(roles(PM)), post=own(roles(PM))),
    "governance:escalation-case-study": Row(obj=pk("escalation_closed"), get=own(roles(PM)), post=own(roles(PM))),
    # The world's escalations carry no file, so nobody downloads one (tests/governance checks a file).
    "governance:escalation-evidence": Row(obj=pk("escalation_raised"), get=own(NOBODY), post=NOT_OFFERED),
}


# Governance meetings (governance/rules.py): the programme manager (any meeting of the region) and a
# sub-regional lead (their group's) add meetings; the chair (here the programme manager) runs it and
# approves its minutes; the region's LA people and staff read meetings and the contact directory;
# MSP people read only meetings of the region with its MSPs. An LA-owned action is completed by the
# LA's writers or the chair (a viewer is refused by the service, with its message).
ACCESS |= {
    "meetings:region": Row(obj=REGION_SLUG, get=own(REGION), post=NOT_OFFERED),
    "meetings:create": Row(obj=REGION_SLUG, get=own(roles(PM, SRL)), post=own(roles(PM, SRL))),
    "meetings:directory": Row(obj=REGION_SLUG, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    "meetings:directory-export": Row(obj=REGION_SLUG, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    "meetings:detail": Row(obj=pk("meeting"), get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    "meetings:attendee-add": Row(obj=pk("meeting"), get=own(roles(PM)), post=own(roles(PM))),
    "meetings:minutes": Row(obj=pk("meeting"), get=own(roles(PM)), post=own(roles(PM))),
    "meetings:action-add": Row(obj=pk("meeting"), get=own(roles(PM)), post=own(roles(PM))),
    "meetings:approve": Row(obj=pk("meeting"), get=own(roles(PM)), post=own(roles(PM))),
    "meetings:action-complete": Row(obj=pk("meeting_action"), get=NOT_OFFERED, post=own(roles(LA_WRITERS, PM))),
}
# The quarterly MSP meeting pack: the programme manager's until shared (the world's is not shared;
# once shared, the region's LAs, staff and MSPs read it: tests/governance/test_pack.py).
_PACK = Obj("pack quarter", lambda side: {"slug": side.region.slug, "quarter": "2026-Q2"})
ACCESS |= {
    "meetings:pack": Row(obj=_PACK, get=own(roles(PM)), post=NOT_OFFERED),
    "meetings:pack-export": Row(obj=_PACK, get=own(roles(PM)), post=NOT_OFFERED),
    "meetings:pack-notes": Row(obj=_PACK, get=own(roles(PM)), post=own(roles(PM))),
    "meetings:pack-share": Row(obj=_PACK, get=own(roles(PM)), post=own(roles(PM))),
}
# The MOU register: read by the region's LA people and staff; the programme manager adds versions
# and records any LA's signature; an LA's DCS and chief executive sign for it. The induction page is
# for the LA's own people and the region's staff.
_MOU = Obj("mou version", lambda side: {"slug": side.region.slug, "pk": side.mou_version.pk})
ACCESS |= {
    "meetings:mou": Row(obj=REGION_SLUG, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    "meetings:mou-version-add": Row(obj=REGION_SLUG, get=own(roles(PM)), post=own(roles(PM))),
    "meetings:mou-sign": Row(obj=_MOU, get=own(roles(DCS, CE, PM)), post=own(roles(DCS, CE, PM))),
    "meetings:mou-download": Row(obj=_MOU, get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED),
    "meetings:induction": Row(
        obj=Obj("la", lambda side: {"la_slug": side.la.slug}), get=own(roles(LA, REGION_STAFF)), post=NOT_OFFERED
    ),
}


# --- The Django admin: staff only --------------------------------------------------------------
# What staff may do with each model. Models written by services (checked, locked, audited) are
# "look" only; memberships, the LAs an MSP serves and a region's MOU settings are changed through
# the audited services (riia/admin.py), never by the admin writing the row itself.
LOOK, ADD, CHANGE, DELETE = "look", "add", "change", "delete"
EDIT = frozenset({ADD, CHANGE, DELETE})
ADMIN_MODELS: dict[str, frozenset[str]] = {
    "auth.group": EDIT,
    "riia.user": frozenset({ADD, CHANGE}),
    "riia.region": frozenset({CHANGE}),
    "riia.subregionalgroup": EDIT,
    "riia.localauthority": EDIT,
    "riia.msp": frozenset({ADD, CHANGE}),
    "riia.agency": EDIT,
    "riia.membership": frozenset({LOOK}),
    "riia.auditrecord": frozenset({LOOK}),
    "rates.rolegrade": EDIT,
    "rates.ratecard": frozenset({LOOK}),
    "rates.pricecap": frozenset({LOOK}),
    "rates.exemption": frozenset({LOOK}),
    "breaches.breachrequest": frozenset({LOOK}),
    "breaches.decision": frozenset({LOOK}),
    "breaches.breachrecord": frozenset({LOOK}),
    "breaches.sanctionpolicy": frozenset({LOOK}),
    "breaches.sanction": frozenset({LOOK}),
    "breaches.trainingfundentry": frozenset({LOOK}),
    "casestudies.tag": EDIT,
    "casestudies.casestudy": frozenset({LOOK}),
    "casestudies.resource": frozenset({LOOK}),
    "governance.escalation": frozenset({LOOK}),
    "governance.meeting": frozenset({LOOK}),
    "governance.meetingpack": frozenset({LOOK}),
    "governance.mouversion": frozenset({LOOK}),
    "riia.apikey": frozenset({LOOK}),
    # django-axes' sign-in records: staff unlock an account by deleting its attempts. Every field is
    # read-only, so "change" saves nothing.
    "axes.accessattempt": frozenset({CHANGE, DELETE}),
    "axes.accessfailurelog": frozenset({CHANGE, DELETE}),
    "axes.accesslog": frozenset({CHANGE, DELETE}),
}


def _admin_obj(build: Callable[[Side], dict]) -> Obj:
    return Obj("admin", build, sided=False)


def _admin_object(label: str) -> Obj:
    """The model's first object in the world."""
    model = apps.get_model(label)
    return _admin_obj(lambda side: {"object_id": str(model.objects.order_by("pk").values_list("pk", flat=True)[0])})


def _admin_rows(label: str, may: frozenset[str]) -> dict[str, Row]:
    app_label, model = label.split(".")
    prefix, obj = f"admin:{app_label}_{model}", _admin_object(label)

    def staff_if(action: str) -> frozenset[str]:
        return STAFF if action in may else NOBODY

    return {
        f"{prefix}_changelist": Row(get=STAFF, post=STAFF),
        f"{prefix}_add": Row(get=staff_if(ADD), post=staff_if(ADD)),
        # Staff may always look at an object; saving it needs CHANGE.
        f"{prefix}_change": Row(obj=obj, get=STAFF, post=staff_if(CHANGE)),
        f"{prefix}_delete": Row(obj=obj, get=staff_if(DELETE), post=staff_if(DELETE)),
        f"{prefix}_history": Row(obj=obj, get=STAFF, post=STAFF),
        # The admin's unnamed shortcut from an object's id to its change page.
        f"admin/{app_label}/{model}/<path:object_id>/": Row(obj=obj, get=STAFF, post=STAFF),
    }


_AUTOCOMPLETE = _admin_obj(
    lambda side: {"app_label": "riia", "model_name": "membership", "field_name": "local_authority", "term": "Own"}
)
ACCESS |= {
    "admin:index": Row(get=STAFF, post=STAFF),
    "admin:login": Row(get=EVERYONE, post=EVERYONE),
    "admin:logout": Row(get=NOT_OFFERED, post=STAFF),
    "admin:password_change": Row(get=STAFF, post=STAFF),
    "admin:password_change_done": Row(get=STAFF, post=NOT_OFFERED),
    "admin:autocomplete": Row(query=_AUTOCOMPLETE, get=STAFF, post=NOT_OFFERED),
    "admin:jsi18n": Row(get=STAFF, post=NOT_OFFERED),
    "admin:app_list": Row(obj=_admin_obj(lambda side: {"app_label": "riia"}), get=STAFF, post=STAFF),
    # No model has a page of its own outside the admin, so "view on site" leads nowhere.
    "admin:view_on_site": Row(
        obj=_admin_obj(lambda side: {"content_type_id": "1", "object_id": "1"}), get=NOBODY, post=NOBODY
    ),
    "admin:auth_user_password_change": Row(
        obj=_admin_obj(lambda side: {"id": str(side.author.pk)}), get=STAFF, post=STAFF
    ),
    # The admin's catch-all: an unknown admin address is a 404 for staff too.
    "admin/(?P<url>.*)$": Row(obj=_admin_obj(lambda side: {"url": "no-such-page/"}), get=NOBODY, post=NOBODY),
}
for _label, _may in ADMIN_MODELS.items():
    ACCESS |= _admin_rows(_label, _may)

# Issue 12: each signed-in person chooses how they are told about each kind of event (their own settings only).
ACCESS |= {
    "notification-preferences": Row(get=SIGNED_IN, post=SIGNED_IN),
}
