"""Log-in hardening (ADR 0014): lockout on every log-in path (django-axes), API tokens that expire and can be
revoked, the portal log-in page's challenge kept in the session, and the purge of old challenges."""
import base64
import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, LoginAttempt, LoginChallenge
from accounts.tasks import purge_login_challenges
from conftest import Api
from integrations.signatures import sign_detached

PASSWORD = "demo-pass-123"
WRONG = 6  # more than AXES_FAILURE_LIMIT (5)


@pytest.fixture(autouse=True)
def _lockout(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes


def _cool_off_passes():
    """Time travel for axes: its counters are the attempts of the last cool-off; move them 16 minutes back."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= datetime.timedelta(minutes=16)
        attempt.save(update_fields=["attempt_time"])


def _assert_locked_json(response):
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["code"] == "locked_out" and body["message"], body
    assert int(response["Retry-After"]) == 15 * 60


def _assert_locked_page(response):
    assert response.status_code == 429, response.content[:500]
    assert response["Retry-After"] == str(15 * 60)
    assert "text/html" in response["Content-Type"]
    assert b'name="password"' not in response.content  # the lockout page, not the log-in form again


# -- lockout on each log-in path --------------------------------------------------------------------------
def test_token_endpoint_locks_out_after_repeated_failures_and_lifts_after_the_cool_off(world):
    client = Client()

    def token(password):
        return client.post("/api/v1/auth/token", {"username": "officer", "password": password},
                           content_type="application/json")
    statuses = [token("wrong").status_code for _ in range(WRONG)]
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}, statuses
    _assert_locked_json(token(PASSWORD))  # the right password changes nothing while locked
    assert AccessAttempt.objects.filter(username="officer").exists()
    assert AccessFailureLog.objects.filter(username="officer").count() >= WRONG
    _cool_off_passes()
    response = token(PASSWORD)
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "officer"


def test_back_office_page_locks_out(world):
    client = Client()
    for _ in range(WRONG):
        client.post("/office/login/", {"username": "officer", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="ru")
    response = client.post("/office/login/", {"username": "officer", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ru")
    _assert_locked_page(response)
    assert "_auth_user_id" not in client.session
    assert "Вход приостановлен".encode() in response.content  # localised
    _cool_off_passes()
    response = client.post("/office/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.committee_officer.pk)


def test_admin_page_locks_out(world):
    from accounts.models import User

    User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    for _ in range(WRONG):
        client.post("/admin/login/", {"username": "root", "password": "wrong", "next": "/admin/"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    _assert_locked_page(response)
    _cool_off_passes()
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302, response.status_code


def _certificate_login(world, client, password):
    ch = client.post("/api/v1/auth/challenge", content_type="application/json").json()
    cms = sign_detached(base64.b64decode(ch["nonce_b64"]), world.certificate(world.person, purpose="auth"),
                        world.key)
    return client.post("/api/v1/auth/certificate-login", {
        "challenge_id": ch["challenge_id"], "cms_b64": base64.b64encode(cms).decode(), "password": password},
        content_type="application/json")


def test_certificate_login_password_step_locks_out(world):
    client = Client()
    statuses = [_certificate_login(world, client, "wrong").status_code for _ in range(WRONG)]
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}, statuses
    _assert_locked_json(_certificate_login(world, client, PASSWORD))
    outcomes = list(LoginAttempt.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["wrong_password"] * 4 + ["locked_out"] * 3, outcomes
    assert AccessAttempt.objects.filter(username="person").exists()
    _cool_off_passes()
    assert _certificate_login(world, client, PASSWORD).status_code == 200


def test_lockout_by_address_covers_other_accounts(world):
    client = Client()
    for name in ("officer", "inspector", "clerk", "head", "executor"):
        client.post("/api/v1/auth/token", {"username": name, "password": "wrong"}, content_type="application/json")
    _assert_locked_json(client.post("/api/v1/auth/token", {"username": "psc", "password": PASSWORD},
                                    content_type="application/json"))
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/api/v1/auth/token", {"username": "psc", "password": PASSWORD},
                      content_type="application/json").status_code == 200


def test_client_address_from_the_proxy_only_behind_it(settings):
    from django.test import RequestFactory

    from accounts.lockout import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.ELICENSE_BEHIND_HTTPS_PROXY = False
    assert client_ip(request) == "10.1.1.1"
    settings.ELICENSE_BEHIND_HTTPS_PROXY = True
    assert client_ip(request) == "203.0.113.7"


# -- API tokens: expiry, revocation, own tokens ------------------------------------------------------------
def test_expired_and_revoked_tokens_are_refused(world):
    api = world.api["committee_officer"]
    api.get("/auth/me")
    row = ApiToken.objects.filter(user=world.committee_officer).get()
    assert row.last_used_at is not None
    assert datetime.timedelta(hours=11) < row.expires_at - row.created_at <= datetime.timedelta(hours=12, minutes=1)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    body = api.get("/auth/me", expect=401)
    assert body["code"] == "token_expired" and body["message"]
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() + datetime.timedelta(hours=1),
                                              revoked_at=timezone.now())
    assert api.get("/auth/me", expect=401)["code"] == "token_revoked"


def test_token_lifetime_is_a_setting(world, settings):
    settings.ELICENSE_TOKEN_HOURS_STAFF = 1
    ApiToken.issue(world.clerk)
    row = ApiToken.objects.filter(user=world.clerk).latest("id")
    assert row.expires_at - row.created_at < datetime.timedelta(hours=1, minutes=1)


def test_list_and_revoke_own_tokens_only(world):
    api = world.api["committee_officer"]
    second = Api(world.committee_officer)
    tokens = api.get("/auth/tokens")
    assert len(tokens) == 2 and sum(t["current"] for t in tokens) == 1
    assert set(tokens[0]) == {"id", "short_id", "created_at", "expires_at", "last_used_at", "current"}
    assert all(len(t["short_id"]) == 8 for t in tokens)
    other_id = ApiToken.objects.get(user=world.clerk).pk
    assert api._call("delete", f"/auth/tokens/{other_id}", expect=404).json()["code"] == "not_found"
    world.api["clerk"].get("/auth/me")  # untouched
    second_id = next(t["id"] for t in tokens if not t["current"])
    assert api._call("delete", f"/auth/tokens/{second_id}", expect=200).json()["id"] == second_id
    assert second.get("/auth/me", expect=401)["code"] == "token_revoked"
    assert [t["current"] for t in api.get("/auth/tokens")] == [True]


def test_logout_revokes_the_token_in_use(world):
    api = world.api["psc"]
    revoked = api.post("/auth/logout")
    assert ApiToken.objects.get(pk=revoked["id"]).revoked_at is not None
    assert api.get("/auth/me", expect=401)["code"] == "token_revoked"


# -- the portal log-in page's challenge, and the purge ------------------------------------------------------
def test_portal_login_page_reuses_the_challenge_of_the_session(db):
    client = Client()
    for _ in range(5):
        assert client.get("/portal/login/").status_code == 200
    assert LoginChallenge.objects.count() == 1
    LoginChallenge.objects.update(used_at=timezone.now())
    client.get("/portal/login/")
    assert LoginChallenge.objects.filter(used_at__isnull=True).count() == 1


def test_purge_removes_used_and_expired_challenges_and_keeps_fresh_ones(db):
    now = timezone.now()
    fresh = LoginChallenge.objects.create()
    LoginChallenge.objects.create(used_at=now)
    LoginChallenge.objects.create(expires_at=now - datetime.timedelta(seconds=1))
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=now - datetime.timedelta(days=1))
    assert purge_login_challenges.call() == 2
    assert list(LoginChallenge.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not Session.objects.filter(session_key="x" * 32).exists()


def test_a_back_office_session_ends_after_30_idle_minutes_and_each_request_extends_it(world, settings):
    """Sliding idle timeout (SESSION_COOKIE_AGE 30 min, saved on every request): a request within the window
    moves the end on; once 30 minutes pass without one, the next request is sent to the log-in page."""
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    response = client.post("/office/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/office/").status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 29 * 60 < left <= 30 * 60
    # 25 idle minutes: still in, and the request moves the end 30 minutes on again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get("/office/").status_code == 200
    assert (Session.objects.get(pk=session.pk).expire_date - timezone.now()).total_seconds() > 29 * 60
    # 30 idle minutes: the session is over.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/office/")
    assert response.status_code == 302 and "/office/login/" in response["Location"]
