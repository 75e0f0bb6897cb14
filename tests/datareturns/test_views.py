"""Placement data pages: who sees what, the filters, the CSV download, browser uploads (errors shown,
nothing stored) and the breach request page's placements."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from breaches.models import BreachRecord
from datareturns.models import Leaver, Placement, Upload
from datareturns.services import UploadSource
from rates.models import CoreJobType
from riia.models import Membership, Role
from riia.services_keys import api_key_create
from tests.breaches.factories import decided_request
from tests.datareturns.conftest import HEADER, csv_body, row, send
from tests.rates.factories import core_grade
from tests.riia.factories import person_with_role

pytestmark = pytest.mark.django_db

LIST = reverse("datareturns:placement-list")
EXPORT = reverse("datareturns:placement-export")
UPLOADS = reverse("datareturns:upload-list")
UPLOAD = reverse("datareturns:placement-upload")
LEAVERS = reverse("datareturns:leaver-list")
LEAVERS_UPLOAD = reverse("datareturns:leaver-upload")

EVERY_ROLE = [
    "workforce_lead",
    "dcs",
    "chief_executive",
    "la_viewer",
    "second_la_lead",
    "programme_manager",
    "foreign_programme_manager",
    "sub_regional_lead",
    "riia_member",
    "msp_uploader",
    "msp_viewer",
    "agency_contact",
    "nobody",
]


@pytest.fixture
def world(msp, la, second_la, foreign_la, social_worker_cap, agency):
    """Dudley's MSP sent A-1 (May, under the cap), A-2 (above the cap) and A-3 (a senior social worker:
    no cap, under 3 years' PQE); Coventry sent C-1 itself; Camden (London) sent F-1."""
    core_grade(CoreJobType.SENIOR_SOCIAL_WORKER)
    send(
        UploadSource(msp=msp),
        csv_body(
            row("A-1", la.old_code, worker="SW100001", pay="34.00", start="2026-05-01", end="2026-05-31"),
            row("A-2", la.old_code, worker="SW100002", pay="47.00", charge="60.00", start="2026-07-01"),
            row(
                "A-3",
                la.old_code,
                worker="SW100003",
                role="senior-social-worker",
                pqe="2",
                start="2026-07-15",
                agency="Bright Agency",
            ),
        ),
    )
    send(UploadSource(local_authority=second_la), csv_body(row("C-1", second_la.old_code, worker="SW200001")))
    send(UploadSource(local_authority=foreign_la), csv_body(row("F-1", foreign_la.old_code, worker="SW300001")))
    return {p.assignment_id: p for p in Placement.objects.all()}


def _ids(response) -> set[str]:
    return {p.assignment_id for p in response.context["placements"]}


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- Who sees which placements ---


SEES = {
    "workforce_lead": {"A-1", "A-2", "A-3"},
    "dcs": {"A-1", "A-2", "A-3"},
    "chief_executive": {"A-1", "A-2", "A-3"},
    "la_viewer": {"A-1", "A-2", "A-3"},
    "second_la_lead": {"C-1"},
    "programme_manager": {"A-1", "A-2", "A-3", "C-1"},
    "foreign_programme_manager": {"F-1"},
    "msp_uploader": {"A-1", "A-2", "A-3"},
    "msp_viewer": {"A-1", "A-2", "A-3"},
}
REFUSED = [person for person in EVERY_ROLE if person not in SEES]


@pytest.mark.parametrize(("person", "expected"), SEES.items())
def test_each_role_sees_only_its_placements_on_the_page_and_in_the_csv(request, client_for, world, person, expected):
    client = client_for(request.getfixturevalue(person))

    response = client.get(LIST)

    assert response.status_code == 200
    assert _ids(response) == expected
    assert {r[0] for r in _csv(client.get(EXPORT))[1:]} == expected


@pytest.mark.parametrize("person", REFUSED)
def test_people_without_placement_data_are_refused_every_page(request, client_for, world, person):
    client = client_for(request.getfixturevalue(person))

    for url in (LIST, EXPORT, UPLOADS, reverse("datareturns:placement-detail", args=[world["A-1"].pk])):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize(("person", "expected"), SEES.items())
