"""The access matrix (issue 12): every URL pattern and every API operation × every role, with the outcome each
cell must have. The routes are enumerated from the URL resolver (Django's admin and the django-ninja API's
operations included), so a new route without a row here fails ``test_every_route_has_a_row``.

The table is ``web/tests/access_matrix.py``; the people and objects that fill the path parameters are
``web/tests/access_fixture.py`` (built once per module). Each cell is one request as the role (a bearer token
for the API, a page log-in's session for the pages), in a savepoint rolled back after it:

* a page or a safe operation is a GET;
* a state-changing operation is called with a minimal valid body (the step it completes is open on the row's
  request, so the cell reaches the action's own check); ``test_refused_before_the_body_is_read`` calls each
  refused cell again with an empty body, which must be refused the same way before it is validated.

No cell may answer 5xx. ``ACCESS_MATRIX_ACTUAL=<file>`` writes the outcomes found, in the table's layout.
"""
from __future__ import annotations

import inspect
import json
import os
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import PDF
from integrations import adapters
from web.tests import access_matrix as table
from web.tests.access_fixture import ROLES, build

pytestmark = pytest.mark.django_db  # each cell in a savepoint of the module's transaction, rolled back after it
LOGIN_PAGES = ("/portal/login/", "/office/login/", "/admin/login/")
ACTUAL: dict = {}


# -- the routes -------------------------------------------------------------------------------------------
def _ninja_methods(callback) -> list[str] | None:
    """The HTTP methods of a django-ninja path's operations (None: not a ninja view)."""
    if getattr(callback, "__module__", "") != "ninja.operation":
        return None
    path_view = inspect.getclosurevars(callback).nonlocals["self"]
    return sorted({m for op in path_view.operations for m in op.methods})


def routes() -> list[tuple[str, str]]:
    """(method or "*", route) of every URL pattern: the API's operations one per method; a page "*" (the table
    names the method it is called with)."""
    found = []

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                methods = _ninja_methods(p.callback)
                for method in methods or ["*"]:
                    if (method, route) not in found:
                        found.append((method, route))
    walk(get_resolver())
    return found


def _path(route: str, params: dict) -> str:
    if route in table.CONCRETE:
        return "/" + table.CONCRETE[route]

    def value(match):
        name = match.group(1)
        assert name in params, f"{route}: no value for <{name}>"
        return str(params[name])
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


# -- the module's people and objects ------------------------------------------------------------------------
def _test_settings(simulators, pki, media, seal_dir):
    return dict(
        simulators.settings(), ELICENSE_SEAL_DIR=seal_dir, ELICENSE_ADAPTER_TIMEOUT=2.0, ELICENSE_ADAPTER_RETRIES=1,
        ELICENSE_ADAPTER_BACKOFF=0.005, ELICENSE_TRUST_DIR=pki.directory, ELICENSE_TRUST_REFRESH_SECONDS=3600,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=media,
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, pki, user_key, simulators, tmp_path_factory, _seals):
    """Built once, in a transaction that is rolled back when the module ends (like TestCase.setUpTestData)."""
    from documents.demo_seal import issue_demo_seal

    media = tmp_path_factory.mktemp("matrix-media")
    seal = _seals.get(str(pki.directory)) or issue_demo_seal(tmp_path_factory.mktemp("matrix-seal"),
                                                               issuer_dir=pki.directory)
    with override_settings(**_test_settings(simulators, pki, media, seal.directory)), django_db_blocker.unblock():
        adapters.reset()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            m = build(pki, user_key)
            m.media = media
            yield m
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            adapters.reset()
    if os.environ.get("ACCESS_MATRIX_ACTUAL"):
        with open(os.environ["ACCESS_MATRIX_ACTUAL"], "w") as out:
            out.write(table.render(ACTUAL))


@pytest.fixture
def _trust():
    """Replaces the root conftest's per-test settings: the module's are set once, by ``matrix``."""


@pytest.fixture
def _trust_items():
    """Replaces integrations.tests.fixtures' per-test import of the trust folder: ``matrix`` imported it once."""


@pytest.fixture
def cell_settings(matrix):
    return matrix


def _outcome(response) -> str:
    status = response.status_code
    if status >= 500:
        return f"{status}!"
    if status == 401:
        return "log"
    if 300 <= status < 400:
        return "log" if urlsplit(response["Location"]).path in LOGIN_PAGES else "ok"
    if status in (403, 404, 405):
        return str(status)
    return "ok" if status < 400 else "in"


def call(m, row, role, *, empty=False):
    params = {**m.values, **m.subjects.get(row.subject, {})}
    path = _path(row.route, params)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    extra = {}
    if role != "anonymous":
        if row.api:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {m.tokens[role]}"
        else:
            client.cookies[django_settings.SESSION_COOKIE_NAME] = m.sessions[role]
    method = row.method.lower()
    if method == "get":
        return client.get(path, **extra)
    body = {} if empty else dict(row.body or {})
    for name, value in list(body.items()):  # "@user:<role>" → that role's user id; "@pem", "@iin" → the fixture's
        if isinstance(value, str) and value.startswith("@user:"):
            body[name] = m.users[value[6:]].pk
        elif isinstance(value, str) and value in m.placeholders:
            body[name] = m.placeholders[value]
    if row.api and row.multipart and not empty:
        body["file"] = SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf")
        return getattr(client, method)(path, body, **extra)
    if row.api:
        return getattr(client, method)(path, data=json.dumps(body), content_type="application/json", **extra)
    return getattr(client, method)(path, body, **extra)


# -- the tests ----------------------------------------------------------------------------------------------
def test_every_route_has_a_row():
    declared = {(r.method if r.api else "*", r.route) for r in table.ROWS}
    missing = [f"{method} {route}" for method, route in routes() if (method, route) not in declared]
    assert not missing, "routes with no row in the access matrix (web/tests/access_matrix.py):\n" + "\n".join(missing)
    stale = sorted({f"{m} {r}" for m, r in declared} - {f"{m} {r}" for m, r in routes()})
    assert not stale, "rows of the access matrix for routes that no longer exist:\n" + "\n".join(stale)


def test_every_row_names_every_role():
    for row in table.ROWS:
        assert set(row.expect) == set(ROLES), (row.key, sorted(set(ROLES) ^ set(row.expect)))


@pytest.mark.parametrize(("row", "role"), table.cells())
def test_cell(cell_settings, row, role):
    response = call(cell_settings, row, role)
    found = _outcome(response)
    ACTUAL[(row.key, role)] = found
    expected = row.expect[role]
    assert found == expected or (expected == "in" and found == "ok"), (
        f"{row.key} as {role}: expected {expected}, got {found} ({response.status_code})",
        response.content[:600])


@pytest.mark.parametrize(("row", "role"), table.refused_cells())
def test_refused_before_the_body_is_read(cell_settings, row, role):
    """A role that may not make the call is refused (401/403/404) whatever the body, before it is validated."""
    response = call(cell_settings, row, role, empty=True)
    assert _outcome(response) == row.expect[role], (row.key, role, response.status_code, response.content[:400])
