"""The OpenAPI document true to the server, completed in one place (docs/api.md "Errors"):

* every operation lists the error answers it can give, each in the one error shape (``Error``:
  ``{code, message, details}``, web/errors.py): 400 (unreadable request) and 503 (busy or down) everywhere,
  401/403 where a log-in is needed, 404 where the path names something, 422 where there is input to check,
  409 on every state-changing call (a step no longer open, a stale version, an idempotency key still in use),
  and the few of one operation (``EXTRA_ERRORS``: 401 and 429 for the log-ins, 403 for a forged gateway
  callback, 409 for an officer without a signing certificate);
* every state-changing operation (POST, PUT, PATCH, DELETE) documents the optional ``Idempotency-Key``
  header (web/idempotency.py, ADR 0016).
"""
from __future__ import annotations

from ninja import NinjaAPI

UNSAFE = ("post", "put", "patch", "delete")
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "description": "The one error shape of the API (web/errors.py): a stable code, a message in the language "
                   "asked for (Accept-Language), and details (for invalid input: `fields`).",
    "properties": {
        "code": {"type": "string", "title": "Code"},
        "message": {"type": "string", "title": "Message"},
        "details": {"type": "object", "title": "Details", "additionalProperties": True},
    },
    "required": ["code", "message", "details"],
}
DESCRIPTIONS = {
    400: "The request could not be read (`bad_request`).",
    401: "Not logged in, or the token expired or was revoked (`not_authenticated`, `token_expired`, "
         "`token_revoked`, `authorisation_refused`).",
    403: "Not allowed: the step is not yours (`not_allowed`, `forbidden`).",
    404: "Not found, or not visible to you (`not_found`).",
    409: "A step no longer open, a stale version, or the idempotency key's first call still running "
         "(`step_not_open`, `stale_form`, `request_in_progress` with Retry-After, `request_applied`).",
    422: "Invalid input; nothing was changed (`invalid_input` with `details.fields`, `form_invalid`, "
         "`idempotency_key_reused`, …).",
    429: "Too many failed log-ins: locked out for the cool-off (`locked_out`, Retry-After).",
    503: "Busy, under maintenance or an outside system down; nothing was changed, try again "
         "(`service_unavailable`, `service_busy`, `outside_system_unavailable`, Retry-After).",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
# The error answers only one operation gives (by operationId).
EXTRA_ERRORS = {
    "accounts_api_issue_token": {401, 429},  # authorisation_refused, certificate_required; locked_out
    "accounts_api_certificate_login": {401, 429},
    "accounts_api_office_certificate": {409},  # certificate_unavailable
    "documents_api_signing_request": {409},  # certificate_not_chosen, document_not_awaiting_signature
    "integrations_api_payment_callback": {403},  # signature_invalid
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Optional, 1–255 visible ASCII characters, kept 24 hours. A repeated call with the same key "
                   "and the same method, path and body gets the first call's answer again (header "
                   "`Idempotent-Replayed: true`) and changes nothing; the same key with another request is 422 "
                   "`idempotency_key_reused`; while the first call runs, 409 `request_in_progress`.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]{1,255}$"},
}


def error_statuses(method: str, operation: dict) -> set[int]:
    statuses = {400, 503}
    parameters = operation.get("parameters", [])
    if operation.get("security"):
        statuses |= {401, 403}
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if parameters or "requestBody" in operation or method in UNSAFE:
        statuses.add(422)
    if method in UNSAFE:
        statuses.add(409)
    return statuses | EXTRA_ERRORS.get(operation.get("operationId", ""), set())


def complete(schema: dict) -> dict:
    """Add the error answers and the Idempotency-Key header to every operation of ``schema``."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(method, operation)):
                answer = {"description": DESCRIPTIONS[status], "content": {"application/json": {"schema": reference}}}
                if status in (409, 429, 503):
                    answer["headers"] = RETRY_AFTER
                if status not in responses and str(status) not in responses:
                    responses[status] = answer
            if method in UNSAFE:
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == IDEMPOTENCY_KEY["name"] for p in parameters):
                    parameters.append(IDEMPOTENCY_KEY)
    return schema


class DocumentedApi(NinjaAPI):
    """The project's NinjaAPI: its OpenAPI document completed by ``complete``."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return complete(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))
