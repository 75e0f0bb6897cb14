"""API keys: who may make and revoke them (each rule allowed and refused), the key shown once and stored
only as a hash, the pages, and the management command."""

import json
import logging
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from riia.errors import DomainError
from riia.models import ApiKey, AuditRecord, Role
from riia.navigation import navigation_for
from riia.services_keys import api_key_create, api_key_revoke
from riia.views import NEW_API_KEY_SESSION
from tests.riia.factories import MSPFactory, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_msp(foreign_la):
    msp = MSPFactory(name="London MSP")
    msp.local_authorities.add(foreign_la)
    return msp


@pytest.fixture
def other_msp_uploader(other_msp):
    return person_with_role(Role.MSP_UPLOADER, other_msp, full_name="Olly Other")


def msp_key(msp, name="Nightly upload", **kwargs):
    return api_key_create(actor=None, name=name, msp=msp, **kwargs)


# --- Making a key ---------------------------------------------------------------------------


def test_a_key_is_returned_once_and_stored_only_as_a_hash(programme_manager, msp):
    api_key, key = api_key_create(actor=programme_manager, name=" Nightly upload ", msp=msp)

    stored = ApiKey.objects.get(pk=api_key.pk)
    assert key.startswith(f"{stored.prefix}.") and len(key) > 30
    assert key not in stored.hashed_key and key.split(".")[1] not in stored.hashed_key
    assert stored.name == "Nightly upload" and stored.msp == msp and stored.local_authority is None
    assert stored.created_by == programme_manager and stored.last_used_at is None and stored.status == "active"
    assert isinstance(stored.pk, int)


def test_making_a_key_is_audited_without_the_key_or_its_hash(programme_manager, msp):
    api_key, key = api_key_create(actor=programme_manager, name="Nightly upload", msp=msp)

    record = AuditRecord.objects.get(action="api_key.created")
    assert record.actor == programme_manager and record.object_id == str(api_key.pk)
    assert record.after["prefix"] == api_key.prefix and record.after["organisation"] == "Midlands MSP"
    written = json.dumps([record.before, record.after, record.object_repr, record.object_id])
    assert key.split(".")[1] not in written and api_key.hashed_key not in written


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("programme_manager", True),
        ("msp_uploader", True),
        ("foreign_programme_manager", False),
        ("other_msp_uploader", False),
        ("msp_viewer", False),
        ("workforce_lead", False),
        ("dcs", False),
        ("riia_member", False),
        ("sub_regional_lead", False),
        ("agency_contact", False),
        ("nobody", False),
    ],
)
def test_who_may_make_and_revoke_keys_for_an_msp(request, msp, person, allowed):
    user = request.getfixturevalue(person)

    assert user.has_perm("riia.manage_msp_api_keys", msp) is allowed
    if allowed:
        api_key, _ = api_key_create(actor=user, name="Key", msp=msp)
        assert api_key_revoke(actor=user, api_key=api_key).revoked
    else:
        with pytest.raises(DomainError, match="You cannot make API keys for Midlands MSP"):
            api_key_create(actor=user, name="Key", msp=msp)
        api_key, _ = msp_key(msp)
        with pytest.raises(DomainError, match="You cannot revoke API keys of Midlands MSP"):
            api_key_revoke(actor=user, api_key=api_key)
        assert not ApiKey.objects.get(pk=api_key.pk).revoked


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("programme_manager", True),
        ("foreign_programme_manager", False),
        ("workforce_lead", False),
        ("dcs", False),
        ("msp_uploader", False),
        ("sub_regional_lead", False),
        ("riia_member", False),
    ],
)
def test_who_may_make_and_revoke_keys_for_an_la(request, la, person, allowed):
    user = request.getfixturevalue(person)

    assert user.has_perm("riia.manage_la_api_keys", la) is allowed
    if allowed:
        api_key, _ = api_key_create(actor=user, name="Leavers", local_authority=la)
        assert api_key.kind == "la" and api_key_revoke(actor=user, api_key=api_key).revoked
    else:
        with pytest.raises(
            DomainError, match="Only the programme manager of West Midlands can make API keys for Dudley"
        ):
            api_key_create(actor=user, name="Leavers", local_authority=la)