def test_placement_page_is_shown_to_those_who_see_it_and_404_to_others(request, client_for, world, person, expected):
    client = client_for(request.getfixturevalue(person))

    for assignment_id, placement in world.items():
        response = client.get(reverse("datareturns:placement-detail", args=[placement.pk]))
        assert response.status_code == (200 if assignment_id in expected else 404), assignment_id


def test_navigation_offers_placements_to_those_who_use_them(client_for, world, workforce_lead, riia_member):
    assert 'href="/placements/"' in client_for(workforce_lead).get("/").text
    assert 'href="/placements/"' not in client_for(riia_member).get("/").text


# --- Filters ---


@pytest.mark.parametrize(
    ("person", "query", "expected"),
    [
        ("workforce_lead", {"quarter": "2026-Q2"}, {"A-1"}),
        ("workforce_lead", {"quarter": "2026-Q3"}, {"A-2", "A-3"}),  # A-1 ended in May
        ("programme_manager", {"quarter": "2026-Q3"}, {"A-2", "A-3", "C-1"}),  # C-1 is still open
        ("workforce_lead", {"role": "senior-social-worker"}, {"A-3"}),
        ("workforce_lead", {"flag": "above_cap_unauthorised"}, {"A-2"}),
        ("workforce_lead", {"flag": "pqe_under_3_years"}, {"A-3"}),
        ("workforce_lead", {"agency": "bright-agency"}, {"A-3"}),
        ("programme_manager", {"agency": "acme-social-care", "flag": "no_cap_in_force"}, set()),
        ("msp_viewer", {"quarter": "2026-Q3", "agency": "acme-social-care"}, {"A-2"}),
    ],
)
def test_filters_narrow_the_page_and_the_csv_alike(request, client_for, world, person, query, expected):
    client = client_for(request.getfixturevalue(person))

    assert _ids(client.get(LIST, query)) == expected
    assert {r[0] for r in _csv(client.get(EXPORT, query))[1:]} == expected


def test_programme_manager_chooses_a_local_authority(client_for, world, programme_manager, second_la):
    response = client_for(programme_manager).get(LIST, {"local_authority": second_la.old_code})

    assert "local_authority" in response.context["form"].fields
    assert _ids(response) == {"C-1"}


def test_a_person_with_one_local_authority_has_no_choice_of_it(client_for, world, workforce_lead):
    assert "local_authority" not in client_for(workforce_lead).get(LIST).context["form"].fields


def test_an_la_outside_the_scope_is_refused_not_shown(client_for, world, workforce_lead, second_la):
    response = client_for(workforce_lead).get(LIST, {"local_authority": second_la.old_code})

    assert "Select a local authority from the list" in response.text
    assert _ids(response) == set()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"quarter": "2026-Q9"}, "Enter a quarter like 2026-Q3"),
        ({"flag": "overpaid"}, "Select a flag from the list"),
        ({"role": "wizard"}, "Select a role from the list"),
        ({"agency": "nobody-ltd"}, "Select an agency from the list"),
    ],
)
def test_an_unknown_filter_value_is_reported_in_the_error_summary(client_for, world, workforce_lead, query, message):
    response = client_for(workforce_lead).get(LIST, query)

    assert "There is a problem" in response.text and message in response.text
    assert _ids(response) == set()
    assert _csv(client_for(workforce_lead).get(EXPORT, query))[1:] == []


def test_pages_of_fifty_keep_the_filters(client_for, msp, la, social_worker_cap, msp_viewer):
    rows = [row(f"P-{n:03d}", la.old_code, worker=f"SW{500000 + n}") for n in range(55)]
    send(UploadSource(msp=msp), csv_body(*rows))
    client = client_for(msp_viewer)

    first = client.get(LIST, {"flag": ""})
    second = client.get(LIST, {"flag": "", "page": 2})

    assert len(first.context["placements"]) == 50 and len(second.context["placements"]) == 5
    assert 'href="?flag=&amp;page=2"' in first.text


