"""A repeat of an upload still being processed (the 8 clients of tests/proof/test_concurrency.py):
answered 409, naming the upload that holds its place, so the client knows what to ask about."""

import hashlib

import pytest

from datareturns.models import Upload
from datareturns.services import UploadInProgress
from tests.datareturns.conftest import csv_body, row, send


@pytest.mark.parametrize(("key", "said"), [("", "with the same body"), ("nightly-1", "sent with this Idempotency-Key")])
def test_a_repeat_of_an_upload_being_processed_is_told_which_upload(msp_source, la_code, social_worker_cap, key, said):
    body = csv_body(row(la_code=la_code))
    claim = Upload.objects.create(
        kind=Upload.Kind.PLACEMENTS,
        sender=msp_source.sender,
        msp=msp_source.msp,
        idempotency_key=key,
        content_hash=hashlib.sha256(body).hexdigest(),
        content_type="text/csv",
    )

    with pytest.raises(UploadInProgress) as refused:
        send(msp_source, body, key=key or None)

    (error,) = refused.value.errors
    assert refused.value.status == 409 and error["field"] is None
    assert error["message"] == (
        f"Upload {claim.pk}, {said}, is still being processed. Send it again in a moment for its answer: "
        "it will be stored once."
    )
    assert Upload.objects.count() == 1
