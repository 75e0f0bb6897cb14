"""Proof suite, concurrency (issue 14): clients racing each other through the real interface, against
gunicorn with several worker processes on PostgreSQL, each client its own connection and session,
released together by a barrier. Each test asserts what the database holds afterwards AND what every
client was told: one outcome stands, and the loser hears why (a page error or a 409 in our error
format), never a 500 or silence.

Services mode only: SQLite serialises writers, so these races cannot happen there."""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as DjangoClient

from breaches.models import BreachRequestStatus, Decision, Signature
from datareturns.models import Placement, PlacementVersion, Upload
from riia.models import MSP, Agency, AuditRecord, Role
from riia.services_keys import api_key_create
from tests.breaches.factories import BreachRequestFactory
from tests.datareturns.conftest import csv_body, row
from tests.proof.processes import Gunicorn, service_env
from tests.rates.factories import PriceCapFactory, core_grade
from tests.riia.factories import MSPFactory, person_with_role

pytestmark = [
    pytest.mark.services,
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.REDIS_URL, reason="services mode only: set REDIS_URL and DATABASE_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
]

UPLOADS = "/api/v1/placements/uploads/"


@pytest.fixture
def server(transactional_db):
    """gunicorn with 4 workers, one per test: between tests the database is flushed and its content
    types made afresh, which workers that cached the old ids would write dangling references to.
    Tasks run in the web process (eager), so nothing is left queued in the shared Redis for another
    test's worker to pick up."""
    gunicorn = Gunicorn(service_env(RIIA_CELERY_EAGER="true"), workers=4)
    gunicorn.command.append("--preload")  # the project imported once, then forked: a faster start
    with gunicorn:
        # Every worker serves a page and the API once before a race, so no client of a race waits
        # for a cold worker's first request (imports, URL resolver, connection) while another runs.
        for _round in range(2):
            at_once(*(lambda p=p: Client(gunicorn.url).get(p) for p in ["/sign-in/", "/api/v1/whoami/"] * 4))
        yield gunicorn


# --- Clients -------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: str

    def json(self) -> dict:
        return json.loads(self.body)

    def text(self) -> str:
        """The page's words, without tags or repeated spaces."""
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", self.body)).split())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser or MSP system: its own cookies (session, CSRF) and its own connections."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        self.base = base
        self.headers = headers or {}
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict[str, str] | None = None):
        request = urllib.request.Request(  # noqa: S310 - our own server on loopback
            self.base + path, data=data, method=method, headers={**self.headers, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode())

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)

    def post_form(self, path: str, fields: dict[str, str], *, token_from: str | None = None) -> Answer:
        token = self.csrf_token(token_from or path)
        return self.submit(path, {**fields, "csrfmiddlewaretoken": token})

    def submit(self, path: str, fields: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, user) -> Client:
        """A signed-in session of the person, made as Django's test client makes one (in the session
        table gunicorn reads). Not through the sign-in page: the test settings hash passwords with MD5
        for speed, which the server's settings rightly refuse."""
        session = DjangoClient()
        session.force_login(user, backend="riia.auth_backends.AdminModelBackend")
        name = settings.SESSION_COOKIE_NAME
        self.cookies.set_cookie(
            http.cookiejar.Cookie(
                0,
                name,
                session.cookies[name].value,
                None,
                False,
                "127.0.0.1",
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )  # fmt: skip
        )
        assert self.get("/").status == 200, f"{user.email} is not signed in"
        return self


