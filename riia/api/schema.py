"""The OpenAPI schema's additions to what drf-spectacular infers, so that the published schema says
everything the API really answers (schemathesis holds the API to it: tests/proof/test_api_contract.py).

- ``AutoSchema`` documents the error answers every operation can give, in the one error format,
  where a view did not list them itself: 400 (a query or body that is not valid), 401 (a bad API key,
  on the views that take keys), 403 (no permission, or no CSRF token with a session), 404 (on paths
  with an id or reference). A view that can give fewer names them in ``error_answers``.
- ``add_links`` (a postprocessing hook) adds OpenAPI links from an answer to the operations its ids
  lead to: an upload to its detail, a breach request list to each request and its decision. Clients
  and schemathesis's stateful phase follow them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from riia.api.authentication import ApiKeyAuthentication


class AutoSchema(SpectacularAutoSchema):
    def _error_answers(self) -> dict[str, str]:
        answers = {
            "400": "A query parameter or body that is not valid: the errors name the field and the value.",
            "403": "You may not do this (or a session sent an unsafe method without its CSRF token).",
        }
        if any(issubclass(auth, ApiKeyAuthentication) for auth in getattr(self.view, "authentication_classes", [])):
            answers["401"] = "No, unknown, revoked or expired API key."
        if "{" in self.path:
            answers["404"] = "Nothing with that id or reference that you may see."
        only = getattr(self.view, "error_answers", None)
        return answers if only is None else {code: answers[code] for code in only}

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        from riia.api.serializers import ErrorSerializer  # serializers import models: not at settings time

        responses = super()._get_response_bodies(direction)
        if not self.path.startswith("/api/v1/"):
            return responses
        for code, description in self._error_answers().items():
            if code not in responses:
                responses[code] = {
                    **self._get_response_for_code(ErrorSerializer, code, direction=direction),
                    "description": description,
                }
        return responses


def _link(operation_id: str, parameters: dict[str, str], description: str) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": parameters, "description": description}


def _links() -> dict[tuple[str, str, str], dict[str, dict[str, Any]]]:
    upload = _link(
        "v1_placements_uploads_retrieve", {"id": "$response.body#/id"}, "The upload just stored (or stored before)."
    )
    first_upload = _link(
        "v1_placements_uploads_retrieve", {"id": "$response.body#/results/0/id"}, "The newest upload in the list."
    )
    first_request = _link(
        "v1_breach_requests_retrieve", {"reference": "$response.body#/results/0/reference"}, "The newest request."
    )
    its_decision = _link(
        "v1_breach_decisions_retrieve", {"reference": "$response.body#/reference"}, "The request's decision, once made."
    )
    first_decision = _link(
        "v1_breach_decisions_retrieve",
        {"reference": "$response.body#/results/0/reference"},
        "The newest decision.",
    )
    return {
        ("/api/v1/placements/uploads/", "post", "201"): {"GetUpload": upload},
        ("/api/v1/placements/uploads/", "post", "200"): {"GetUpload": upload},
        ("/api/v1/leavers/uploads/", "post", "201"): {"GetUpload": upload},
        ("/api/v1/leavers/uploads/", "post", "200"): {"GetUpload": upload},
        ("/api/v1/placements/uploads/", "get", "200"): {"GetFirstUpload": first_upload},
        ("/api/v1/leavers/uploads/", "get", "200"): {"GetFirstUpload": first_upload},
        ("/api/v1/breach-requests/", "get", "200"): {"GetFirstRequest": first_request},
        ("/api/v1/breach-requests/{reference}/", "get", "200"): {"GetDecision": its_decision},
        ("/api/v1/breach-decisions/", "get", "200"): {"GetFirstDecision": first_decision},
    }


def add_links(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: the links of ``_links()`` on the answers they start
    from (a link to an operation missing from this schema is left out)."""
    operation_ids = {
        operation.get("operationId")
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
    }
    for (path, method, status), links in _links().items():
        response = result.get("paths", {}).get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        kept = {name: link for name, link in links.items() if link["operationId"] in operation_ids}
        if kept:
            response["links"] = {**response.get("links", {}), **kept}
    return result
