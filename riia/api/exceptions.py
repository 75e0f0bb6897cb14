"""One error body for every API answer.

Every refusal of the API, whatever raised it, is answered as::

    {"errors": [{"field": "on", "message": "Enter the date as YYYY-MM-DD, for example 2026-04-01."}]}

- ``field`` is always present: the name of the field at fault (a dotted path for nested input, such as
  ``placements.3.role``), or ``null`` when the error is about the request as a whole (a 401, 403, 404...).
- ``row`` (1-based) and ``value`` (as sent) appear only where they apply: on the rows of an upload, or a
  list sent as the body.
- ``message`` is written for a person.

The status is the exception's own (400, 401, 403, 404, 405, 413, 415, 429...); the ``WWW-Authenticate``
and ``Retry-After`` headers are kept. An unexpected exception is not hidden: it stays a 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from riia.errors import DomainError

# DRF's stock wording, replaced where it is not written for a person (or names a model, like Http404's).
_MESSAGES = {
    exceptions.NotAuthenticated: "Sign in, or send an API key in the Authorization header (Api-Key <key>).",
    exceptions.PermissionDenied: "You do not have permission to do this.",
    exceptions.NotFound: "Not found. Check the address, or you may not have access to it.",
}


class RowErrors(exceptions.APIException):
    """Raise to answer ``{"errors": [...], "error_count": N}`` with the given status: for uploads, where the
    list of errors may be capped while ``error_count`` gives the true number. Each error is a dict with
    ``row``, ``field``, ``value`` and ``message`` (row and value where they apply)."""

    status_code = 400
    default_detail = "Some rows are not valid."
    default_code = "invalid_rows"

    def __init__(self, errors: list[dict[str, Any]], error_count: int, status: int = 400) -> None:
        super().__init__()
        self.errors = errors
        self.error_count = error_count
        self.status_code = status


def error_item(*, message: str, field: str | None = None, row: int | None = None, **value: Any) -> dict[str, Any]:
    """One error of the format; pass ``value=`` only when the error concerns a value that was sent."""
    item: dict[str, Any] = {}
    if row is not None:
        item["row"] = row
    item["field"] = field
    if "value" in value:
        item["value"] = value["value"]
    item["message"] = message
    return item


def validation_errors(detail: Any, path: tuple[str, ...] = (), row: int | None = None) -> Iterator[dict[str, Any]]:
    """Flatten DRF's nested validation errors: dict keys make a dotted field path (non-field errors keep
    the path of their parent), and a list of objects sent as the whole body is a list of rows."""
    if isinstance(detail, dict) and not path and row is None and detail and all(isinstance(k, int) for k in detail):
        # A list serializer's errors, keyed by the 0-based index of each invalid item.
        for index, value in detail.items():
            yield from validation_errors(value, path, index + 1)
    elif isinstance(detail, dict):
        for key, value in detail.items():
            inner = path if key == api_settings.NON_FIELD_ERRORS_KEY else (*path, str(key))
            yield from validation_errors(value, inner, row)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict) and not path and row is None:
                yield from validation_errors(item, path, index + 1)
            elif isinstance(item, (dict, list)):
                yield from validation_errors(item, (*path, str(index)), row)
            else:
                yield error_item(message=str(item), field=".".join(path) or None, row=row)
    else:
        yield error_item(message=str(detail), field=".".join(path) or None, row=row)


def _message(exc: exceptions.APIException) -> str:
    for kind, message in _MESSAGES.items():
        if type(exc) is kind and str(exc.detail) == str(kind.default_detail):
            return message
    return str(exc.detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER (settings.REST_FRAMEWORK): every known error in the one format."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response({"errors": [error_item(message=exc.message, field=exc.field)]}, status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, RowErrors):
        data: dict[str, Any] = {"errors": exc.errors, "error_count": exc.error_count}
    elif isinstance(exc, exceptions.ValidationError):
        data = {"errors": list(validation_errors(exc.detail))}
    else:
        data = {"errors": [error_item(message=_message(exc))]}
    set_rollback()
    return Response(data, status=exc.status_code, headers=headers)