def at_once(*calls) -> list:
    """Run the calls in threads released together by a barrier; their results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=30)
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported as the client's outcome, and asserted on
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


def audit_count(action: str) -> int:
    return AuditRecord.objects.filter(action=action).count()


# --- The world -----------------------------------------------------------------------------------


@pytest.fixture
def capped(region):
    """The social worker cap of £35.00 an hour from 1 April 2026."""
    return PriceCapFactory(
        region=region, role_grade=core_grade(), hourly_rate=Decimal("35.00"), effective_from=date(2026, 4, 1)
    )


def msp_key(msp: MSP, name: str) -> dict[str, str]:
    _api_key, key = api_key_create(actor=None, name=name, msp=msp)
    return {"Authorization": f"Api-Key {key}"}


def upload_client(server, key_headers: dict[str, str], *, idempotency_key: str | None = None) -> Client:
    headers = {**key_headers, "Content-Type": "text/csv"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return Client(server.url, headers)


# --- 1. The same upload from 8 clients at once -----------------------------------------------------


def _eight_send(server, key: dict[str, str], body: bytes, *, idempotency_key: str | None) -> list[Answer]:
    clients = [upload_client(server, key, idempotency_key=idempotency_key) for _ in range(8)]
    return at_once(*(lambda c=c: c.request("POST", UPLOADS, body) for c in clients))


def _assert_stored_once(answers: list[Answer], upload: Upload, *, by_key: bool) -> None:
    """One upload's rows, and every client told either that upload's answer (201; 200 naming it
    as ``duplicate_of`` for a repeated body without a key) or 409 naming it as still processing."""
    statuses = Counter(a.status for a in answers)
    assert set(statuses) <= {200, 201, 409}, [(a.status, a.body[:200]) for a in answers]
    stored = [a.json() for a in answers if a.status in (200, 201)]
    assert all(s["id"] == upload.pk and s["created"] == upload.created for s in stored)
    if by_key:
        assert statuses[200] == 0  # the contract: the same key and body answer the first 201 again
    else:
        # One client stored it (201); a 200 is a later repeat, told the upload it duplicates.
        assert statuses[201] == 1
        assert [s["duplicate_of"] for s in stored if "duplicate_of" in s] == [upload.pk] * statuses[200]
    for refused in (a.json() for a in answers if a.status == 409):
        (error,) = refused["errors"]  # our error format, naming the upload to ask about
        assert error["field"] is None and f"Upload {upload.pk}, " in error["message"]
        assert "still being processed" in error["message"] and "stored once" in error["message"]


@pytest.mark.django_db(transaction=True)
def test_the_same_upload_from_eight_clients_at_once_is_stored_once(server, msp, la, capped):
    key = msp_key(msp, "Nightly upload")

    # The same body, no Idempotency-Key: stored once, by its content hash.
    body = csv_body(*(row(f"A-{n}", la.old_code, worker=f"SW{n + 100}") for n in range(200)))
    answers = _eight_send(server, key, body, idempotency_key=None)

    upload = Upload.objects.get()
    assert upload.status == Upload.Status.COMPLETE and upload.created == 200
    assert Placement.objects.count() == 200 and PlacementVersion.objects.count() == 0
    assert audit_count("placements.uploaded") == 1
    _assert_stored_once(answers, upload, by_key=False)
    again = upload_client(server, key).request("POST", UPLOADS, body)  # a client told 409 sends again
    assert again.status == 200 and again.json()["duplicate_of"] == upload.pk

    # The same Idempotency-Key and body (new assignments): stored once, by the key.
    body = csv_body(*(row(f"B-{n}", la.old_code, worker=f"SW{n + 500}") for n in range(200)))
    answers = _eight_send(server, key, body, idempotency_key="nightly-2026-05-02")

    upload = Upload.objects.get(idempotency_key="nightly-2026-05-02")
    assert upload.status == Upload.Status.COMPLETE and upload.created == 200
    assert Upload.objects.count() == 2 and Placement.objects.count() == 400
    assert audit_count("placements.uploaded") == 2
    _assert_stored_once(answers, upload, by_key=True)
    again = upload_client(server, key, idempotency_key="nightly-2026-05-02").request("POST", UPLOADS, body)
    assert again.status == 201 and again.json()["id"] == upload.pk
    assert Upload.objects.count() == 2 and Placement.objects.count() == 400


# --- 2. Two programme managers deciding the same request at once ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_programme_managers_deciding_at_once_record_one_decision(server, region, la, capped):
    request = BreachRequestFactory(local_authority=la, submitted=True, status=BreachRequestStatus.AWAITING_DECISION)
    approver = person_with_role(Role.PROGRAMME_MANAGER, region, full_name="Amal Approver")
    rejecter = person_with_role(Role.PROGRAMME_MANAGER, region, full_name="Rhys Rejecter")
    page = f"/breaches/requests/{request.pk}/"
    posts = {
        approver.full_name: {"outcome": "approved", "conditions": "Review in three months"},
        rejecter.full_name: {"outcome": "rejected", "comment": "Recruit permanently instead"},
    }
    clients = {}
    for person in (approver, rejecter):
        client = Client(server.url).sign_in(person)
        clients[person.full_name] = (client, client.csrf_token(page))

    answers = dict(
        zip(
            posts,
            at_once(
                *(
                    lambda name=name: clients[name][0].submit(
                        f"{page}decide/", {**posts[name], "csrfmiddlewaretoken": clients[name][1]}
                    )
                    for name in posts
                )
            ),
            strict=True,
        )
    )

    decision = Decision.objects.select_related("decided_by").get(breach_request=request)
    request.refresh_from_db()
    assert request.status == decision.outcome
    assert audit_count("breach_request.decided") == 1
    winner, loser = decision.decided_by.full_name, next(n for n in posts if n != decision.decided_by.full_name)
    assert decision.outcome == posts[winner]["outcome"]
    assert answers[winner].status == 302, answers[winner].text()[:500]
    assert f"Your decision on {request.reference} is recorded" in clients[winner][0].get(page).text()
    # The loser: the page again (400) with the reason, the request as it now stands, and no form
    # inviting a second decision.
    assert answers[loser].status == 400, answers[loser].status
    text = answers[loser].text()
    outcome = decision.get_outcome_display().lower()
    assert "There is a problem" in text
    assert f"has already been decided ({outcome} by {winner}). Your decision was not recorded." in text
    tag = re.search(r'<p class="govuk-body"><strong class="govuk-tag[^"]*">([^<]+)</strong>', answers[loser].body)
    assert tag.group(1) == decision.get_outcome_display()
    assert 'name="outcome"' not in answers[loser].body
    assert Decision.objects.count() == 1


# --- 3. Two DCS signing the same request at once -----------------------------------------------------


def _sign_at_once(server, request, people_and_roles) -> list[Answer]:
    sign = f"/breaches/requests/{request.pk}/sign/"
    prepared = []
    for person, role in people_and_roles:
        client = Client(server.url).sign_in(person)
        prepared.append((client, client.csrf_token(sign), role))
    return at_once(
        *(
            lambda c=c, t=t, r=r: c.submit(sign, {"role": r, "declaration": "on", "csrfmiddlewaretoken": t})
            for c, t, r in prepared
        )
    )


@pytest.mark.django_db(transaction=True)
def test_two_signatures_as_dcs_at_once_record_one(server, la, capped):
    first = person_with_role(Role.DCS, la, full_name="Dana First")
    second = person_with_role(Role.DCS, la, full_name="Dev Second")
    chief_executive = person_with_role(Role.CHIEF_EXECUTIVE, la, full_name="Chris Chief")
    races = {
        # Two DCS of the LA (the model allows several), and one DCS signed in twice.
        "two DCS": ((first, Role.DCS), (second, Role.DCS)),
        "one DCS, two sessions": ((first, Role.DCS), (first, Role.DCS)),
    }
    for race, signers in races.items():
        request = BreachRequestFactory(local_authority=la, submitted=True)

        answers = _sign_at_once(server, request, signers)

        signature = Signature.objects.get(breach_request=request)
        assert signature.role == Role.DCS and signature.round == 1, race
        assert AuditRecord.objects.filter(action="breach_request.signed", object_id=str(request.pk)).count() == 1
        request.refresh_from_db()
        assert request.status == BreachRequestStatus.AWAITING_SIGNATURES
        assert sorted(a.status for a in answers) == [302, 400], [(race, a.status, a.text()[:300]) for a in answers]
        refused = next(a for a in answers if a.status == 400)
        loser = refused.text()
        assert "There is a problem" in loser and 'name="declaration"' not in refused.body
        if race == "two DCS":
            assert "The director of children's services has already signed this request." in loser
        else:
            assert "You have already signed this request." in loser

    # The DCS and the chief executive at once: both signatures stand, and the request is sent on once.
    request = BreachRequestFactory(local_authority=la, submitted=True)

    answers = _sign_at_once(server, request, ((second, Role.DCS), (chief_executive, Role.CHIEF_EXECUTIVE)))

    assert [a.status for a in answers] == [302, 302]
    request.refresh_from_db()
    assert request.status == BreachRequestStatus.AWAITING_DECISION
    assert Signature.objects.filter(breach_request=request).count() == 2
    assert AuditRecord.objects.filter(action="breach_request.signed_off", object_id=str(request.pk)).count() == 1


# --- 4. Two uploads touching one placement at once -----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_uploads_touching_one_placement_at_once_end_consistent(server, msp, la, capped):
    """Two keys of one MSP send different files for the same assignment at once. Uploads of one
    sender run one after another (a lock on the sender), so the later one updates the placement the
    earlier one stored: one current row, the earlier version in its history."""
    # Many rows around the contested one, so the two transactions overlap for a while.
    others = {
        name: [row(f"{name[0]}-{n}", la.old_code, worker=f"SW{n + base}") for n in range(300)]
        for name, base in (("Day shift", 1000), ("Night shift", 5000))
    }
    files = {
        "Day shift": csv_body(row("A-1", la.old_code, pay="34.00", charge="48.00"), *others["Day shift"]),
        "Night shift": csv_body(row("A-1", la.old_code, pay="41.00", charge="55.00"), *others["Night shift"]),
    }
    clients = {name: upload_client(server, msp_key(msp, name)) for name in files}

    answers = dict(
        zip(files, at_once(*(lambda n=n: clients[n].request("POST", UPLOADS, files[n]) for n in files)), strict=True)
    )

    assert {a.status for a in answers.values()} == {201}, [(a.status, a.body[:300]) for a in answers.values()]
    told = {name: a.json() for name, a in answers.items()}
    first, later = sorted(told, key=lambda n: Upload.objects.get(pk=told[n]["id"]).completed_at)
    assert (told[first]["created"], told[first]["updated"]) == (301, 0)
    assert (told[later]["created"], told[later]["updated"]) == (300, 1)
    placement = Placement.objects.get(assignment_id="A-1")
    assert Placement.objects.count() == 601
    assert placement.upload_id == told[later]["id"]
    assert placement.hourly_pay_rate == Decimal("41.00" if later == "Night shift" else "34.00")
    (version,) = PlacementVersion.objects.all()
    assert version.placement_id == placement.pk
    assert version.upload_id == told[first]["id"] and version.replaced_by_upload_id == told[later]["id"]
    assert version.hourly_pay_rate != placement.hourly_pay_rate
    # The flags stored match the row that stands, and each upload's answer counted its own row.
    above = placement.hourly_pay_rate > Decimal("35.00")
    assert placement.flag_above_cap_unauthorised is above
    assert ("above_cap_unauthorised" in placement.explanations) is above
    assert told[later]["flags"]["above_cap_unauthorised"] == int(above)
    assert told[first]["flags"]["above_cap_unauthorised"] == int(not above)


@pytest.mark.django_db(transaction=True)
def test_two_senders_naming_the_same_new_agencies_at_once_both_store(server, msp, la, foreign_la, capped):
    """Two MSPs in different regions (whose uploads run side by side) both name agencies nobody has
    sent before: each agency is made once and both uploads are stored (the regression: the second
    failed on the unique agency name with a 500, and two naming the new agencies in opposite orders
    could deadlock)."""
    PriceCapFactory(
        region=foreign_la.region, role_grade=core_grade(), hourly_rate=Decimal("35.00"), effective_from=date(2026, 4, 1)
    )
    other = MSPFactory(name="Capital MSP")
    other.local_authorities.add(foreign_la)
    new_agencies = ["Brand New Staffing", "Another New Agency"]
    files = {}
    for sender, sent_for, names in ((msp, la, new_agencies), (other, foreign_la, new_agencies[::-1])):
        rows = [row(f"A-{n}", sent_for.old_code, worker=f"SW{n + 1}", agency=name) for n, name in enumerate(names)]
        rows += [row(f"B-{n}", sent_for.old_code, worker=f"SW{n + 1000}") for n in range(300)]
        files[sender.pk] = (upload_client(server, msp_key(sender, "Nightly")), csv_body(*rows))

    answers = at_once(*(lambda c=c, b=b: c.request("POST", UPLOADS, b) for c, b in files.values()))

    assert [a.status for a in answers] == [201, 201], [(a.status, a.body[:300]) for a in answers]
    assert sorted(Agency.objects.filter(name__in=new_agencies).values_list("name", flat=True)) == sorted(new_agencies)
    assert Upload.objects.count() == 2 and Placement.objects.count() == 2 * 302
    assert Placement.objects.filter(assignment_id="A-0").count() == 2
    new_by_upload = [
        record.after["new_agencies"] for record in AuditRecord.objects.filter(action="placements.uploaded")
    ]
    # Each new agency (the rest of the rows name Acme Social Care, new too) was made by one upload.
    assert sorted(name for names in new_by_upload for name in names) == sorted([*new_agencies, "Acme Social Care"])


@pytest.mark.django_db(transaction=True)
def test_a_placement_upload_racing_a_leavers_upload_on_one_worker_ends_with_flags_of_both(server, msp, la, capped):
    """The MSP re-sends a placement (now above the cap) while the LA sends that worker as a permanent
    leaver inside the cool-off period: the two uploads touch one placement, the MSP's by replacing
    it, the LA's by re-checking its flags. Whichever commits first, the row that stands must carry
    both flags, each explained (the regression: the re-check wrote flags computed from the row it
    read before the replacement, or the replacement wrote flags computed without the leaver)."""
    msp_client = upload_client(server, msp_key(msp, "Nightly"))
    _api_key, la_key = api_key_create(actor=None, name="HR system", local_authority=la)
    la_client = Client(server.url, {"Authorization": f"Api-Key {la_key}", "Content-Type": "text/csv"})
    others = [row(f"B-{n}", la.old_code, worker=f"SW{n + 1000}") for n in range(300)]
    stored = msp_client.request("POST", UPLOADS, csv_body(row("A-1", la.old_code, worker="SW1", pay="34.00")))
    assert stored.status == 201 and stored.json()["flags"]["above_cap_unauthorised"] == 0
    placement_file = csv_body(row("A-1", la.old_code, worker="SW1", pay="41.00", charge="55.00"), *others)
    leavers = ["la_code,worker_registration,leave_date,leave_reason"]
    leavers += [f"{la.old_code},SW{n + 2000},2026-01-15,resigned" for n in range(300)]
    leavers_file = "\n".join([*leavers[:1], f"{la.old_code},SW1,2026-01-15,resigned", *leavers[1:]]).encode() + b"\n"

    answers = at_once(
        lambda: msp_client.request("POST", UPLOADS, placement_file),
        lambda: la_client.request("POST", "/api/v1/leavers/uploads/", leavers_file),
    )

    assert [a.status for a in answers] == [201, 201], [(a.status, a.body[:300]) for a in answers]
    placement = Placement.objects.get(assignment_id="A-1")
    assert placement.hourly_pay_rate == Decimal("41.00")
    assert (placement.flag_above_cap_unauthorised, placement.flag_cool_off) == (True, True), placement.explanations
    assert set(placement.explanations) == {"above_cap_unauthorised", "cool_off"}
    assert PlacementVersion.objects.get().hourly_pay_rate == Decimal("34.00")