# --- The CSV ---


def test_csv_has_the_contract_columns_and_never_the_worker(client_for, world, programme_manager):
    rows = _csv(client_for(programme_manager).get(EXPORT, {"flag": "above_cap_unauthorised"}))

    header, (a2,) = rows[0], rows[1:]
    assert header[:3] == ["assignment_id", "la_code", "local_authority"]
    assert "worker_registration" not in header and "worker_hash" not in header
    record = dict(zip(header, a2, strict=True))
    assert record["assignment_id"] == "A-2" and record["hourly_pay_rate"] == "47.00"
    assert record["above_cap_unauthorised"] == "true" and record["cap_rate"] == "35.00"
    assert "£35.00" in record["explanations"]
    body = ",".join(a2)
    assert "SW100002" not in body and "100002" not in body and world["A-2"].worker_hash not in body


def test_csv_quotes_cells_a_spreadsheet_would_run(client_for, msp, la, social_worker_cap, msp_viewer):
    send(UploadSource(msp=msp), csv_body(row("=HYPERLINK(1)", la.old_code, agency="@SUM(A1)")))

    (record,) = _csv(client_for(msp_viewer).get(EXPORT))[1:]

    assert record[0] == "'=HYPERLINK(1)" and "'@SUM(A1)" in record


# --- Flags link to their explanation and the breach register ---


def test_each_flag_links_to_its_explanation(client_for, world, workforce_lead):
    a3 = world["A-3"]

    listing = client_for(workforce_lead).get(LIST).text
    detail = client_for(workforce_lead).get(reverse("datareturns:placement-detail", args=[a3.pk])).text

    assert f'href="/placements/{a3.pk}/#flag-pqe_under_3_years"' in listing
    assert 'id="flag-pqe_under_3_years"' in detail
    assert a3.explanations["pqe_under_3_years"] in detail


def test_breach_without_permission_links_to_the_register_entry_for_region_staff(client_for, world, programme_manager):
    record = BreachRecord.objects.get()  # suggested by A-2

    listing = client_for(programme_manager).get(LIST).text
    detail = client_for(programme_manager).get(reverse("datareturns:placement-detail", args=[world["A-2"].pk]))

    link = f'href="/breaches/register/{record.pk}/"'
    assert link in listing and link in detail.text


def test_la_sees_the_register_link_only_once_the_entry_is_confirmed(client_for, world, workforce_lead):
    record = BreachRecord.objects.get()
    link = f'href="/breaches/register/{record.pk}/"'
    client = client_for(workforce_lead)

    assert link not in client.get(LIST).text  # a suggestion is not yet a finding for the LA

    BreachRecord.objects.filter(pk=record.pk).update(status=BreachRecord.Status.CONFIRMED)
    assert link in client.get(LIST).text


def test_msp_sees_the_flag_but_no_register_link(client_for, world, msp_viewer):
    listing = client_for(msp_viewer).get(LIST).text

    assert "Above cap without permission" in listing and "/breaches/register/" not in listing


# --- The placement page ---


def test_placement_page_shows_its_fields_and_history_but_never_the_worker(client_for, msp, la, social_worker_cap, dcs):
    send(UploadSource(msp=msp), csv_body(row("A-9", la.old_code, worker="SW100009", pay="34.00")))
    send(UploadSource(msp=msp), csv_body(row("A-9", la.old_code, worker="SW100009", pay="36.50", charge="50.00")))
    placement = Placement.objects.get()

    response = client_for(dcs).get(reverse("datareturns:placement-detail", args=[placement.pk]))

    text = response.text
    assert "£36.50" in text and "Acme Social Care" in text and "Limited company" in text
    assert "Earlier versions" in text and "£34.00" in text  # the first version, kept in the history
    assert "SW100009" not in text and placement.worker_hash not in text


def test_placement_page_links_the_breach_request_it_uses(client_for, la, msp, social_worker_cap, la_viewer):
    approved = decided_request(la)
    send(UploadSource(msp=msp), csv_body(row("A-1", la.old_code, pay="39.00", charge="50.00", start="2026-06-01")))

    response = client_for(la_viewer).get(reverse("datareturns:placement-detail", args=[Placement.objects.get().pk]))

    assert f'href="/breaches/requests/{approved.pk}/"' in response.text