def test_a_programme_manager_may_not_make_keys_for_an_msp_serving_only_another_region(programme_manager, other_msp):
    assert not programme_manager.has_perm("riia.manage_msp_api_keys", other_msp)

    with pytest.raises(DomainError):
        api_key_create(actor=programme_manager, name="Key", msp=other_msp)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "  "}, "Enter a name for the key"),
        ({"name": "x" * 51}, "The name must be 50 characters or fewer"),
        ({"expiry_date": "today"}, "The expiry date must be in the future"),
        ({"expiry_date": "yesterday"}, "The expiry date must be in the future"),
        ({"both": True}, "Choose the MSP or the local authority the key is for"),
        ({"neither": True}, "Choose the MSP or the local authority the key is for"),
    ],
)
def test_a_key_needs_a_name_a_future_expiry_and_one_organisation(programme_manager, msp, la, kwargs, message):
    today = timezone.localdate()
    args = {"name": kwargs.get("name", "Key"), "msp": msp}
    if "expiry_date" in kwargs:
        args["expiry_date"] = today if kwargs["expiry_date"] == "today" else today - timedelta(days=1)
    if kwargs.get("both"):
        args["local_authority"] = la
    if kwargs.get("neither"):
        args["msp"] = None

    with pytest.raises(DomainError, match=message):
        api_key_create(actor=programme_manager, **args)
    assert not ApiKey.objects.exists()


def test_the_database_refuses_a_key_for_two_organisations_or_none(msp, la):
    from django.db import IntegrityError, transaction

    for owners in ({"msp": msp, "local_authority": la}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiKey.objects.create_key(name="Bad", **owners)


def test_an_expiry_date_means_the_key_stops_at_the_start_of_that_day(msp):
    expires = timezone.localdate() + timedelta(days=30)

    api_key, _ = msp_key(msp, expiry_date=expires)

    local = timezone.localtime(api_key.expiry_date)
    assert local.date() == expires and (local.hour, local.minute) == (0, 0)


def test_revoking_twice_is_refused_and_revoking_is_audited(programme_manager, msp):
    api_key, _ = msp_key(msp)

    api_key_revoke(actor=programme_manager, api_key=api_key)
    with pytest.raises(DomainError, match="already been revoked"):
        api_key_revoke(actor=programme_manager, api_key=api_key)

    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.revoked and stored.revoked_by == programme_manager and stored.revoked_at is not None
    record = AuditRecord.objects.get(action="api_key.revoked")
    assert record.before["revoked"] is False and record.after["revoked"] is True


# --- Pages ----------------------------------------------------------------------------------


@pytest.fixture
def keys(msp, other_msp, la, foreign_la):
    return {
        "msp": msp_key(msp, name="Midlands nightly")[0],
        "la": api_key_create(actor=None, name="Dudley leavers", local_authority=la)[0],
        "other_msp": msp_key(other_msp, name="London nightly")[0],
        "foreign_la": api_key_create(actor=None, name="Camden leavers", local_authority=foreign_la)[0],
    }


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("programme_manager", {"Midlands nightly", "Dudley leavers"}),
        ("msp_uploader", {"Midlands nightly"}),
        ("foreign_programme_manager", {"London nightly", "Camden leavers"}),
        ("other_msp_uploader", {"London nightly"}),
    ],
)
def test_the_keys_page_lists_the_keys_each_person_looks_after(request, client_for, keys, person, expected):
    response = client_for(request.getfixturevalue(person)).get(reverse("api-keys"))

    assert response.status_code == 200
    assert {k.name for k in response.context["api_keys"]} == expected
    assert "Never used" in response.text and "Active" in response.text


@pytest.mark.parametrize("person", ["workforce_lead", "dcs", "msp_viewer", "riia_member", "agency_contact", "nobody"])
@pytest.mark.parametrize("url", ["api-keys", "api-key-create"])
def test_people_who_look_after_no_keys_are_refused_the_pages(request, client_for, person, url):
    response = client_for(request.getfixturevalue(person)).get(reverse(url))

    assert response.status_code == 403


def test_the_keys_page_shows_last_use_expiry_and_status(client_for, programme_manager, keys):
    ApiKey.objects.filter(pk=keys["la"].pk).update(last_used_at=timezone.now())
    api_key_revoke(actor=programme_manager, api_key=keys["msp"])

    text = client_for(programme_manager).get(reverse("api-keys")).text

    assert "Revoked" in text and "by Pat Programme" in text
    assert text.count("Never used") == 1 and "Does not expire" in text


def test_making_a_key_on_the_page_shows_it_once_then_never_again(client_for, programme_manager, msp, caplog):
    client = client_for(programme_manager)
    expires = timezone.localdate() + timedelta(days=90)
    caplog.set_level(logging.DEBUG)

    create = client.post(
        reverse("api-key-create"),
        {
            "organisation": f"msp-{msp.pk}",
            "name": "Nightly upload",
            "expiry_date_day": expires.day,
            "expiry_date_month": expires.month,
            "expiry_date_year": expires.year,
        },
    )
    assert create.status_code == 302 and create.url == reverse("api-key-created")

    shown = client.get(create.url)
    api_key = ApiKey.objects.get()
    key = shown.context["key"]
    assert shown.status_code == 200 and key.startswith(api_key.prefix + ".")
    assert key in shown.text and "It will not be shown again" in shown.text
    assert "no-store" in shown["Cache-Control"]
    assert NEW_API_KEY_SESSION not in client.session
    assert key not in caplog.text

    again = client.get(create.url)
    assert again.status_code == 302 and again.url == reverse("api-keys")
    assert key not in client.get(again.url).text
    assert timezone.localtime(api_key.expiry_date).date() == expires and api_key.created_by == programme_manager


