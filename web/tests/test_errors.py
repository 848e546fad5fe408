"""One error contract: under /api/ every error is JSON in the one shape (code, localised message,
details), whatever raised it — validation, authentication, an unknown path, a bug, the database gone;
the pages answer a styled page in the visitor's language; the database unreachable is 503 with
Retry-After, never 500."""
from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


def _shape(response, status, code):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code and body["message"], body
    return body


def test_an_unknown_api_path_is_json_404(db):
    _shape(Client().get("/api/v1/no-such-thing"), 404, "not_found")
    _shape(Client().get("/api/nothing/here"), 404, "not_found")


def test_validation_errors_use_the_one_shape_with_the_fields(world):
    response = Client().post("/api/v1/applications", data="{\"service\": 5}", content_type="application/json",
                             **world.api["person"].headers)
    body = _shape(response, 422, "invalid_input")
    assert body["details"]["fields"] and all({"location", "message", "type"} <= set(f) for f in body["details"]["fields"])
    # A body that is not JSON at all cannot be read: 400, the same shape.
    _shape(Client().post("/api/v1/applications", data="not json", content_type="application/json",
                         **world.api["person"].headers), 400, "bad_request")


def test_no_token_is_json_401_in_the_visitors_language(db):
    kk = _shape(Client().get("/api/v1/applications", HTTP_ACCEPT_LANGUAGE="kk"), 401, "not_authenticated")
    ru = _shape(Client().get("/api/v1/applications", HTTP_ACCEPT_LANGUAGE="ru"), 401, "not_authenticated")
    en = _shape(Client().get("/api/v1/applications", HTTP_ACCEPT_LANGUAGE="en"), 401, "not_authenticated")
    assert len({kk["message"], ru["message"], en["message"]}) == 3


def test_a_bug_in_an_api_route_is_a_json_500_with_a_reference(db, caplog):
    with mock.patch("services.api.registry.all_services", side_effect=RuntimeError("a bug")):
        response = Client(raise_request_exception=False).get("/api/v1/services")
    body = _shape(response, 500, "internal_error")
    assert len(body["details"]["reference"]) == 12
    assert body["details"]["reference"] in caplog.text and "a bug" in caplog.text  # logged with its traceback
    assert "Traceback" not in response.content.decode() and "RuntimeError" not in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/services", "/portal/services/"])
def test_the_database_unreachable_is_503_with_retry_after(db, path):
    down = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with mock.patch("services.registry.all_services", side_effect=down):
        response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 503 and int(response["Retry-After"]) >= 1
    if path.startswith("/api/"):
        _shape(response, 503, "service_unavailable")
    else:
        assert b"<html" in response.content and b"site-header" in response.content


def test_pages_answer_a_styled_page_in_the_visitors_language(db):
    ru = Client().get("/registry/no-such-page/", HTTP_ACCEPT_LANGUAGE="ru")
    assert ru.status_code == 404 and ru["Content-Type"].startswith("text/html")
    text = ru.content.decode()
    assert 'lang="ru"' in text and "site-header" in text and "Страница не найдена" in text
    kk = Client().get("/registry/no-such-page/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert 'lang="kk"' in kk and "Страница не найдена" not in kk
