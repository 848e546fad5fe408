"""Idempotency keys on the API's state-changing calls (ADR 0016, web/idempotency.py, core/idempotency.py):
a replay gets the first answer and changes nothing; the same key with another request is refused; a call
still in flight is 409 with Retry-After; a process that died between the commit and storing the answer
leaves a key that tells the truth; expired keys are purged by the periodic task."""
import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from applications import actions
from applications.models import Application, Attachment
from conftest import PDF
from core import idempotency
from core.models import IdempotencyKey
from workflow import engine
from workflow.models import Event

BODY = {"service": "S1", "sub_kind": "issue", "channel": "portal"}


class Killed(BaseException):
    """The process dying: nothing below catches it (the request handler catches Exception)."""


def _post(api, path, body, key, **extra):
    headers = dict(api.headers, **extra)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return api.client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **headers)


def _counts():
    return Application.objects.count(), Event.objects.count(), Attachment.objects.count()


def _age(key, seconds=3600):
    IdempotencyKey.objects.filter(key=key).update(started_at=timezone.now() - datetime.timedelta(seconds=seconds))


@pytest.mark.django_db
def test_a_replay_returns_the_first_answer_and_changes_nothing(world):
    api = world.api["person"]
    first = _post(api, "/applications", BODY, "open-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    counts = _counts()
    again = _post(api, "/applications", BODY, "open-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again["Content-Type"] == first["Content-Type"]
    assert _counts() == counts
    row = IdempotencyKey.objects.get(key="open-1")
    assert (row.state, row.committed, row.object_type, row.object_id) == (
        "done", True, "applications.application", str(first.json()["id"]))
    # Without a key the same call opens another request, as before; another user's key is theirs.
    assert _post(api, "/applications", BODY, None).status_code == 201
    assert _post(world.api["company_head"], "/applications", BODY, "open-1").status_code == 201
    assert Application.objects.count() == counts[0] + 2


@pytest.mark.django_db
def test_an_upload_replayed_is_attached_once(world):
    api = world.api["person"]
    app = _post(api, "/applications", BODY, None).json()

    def upload():
        upload = SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf")
        return api.client.post(f"/api/v1/applications/{app['id']}/attachments",
                               {"document_code": "application", "file": upload}, HTTP_IDEMPOTENCY_KEY="attach-1",
                               **api.headers)

    first, again = upload(), upload()
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Attachment.objects.filter(application_id=app["id"]).count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_refused_in_the_one_shape(world):
    api = world.api["person"]
    assert _post(api, "/applications", BODY, "k-2").status_code == 201
    counts = _counts()
    other = _post(api, "/applications", {**BODY, "sub_kind": "reissue"}, "k-2", HTTP_ACCEPT_LANGUAGE="en")
    assert other.status_code == 422
    assert other.json() == {"code": "idempotency_key_reused", "message": other.json()["message"], "details": {}}
    assert "another request" in other.json()["message"]
    elsewhere = _post(api, "/applications/999999/fill", {}, "k-2")  # another path
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "idempotency_key_reused"
    assert _counts() == counts
    bad = _post(api, "/applications", BODY, "with space")
    assert bad.status_code == 422 and bad.json()["code"] == "idempotency_key_invalid"


@pytest.mark.django_db
def test_a_duplicate_while_the_first_is_in_flight_is_409_with_retry_after(world, monkeypatch):
    api, inner = world.api["person"], {}
    duplicate = Client()
    create = actions.create_application

    def slow_create(*args, **kwargs):
        inner["response"] = _post(type("A", (), {"client": duplicate, "headers": api.headers})(), "/applications",
                                  BODY, "k-3")
        return create(*args, **kwargs)

    monkeypatch.setattr(actions, "create_application", slow_create)
    first = _post(api, "/applications", BODY, "k-3")
    assert first.status_code == 201
    response = inner["response"]
    assert response.status_code == 409 and response.json()["code"] == "request_in_progress"
    assert int(response["Retry-After"]) > 0
    assert Application.objects.filter(created_by=world.person).count() == 1
    monkeypatch.setattr(actions, "create_application", create)
    assert _post(api, "/applications", BODY, "k-3").json() == first.json()  # now it is over: the first answer


@pytest.mark.django_db
def test_a_crash_after_the_commit_leaves_a_key_that_says_the_action_took_effect(world, monkeypatch):
    api = world.api["person"]

    def die(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr(idempotency, "finish", die)  # the answer is never stored: the process died
    with pytest.raises(Killed):
        _post(api, "/applications", BODY, "k-4")
    monkeypatch.undo()
    app = Application.objects.get(created_by=world.person)
    row = IdempotencyKey.objects.get(key="k-4")
    assert (row.state, row.committed, row.object_id) == ("in_progress", True, str(app.pk))
    # Within the in-flight bound it may still be running; past it, the key tells the truth.
    assert _post(api, "/applications", BODY, "k-4").json()["code"] == "request_in_progress"
    _age("k-4")
    counts = _counts()
    for _ in range(2):
        replay = _post(api, "/applications", BODY, "k-4")
        assert replay.status_code == 409, replay.content
        assert replay.json()["code"] == "request_applied"
        assert replay.json()["details"] == {"applied": True, "object": {"type": "applications.application",
                                                                        "id": str(app.pk)}}
    assert _counts() == counts


@pytest.mark.django_db
def test_a_crash_before_the_commit_leaves_a_key_that_runs_again(world, monkeypatch):
    api = world.api["person"]
    start = engine.start

    def die(*args, **kwargs):
        raise Killed()  # inside the action's transaction: rolled back with everything it wrote

    monkeypatch.setattr(engine, "start", die)
    with pytest.raises(Killed):
        _post(api, "/applications", BODY, "k-5")
    monkeypatch.setattr(engine, "start", start)
    assert not Application.objects.filter(created_by=world.person).exists()
    assert IdempotencyKey.objects.get(key="k-5").committed is False
    _age("k-5")
    rerun = _post(api, "/applications", BODY, "k-5")
    assert rerun.status_code == 201, rerun.content
    assert _post(api, "/applications", BODY, "k-5").json() == rerun.json()
    assert Application.objects.filter(created_by=world.person).count() == 1


@pytest.mark.django_db
def test_an_answer_saying_try_again_releases_the_key(world, monkeypatch):
    api = world.api["person"]
    create = actions.create_application

    def down(*args, **kwargs):
        raise actions.OutsideSystemUnavailable(system="registry")

    monkeypatch.setattr(actions, "create_application", down)
    assert _post(api, "/applications", BODY, "k-6").status_code == 503
    assert not IdempotencyKey.objects.filter(key="k-6").exists()
    monkeypatch.setattr(actions, "create_application", create)
    assert _post(api, "/applications", BODY, "k-6").status_code == 201


@pytest.mark.django_db
def test_the_periodic_purge_deletes_expired_keys(world, settings):
    from core.tasks import purge_idempotency_keys

    assert "core.tasks.purge_idempotency_keys" in dict(settings.ELICENSE_PERIODIC_TASKS)
    api = world.api["person"]
    _post(api, "/applications", BODY, "old")
    _post(api, "/applications", BODY, "new")
    IdempotencyKey.objects.filter(key="old").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    result = purge_idempotency_keys.enqueue()
    assert result.return_value == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    # An expired key not purged yet is as if it were not there.
    IdempotencyKey.objects.filter(key="new").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    again = _post(api, "/applications", BODY, "new")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
