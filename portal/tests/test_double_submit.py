"""The portal's "new request" form sent twice (a double click, a resend) opens one draft: the form carries a
one-time token, and the second sending gets the first one's answer from the idempotency store (ADR 0016)."""
import re

import pytest
from django.test import Client

from applications import actions
from applications.models import Application
from core.models import IdempotencyKey


def _form(client, service="S1", sub_kind="issue"):
    page = client.get(f"/portal/services/{service}/").content.decode()
    form = re.search(rf'name="sub_kind" value="{sub_kind}"><input type="hidden" name="form_token" value="([^"]+)"', page)
    assert form, "the form carries a one-time token"
    return {"service": service, "sub_kind": sub_kind, "form_token": form.group(1)}


@pytest.mark.django_db
def test_a_double_submit_opens_one_draft(world):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.person)
    form = _form(c)
    first, second = c.post("/portal/requests/new", form), c.post("/portal/requests/new", form)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] and second["Idempotent-Replayed"] == "true"
    assert Application.objects.filter(created_by=world.person).count() == 1
    assert IdempotencyKey.objects.get().scope == f"user:{world.person.pk}"
    # A new page has a new token: applying again opens another request.
    assert c.post("/portal/requests/new", _form(c))["Location"] != first["Location"]
    assert Application.objects.filter(created_by=world.person).count() == 2
    assert _form(c)["form_token"] != _form(c)["form_token"]


@pytest.mark.django_db
def test_the_second_sending_while_the_first_runs_opens_nothing(world, monkeypatch, settings):
    settings.ELICENSE_IDEMPOTENCY_FORM_WAIT_SECONDS = 0.2
    c, other = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.person)
    other.force_login(world.person)
    form, inner = _form(c), {}
    create = actions.create_application

    def slow_create(*args, **kwargs):
        inner["response"] = other.post("/portal/requests/new", form)
        return create(*args, **kwargs)

    monkeypatch.setattr(actions, "create_application", slow_create)
    assert c.post("/portal/requests/new", form).status_code == 302
    assert inner["response"].status_code == 409  # still running when the wait ran out: a page saying so
    assert Application.objects.filter(created_by=world.person).count() == 1