def test_an_msp_uploader_may_choose_only_their_msp(client_for, msp_uploader, msp, other_msp, la):
    client = client_for(msp_uploader)

    choices = client.get(reverse("api-key-create")).context["form"].fields["organisation"].choices
    refused = client.post(reverse("api-key-create"), {"organisation": f"msp-{other_msp.pk}", "name": "Sneaky"})
    refused_la = client.post(reverse("api-key-create"), {"organisation": f"la-{la.pk}", "name": "Sneaky"})

    assert choices == [("", "Select an organisation"), ("MSPs", [(f"msp-{msp.pk}", "Midlands MSP")])]
    assert refused.status_code == 200 and "Select an organisation from the list" in refused.text
    assert refused_la.status_code == 200 and not ApiKey.objects.exists()


def test_the_create_form_shows_the_services_refusal_on_the_field(client_for, programme_manager, la):
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client_for(programme_manager).post(
        reverse("api-key-create"),
        {
            "organisation": f"la-{la.pk}",
            "name": "Leavers",
            "expiry_date_day": yesterday.day,
            "expiry_date_month": yesterday.month,
            "expiry_date_year": yesterday.year,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"expiry_date": ["The expiry date must be in the future"]}


def test_revoking_on_the_page_asks_first_then_revokes(client_for, msp_uploader, keys):
    client = client_for(msp_uploader)
    url = reverse("api-key-revoke", args=[keys["msp"].pk])

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Are you sure you want to revoke" in confirm.text
    assert not ApiKey.objects.get(pk=keys["msp"].pk).revoked

    done = client.post(url)
    assert done.status_code == 302 and done.url == reverse("api-keys")
    assert ApiKey.objects.get(pk=keys["msp"].pk).revoked_by == msp_uploader
    assert "already been revoked" in client.get(url).text


@pytest.mark.parametrize("person", ["foreign_programme_manager", "other_msp_uploader", "msp_viewer", "workforce_lead"])
def test_a_key_one_does_not_look_after_cannot_be_revoked(request, client_for, keys, person):
    client = client_for(request.getfixturevalue(person))
    url = reverse("api-key-revoke", args=[keys["msp"].pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not ApiKey.objects.get(pk=keys["msp"].pk).revoked


@pytest.mark.parametrize(
    ("person", "shown"),
    [("programme_manager", True), ("msp_uploader", True), ("workforce_lead", False), ("msp_viewer", False)],
)
def test_the_navigation_links_to_api_keys_for_people_who_look_after_them(request, person, shown):
    labels = [item.label for item in navigation_for(request.getfixturevalue(person), "/")]

    assert ("API keys" in labels) is shown


# --- The management command -----------------------------------------------------------------


def test_the_command_makes_an_msp_key_and_prints_it_once(msp, capsys):
    call_command("msp_api_key_create", "--msp", msp.slug, "--name", "Operator key", "--expires", "2099-03-31")

    out, err = capsys.readouterr()
    api_key = ApiKey.objects.get()
    assert out.strip().startswith(api_key.prefix + ".") and out.count(api_key.prefix) == 1
    assert "will not be shown again" in err and out.strip() not in err
    assert api_key.msp == msp and api_key.created_by is None and api_key.name == "Operator key"
    assert timezone.localtime(api_key.expiry_date).date() == date(2099, 3, 31)
    assert AuditRecord.objects.get(action="api_key.created").actor_label == "System"


@pytest.mark.parametrize("code", ["old_code", "new_code"])
def test_the_command_makes_an_la_key_by_either_code(la, capsys, code):
    call_command("msp_api_key_create", "--la", getattr(la, code), "--name", "Leavers")

    assert ApiKey.objects.get().local_authority == la


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--msp", "atlantis", "--name", "K"], "There is no MSP with the slug 'atlantis'"),
        (["--la", "999", "--name", "K"], "There is no local authority with the code '999'"),
        (["--msp", "midlands-msp", "--name", "K", "--expires", "2020-01-01"], "The expiry date must be in the future"),
        (["--msp", "midlands-msp", "--name", "K", "--expires", "31/03/2027"], "Enter the expiry date as YYYY-MM-DD"),
    ],
)
def test_the_command_refuses_bad_input_and_makes_nothing(msp, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("msp_api_key_create", *args)
    assert not ApiKey.objects.exists()