# --- Upload history ---


@pytest.mark.parametrize(
    ("person", "senders"),
    [
        ("workforce_lead", set()),  # Dudley's placements came from its MSP
        ("second_la_lead", {"Coventry"}),
        ("programme_manager", {"Midlands MSP", "Coventry"}),
        ("foreign_programme_manager", {"Camden"}),
        ("msp_uploader", {"Midlands MSP"}),
        ("msp_viewer", {"Midlands MSP"}),
    ],
)
def test_upload_history_lists_the_uploads_each_role_may_see(request, client_for, world, person, senders):
    client = client_for(request.getfixturevalue(person))

    response = client.get(UPLOADS)

    assert response.status_code == 200
    listed = {u.sender_name for u in response.context["page"].object_list}
    assert listed == senders
    for upload in Upload.objects.all():
        expected = 200 if upload.sender_name in senders else 404
        assert client.get(reverse("datareturns:upload-detail", args=[upload.pk])).status_code == expected


def test_upload_history_says_who_sent_what(client_for, world, programme_manager, second_la_lead, second_la):
    upload = Upload.objects.get(local_authority=second_la)
    upload.uploaded_by = second_la_lead
    upload.save()

    text = client_for(programme_manager).get(UPLOADS).text

    assert "Coventry, Sam Second" in text and "Above cap without permission: 1" in text


def test_upload_history_names_the_api_key_that_sent_an_upload(client_for, msp, la, social_worker_cap, msp_viewer):
    api_key, _secret = api_key_create(actor=None, name="Nightly export", msp=msp)
    send(UploadSource(msp=msp, api_key=api_key), csv_body(row("A-1", la.old_code)))

    text = client_for(msp_viewer).get(UPLOADS).text

    assert "Midlands MSP, API key “Nightly export”" in text


# --- Uploading in the browser ---


