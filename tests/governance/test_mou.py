from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance.models import MouSignature
from governance.services_mou import mou_sign, mou_version_add
from riia.errors import DomainError
from riia.models import Notification

pytestmark = pytest.mark.django_db


def _pdf(name="mou.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 the MOU", content_type="application/pdf")


@pytest.fixture
def version(programme_manager, region, dcs):
    return mou_version_add(
        actor=programme_manager, region=region, dated=date(2026, 4, 1), summary="Caps rise 2%", document=_pdf()
    )


def test_a_new_version_is_numbered_and_dcs_are_told(version, programme_manager, region, dcs):
    assert version.number == 1 and version.document_name == "mou.pdf"
    assert Notification.objects.filter(recipient=dcs, subject__contains="MOU to sign").exists()
    second = mou_version_add(
        actor=programme_manager, region=region, dated=date(2026, 9, 1), summary="x", document=_pdf()
    )
    assert second.number == 2


def test_the_document_is_checked_like_a_resource(programme_manager, region):
    fake = SimpleUploadedFile("mou.pdf", b"MZ\x90", content_type="application/pdf")
    with pytest.raises(DomainError, match="not a real PDF"):
        mou_version_add(actor=programme_manager, region=region, dated=date(2026, 4, 1), summary="x", document=fake)


@pytest.mark.parametrize("who", ["dcs", "riia_member", "foreign_programme_manager"])
def test_only_the_programme_manager_adds_versions(who, request, region):
    with pytest.raises(DomainError, match="Only the programme manager"):
        mou_version_add(
            actor=request.getfixturevalue(who), region=region, dated=date(2026, 4, 1), summary="x", document=_pdf()
        )


def test_the_dcs_signs_for_their_la_once_and_the_register_shows_who_has_not(
    client_for, version, dcs, la, second_la, programme_manager, region
):
    mou_sign(actor=dcs, version=version, local_authority=la)
    with pytest.raises(DomainError, match="already signed"):
        mou_sign(actor=dcs, version=version, local_authority=la)
    page = client_for(programme_manager).get(reverse("meetings:mou", args=[region.slug])).text
    assert "Not signed the current version (version 1)" in page
    not_signed = page.split("Not signed the current version")[1].split("</ul>")[0]
    assert second_la.name in not_signed and la.name not in not_signed


def test_a_dcs_cannot_sign_for_another_la_and_dates_cannot_be_future(version, dcs, second_la, la, programme_manager):
    with pytest.raises(DomainError, match="Only the LA's DCS"):
        mou_sign(actor=dcs, version=version, local_authority=second_la)
    with pytest.raises(DomainError, match="today or in the past"):
        mou_sign(
            actor=programme_manager,
            version=version,
            local_authority=la,
            signed_on=timezone.localdate() + timedelta(days=1),
        )
    signature = mou_sign(
        actor=programme_manager, version=version, local_authority=second_la, signed_on=date(2026, 4, 3)
    )
    assert signature.signed_on == date(2026, 4, 3) and MouSignature.objects.count() == 1


def test_sign_page_offers_the_dcs_only_their_la(client_for, version, dcs, region, la):
    client = client_for(dcs)
    response = client.post(reverse("meetings:mou-sign", args=[region.slug, version.pk]), {"local_authority": la.pk})
    assert response.status_code == 302 and MouSignature.objects.get().local_authority == la


@pytest.mark.parametrize("who", ["la_viewer", "riia_member"])
def test_people_who_do_not_sign_cannot_open_the_sign_page(who, request, client_for, version, region):
    assert (
        client_for(request.getfixturevalue(who))
        .get(reverse("meetings:mou-sign", args=[region.slug, version.pk]))
        .status_code
        == 403
    )


def test_induction_brings_the_mou_caps_open_items_and_meetings_together(
    client_for, version, dcs, la, programme_manager, region
):
    from governance.services_meetings import meeting_create

    meeting_create(
        actor=programme_manager,
        region=region,
        scope="regional",
        title="Regional board",
        held_on=timezone.localdate() + timedelta(days=7),
    )
    page = client_for(dcs).get(reverse("meetings:induction", args=[la.slug])).text
    assert "Induction to the MOU" in page and "Current version 1" in page and "has not signed it yet" in page
    assert "Regional board" in page and "The current rate card" in page


@pytest.mark.parametrize("who", ["msp_viewer", "agency_contact", "foreign_programme_manager", "second_la_lead"])
def test_induction_is_refused_outside_the_la_and_region_staff(who, request, client_for, la):
    assert (
        client_for(request.getfixturevalue(who)).get(reverse("meetings:induction", args=[la.slug])).status_code == 403
    )
