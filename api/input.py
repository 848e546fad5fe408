"""Input the database cannot store is refused as invalid input (422), not a 500: a NUL character (PostgreSQL's
text and jsonb refuse it) anywhere in the path, the query, a form field or a JSON body (found by
scripts/apifuzz)."""
from __future__ import annotations

import json

from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser

from web import errors

NUL = "\x00"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _refused(location: str):
    return ValidationError([{"loc": (location,), "msg": "NUL characters are not allowed", "type": "string_nul"}])


class StrictParser(Parser):
    """ninja's JSON and form parser, refusing NUL characters (422 ``invalid_input``, web/errors.py)."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if _has_nul(data):
            raise _refused("body")
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if _has_nul(result):
            raise _refused("query" if data is request.GET else "form")
        return result


class RefuseNulMiddleware:
    """A NUL in the path or the query of an API call: 422 in the one shape, before any view reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if errors.is_api(request) and (NUL in request.path or any(
                NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists())):
            return errors.response(request, 422, code="invalid_input", message=_("The request has errors."),
                                   details={"fields": [{"location": ["path"], "message": "NUL characters are not allowed",
                                                        "type": "string_nul"}]})
        return self.get_response(request)