def _file(body: bytes, name: str = "placements.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="text/csv")


UPLOAD_REFUSED = [p for p in EVERY_ROLE if p not in ("workforce_lead", "second_la_lead")]


@pytest.mark.parametrize("url", [UPLOAD, LEAVERS_UPLOAD])
@pytest.mark.parametrize("person", UPLOAD_REFUSED)
def test_only_a_workforce_lead_may_upload(request, client_for, la, url, person):
    client = client_for(request.getfixturevalue(person))

    assert client.get(url).status_code == 403
    assert client.post(url, {"file": _file(csv_body(row("A-1", la.old_code)))}).status_code == 403
    assert Upload.objects.count() == 0


@pytest.mark.parametrize("url", [UPLOAD, LEAVERS_UPLOAD])
def test_workforce_lead_sees_the_upload_form(client_for, workforce_lead, url):
    response = client_for(workforce_lead).get(url)

    assert response.status_code == 200
    assert 'type="file"' in response.text and 'enctype="multipart/form-data"' in response.text


def test_a_bad_row_is_shown_in_the_error_summary_and_nothing_is_stored(
    client_for, workforce_lead, la, social_worker_cap
):
    body = csv_body(row("A-1", la.old_code), row("A-2", la.old_code, worker="SW100002", pay='"45,50"'))

    response = client_for(workforce_lead).post(UPLOAD, {"file": _file(body)})

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert (
        '<a href="#id_file">Row 3, hourly pay rate: The hourly pay rate is not a valid amount: '
        "use a point for pence, like 45.50, not a comma.</a>"
    ) in response.text
    assert "The file has 1 error, so nothing was stored" in response.text
    assert Placement.objects.count() == 0 and Upload.objects.count() == 0


def test_every_error_downloads_as_csv_for_the_uploader_only(client_for, workforce_lead, dcs, la, social_worker_cap):
    rows = [row(f"A-{n}", la.old_code, worker=f"SW{100000 + n}", hours="99") for n in range(60)]
    client = client_for(workforce_lead)

    response = client.post(UPLOAD, {"file": _file(csv_body(*rows))})

    assert len(response.context["row_errors"]) == 50
    assert "The first 50 of 60 errors are listed here." in response.text
    url = re.search(r'href="(/placements/upload/errors/[^"]+/)"', response.text)[1]
    errors = _csv(client.get(url))
    assert errors[0] == ["row", "field", "value", "message"]
    assert [e[0] for e in errors[1:]] == [str(n) for n in range(2, 62)]
    assert {e[1] for e in errors[1:]} == {"hours_per_week"}
    other = client_for(dcs)  # the same test client, now signed in as someone else
    assert other.get(url).status_code == 404  # bound to the person who uploaded
    assert client.get("/placements/upload/errors/not-a-token/").status_code == 404
    assert Placement.objects.count() == 0 and Upload.objects.count() == 0


def test_a_file_with_no_rows_says_so(client_for, workforce_lead):
    response = client_for(workforce_lead).post(UPLOAD, {"file": _file((HEADER + "\n").encode())})

    assert response.status_code == 400 and "The file has no placements." in response.text


def test_a_file_over_the_limit_is_refused(client_for, settings, workforce_lead, la):
    settings.DATARETURNS_UPLOAD_MAX_BYTES = 1024 * 1024
    body = csv_body(*[row(f"A-{n}", la.old_code, worker=f"SW{n}") for n in range(1000)])
    body += b"\n" * (1024 * 1024 + 1 - len(body))

    response = client_for(workforce_lead).post(UPLOAD, {"file": _file(body)})

    assert response.status_code == 400
    assert "The selected file must be smaller than 1 MB" in response.text
    assert Upload.objects.count() == 0


def test_a_file_that_is_not_csv_is_refused(client_for, workforce_lead, la):
    response = client_for(workforce_lead).post(UPLOAD, {"file": _file(b"PK\x03\x04", name="placements.xlsx")})

    assert response.status_code == 400 and "The selected file must be a CSV file" in response.text


def test_no_file_asks_for_one(client_for, workforce_lead):
    response = client_for(workforce_lead).post(UPLOAD, {})

    assert response.status_code == 400 and '<a href="#id_file">Select a CSV file</a>' in response.text


def test_a_valid_file_is_stored_and_confirmed_with_its_flags(client_for, workforce_lead, la, social_worker_cap):
    body = csv_body(row("A-1", la.old_code), row("A-2", la.old_code, worker="SW100002", pay="47.00", charge="60.00"))
    client = client_for(workforce_lead)

    response = client.post(UPLOAD, {"file": _file(body)}, follow=True)

    upload = Upload.objects.get()
    assert response.redirect_chain == [(reverse("datareturns:upload-detail", args=[upload.pk]), 302)]
    assert upload.local_authority == la and upload.uploaded_by == workforce_lead and upload.sender == f"la:{la.pk}"
    assert "govuk-panel--confirmation" in response.text and "Placements uploaded" in response.text
    assert f"/placements/?upload={upload.pk}&amp;flag=above_cap_unauthorised" in response.text
    assert _ids(client.get(LIST, {"upload": upload.pk, "flag": "above_cap_unauthorised"})) == {"A-2"}


def test_the_same_file_twice_is_stored_once(client_for, workforce_lead, la, social_worker_cap):
    client = client_for(workforce_lead)
    body = csv_body(row("A-1", la.old_code))
    client.post(UPLOAD, {"file": _file(body)})

    response = client.post(UPLOAD, {"file": _file(body)}, follow=True)

    assert Upload.objects.count() == 1 and Placement.objects.count() == 1
    assert "This file was uploaded before: nothing new was stored." in response.text


def test_a_lead_of_two_las_chooses_which_and_only_among_them(
    client_for, workforce_lead, la, second_la, foreign_la, social_worker_cap
):
    Membership.objects.create(user=workforce_lead, role=Role.WORKFORCE_LEAD, local_authority=second_la)
    person_with_role(Role.DCS, foreign_la)
    client = client_for(workforce_lead)
    body = csv_body(row("C-1", second_la.old_code))

    form = client.get(UPLOAD).context["form"]
    assert [name for _, name in form.fields["local_authority"].choices] == ["Coventry", "Dudley"]
    missing = client.post(UPLOAD, {"file": _file(body)})
    assert '<a href="#id_local_authority_0">Select the local authority</a>' in missing.text
    foreign = client.post(UPLOAD, {"file": _file(body), "local_authority": foreign_la.pk})
    assert foreign.status_code == 400 and Upload.objects.count() == 0

    client.post(UPLOAD, {"file": _file(body), "local_authority": second_la.pk})

    assert Placement.objects.get().local_authority == second_la


# --- Permanent leavers ---

LEAVER_HEADER = "la_code,worker_registration,leave_date,leave_reason"


def test_leavers_upload_stores_them_and_the_list_never_shows_the_worker(client_for, workforce_lead, la):
    body = f"{LEAVER_HEADER}\n{la.old_code},SW700001,2026-03-31,resigned\n".encode()
    client = client_for(workforce_lead)

    response = client.post(LEAVERS_UPLOAD, {"file": _file(body, "leavers.csv")}, follow=True)

    assert "Permanent leavers uploaded" in response.text
    leaver = Leaver.objects.get()
    listing = client.get(LEAVERS).text
    assert "31 Mar 2026" in listing and "Resigned" in listing
    assert "SW700001" not in listing and leaver.worker_hash not in listing


def test_leavers_upload_errors_are_shown_and_nothing_is_stored(client_for, workforce_lead, la):
    body = f"{LEAVER_HEADER}\n{la.old_code},SW700001,2026-03-31,bored\n".encode()

    response = client_for(workforce_lead).post(LEAVERS_UPLOAD, {"file": _file(body, "leavers.csv")})

    assert response.status_code == 400 and "Row 2, leave reason:" in response.text
    assert Leaver.objects.count() == 0 and Upload.objects.count() == 0


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("workforce_lead", True),
        ("dcs", True),
        ("chief_executive", True),
        ("la_viewer", True),
        ("programme_manager", True),
        ("second_la_lead", False),
        ("foreign_programme_manager", False),
    ],
)
def test_leavers_list_is_scoped(request, client_for, workforce_lead, la, person, sees):
    body = f"{LEAVER_HEADER}\n{la.old_code},SW700001,2026-03-31,retired\n".encode()
    client_for(workforce_lead).post(LEAVERS_UPLOAD, {"file": _file(body, "leavers.csv")})

    response = client_for(request.getfixturevalue(person)).get(LEAVERS)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == (1 if sees else 0)


@pytest.mark.parametrize("person", ["msp_uploader", "msp_viewer", "sub_regional_lead", "riia_member", "agency_contact"])
def test_leavers_list_is_refused_to_those_outside_the_la_and_its_manager(request, client_for, person):
    assert client_for(request.getfixturevalue(person)).get(LEAVERS).status_code == 403


# --- The breach request page lists the placements that use it ---


def test_request_page_lists_its_placements_and_warns_when_more_than_its_roles(
    client_for, la, msp, social_worker_cap, workforce_lead, sub_regional_lead
):
    approved = decided_request(la)  # 2 roles at £40.00
    rows = [
        row(f"A-{n}", la.old_code, worker=f"SW{n}", pay="39.00", charge="50.00", start="2026-06-01") for n in (1, 2)
    ]
    send(UploadSource(msp=msp), csv_body(*rows))
    url = reverse("breaches:request-detail", args=[approved.pk])

    two = client_for(workforce_lead).get(url).text
    assert "Placements using this request" in two and "A-1" in two and "A-2" in two
    assert "govuk-warning-text" not in two

    send(UploadSource(msp=msp), csv_body(row("A-3", la.old_code, worker="SW3", pay="39.00", start="2026-07-01")))
    three = client_for(workforce_lead).get(url).text
    assert "3 placements use this request, but it allows 2 roles." in three

    # The sub-regional lead sees the decided request, but no placement pay data.
    assert "Placements using this request" not in client_for(sub_regional_lead).get(url).text
