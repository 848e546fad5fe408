"""What writes audit entries (docs/audit.md): log-ins of every kind and their failures, log-outs, API tokens,
administrative changes (the Django admin and the back office's administration pages), and an officer opening
a request or a registry record with the full IIN — which the applicant then sees ("who looked at my file")."""
import pytest
from django.test import Client

from accounts.models import User
from applications.tests.journeys import portal_until_registered
from audit.models import AuditEntry
from registry.tests.helpers import licence

Kind = AuditEntry.Kind
PASSWORD = "demo-pass-123"


def entries(kind, **filters):
    return list(AuditEntry.objects.filter(kind=kind, **filters).order_by("id"))


def test_office_log_in_its_failure_and_log_out_are_audited(world):
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.post("/office/login/", {"username": "officer", "password": "wrong"}).status_code == 200
    (failed,) = entries(Kind.LOGIN_FAILED)
    assert (failed.data["username"], failed.data["method"], failed.actor_id, failed.client_addr) == (
        "officer", "password", None, "10.1.2.3")
    assert client.post("/office/login/", {"username": "officer", "password": PASSWORD}).status_code == 302
    (login,) = entries(Kind.LOGIN)
    assert (login.actor_id, login.actor_username, login.data["method"], login.client_addr) == (
        world.committee_officer.pk, "officer", "session", "10.1.2.3")
    client.post("/office/logout/")
    (logout,) = entries(Kind.LOGOUT)
    assert logout.actor_id == world.committee_officer.pk


def test_api_log_ins_and_token_revocation_are_audited(world):
    client = Client()
    answer = client.post("/api/v1/auth/token", {"username": "officer", "password": PASSWORD},
                         content_type="application/json")
    assert answer.status_code == 200
    (issued,) = entries(Kind.TOKEN_ISSUED)
    assert (issued.actor_id, issued.data["method"]) == (world.committee_officer.pk, "password")
    assert client.post("/api/v1/auth/token", {"username": "officer", "password": "wrong"},
                       content_type="application/json").status_code == 401
    assert entries(Kind.LOGIN_FAILED)[0].data["username"] == "officer"
    # the certificate log-in's refusals (here an unknown challenge) are audited with their reason
    assert client.post("/api/v1/auth/certificate-login", {"challenge_id": "nope", "cms_b64": "", "password": "x"},
                       content_type="application/json").status_code == 401
    refused = entries(Kind.LOGIN_FAILED)[-1]
    assert (refused.data["method"], refused.data["outcome"]) == ("certificate", "challenge_unknown")
    token = answer.json()["token"]
    assert client.post("/api/v1/auth/logout", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    (revoked,) = entries(Kind.TOKEN_REVOKED)
    assert revoked.actor_id == world.committee_officer.pk


def test_administrative_changes_are_audited(world):
    admin = User.objects.create_superuser("root", password=PASSWORD, kind=User.Kind.ADMINISTRATOR)
    client = Client()
    client.force_login(admin)
    # the Django admin (its LogEntry)
    assert client.post("/admin/auth/group/add/", {"name": "auditors"}).status_code == 302
    (django_admin,) = entries(Kind.ADMIN_CHANGE, subject_type="auth.group")
    assert (django_admin.actor_id, django_admin.data["via"], django_admin.data["action"]) == (
        admin.pk, "django-admin", "added")
    # the back office's administration pages: the calendar, a user's roles
    assert client.post("/office/admin/calendar/", {"date": "2031-01-04", "is_working_day": "on"}).status_code == 302
    (override,) = entries(Kind.ADMIN_CHANGE, subject_type="workdays.workingdayoverride")
    assert (override.actor_id, override.data["change"], override.data["date"]) == (
        admin.pk, "calendar_override_saved", "2031-01-04")
    officer = world.committee_officer
    assert client.post(f"/office/admin/users/{officer.pk}/", {"kind": "officer", "provider_unit": officer.provider_unit_id,
                                                              "roles": ["provider", "head"], "is_active": "on"}
                       ).status_code == 302
    (roles,) = entries(Kind.ADMIN_CHANGE, subject_type="accounts.user")
    assert (roles.data["before"]["roles"], roles.data["after"]["roles"]) == (["provider"], ["head", "provider"])


@pytest.mark.parametrize("path", ["/admin/", "/office/"])
def test_nothing_is_audited_for_a_page_that_shows_no_personal_data(world, path):
    client = Client()
    client.force_login(world.committee_officer)
    client.get(path)
    assert not entries(Kind.PERSONAL_DATA_VIEW)


def test_an_officer_opening_a_request_is_audited_and_the_applicant_sees_who(world):
    app = portal_until_registered(world, world.api["person"], "S1", "issue")
    world.api["person"].get(f"/applications/{app['id']}")  # the applicant's own look: not a staff view
    assert not entries(Kind.PERSONAL_DATA_VIEW)
    officer = world.committee_officer
    officer.last_name, officer.first_name = "Сейткали", "Арман"
    officer.save(update_fields=["last_name", "first_name"])
    office = Client()
    office.force_login(officer)
    assert office.get(f"/office/requests/{app['id']}/").status_code == 200
    world.api["committee_officer"].get(f"/applications/{app['id']}")
    seen = entries(Kind.PERSONAL_DATA_VIEW, subject_type="applications.application", subject_id=str(app["id"]))
    assert [(e.actor_id, e.data["via"]) for e in seen] == [(officer.pk, "office"), (officer.pk, "api")]

    views = world.api["person"].get(f"/applications/{app['id']}/views", HTTP_ACCEPT_LANGUAGE="en")
    assert [(v["name"], v["role"]) for v in views] == [("Сейткали Арман", "provider's officer")] * 2
    assert set(views[0]) == {"at", "name", "role"}  # no internal ids
    portal = Client()
    portal.force_login(world.person)
    page = portal.get(f"/portal/requests/{app['id']}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    # The page shows visits: the officer's two openings a moment apart are one row, counted.
    table = html[html.index('<table class="list viewers">'):html.index("</table>", html.index('class="list viewers"'))]
    assert table.count("Сейткали Арман") == 1 and "(opened 2 times)" in table
    world.api["company_head"].get(f"/applications/{app['id']}/views", expect=404)  # someone else's request


def test_openings_read_as_visits():
    import datetime as dt

    from audit.queries import visits

    t = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    a, b = ("Сейткали Арман", "provider's officer"), ("Нұрланқызы Айжан", "provider's officer")

    def view(minutes, who):
        return {"at": t + dt.timedelta(minutes=minutes), "name": who[0], "role": who[1]}

    seen = visits([view(0, a), view(1, a), view(50, a), view(55, b), view(56, a), view(200, a)])
    assert [(v["name"], v["count"], v["at"].minute, v["until"].minute) for v in seen] == [
        (a[0], 3, 0, 50), (b[0], 1, 55, 55), (a[0], 1, 56, 56), (a[0], 1, 20, 20)]
    assert visits([]) == []


def test_an_officer_opening_a_registry_record_with_the_full_iin_is_audited(world):
    _app, number = licence(world)
    world.api["committee_officer"].get(f"/registry/records/{number}")
    (seen,) = entries(Kind.PERSONAL_DATA_VIEW, subject_type="registry.record")
    assert (seen.actor_id, seen.data["number"]) == (world.committee_officer.pk, number)


def test_a_signature_check_is_audited(world):
    app = portal_until_registered(world, world.api["person"], "S1", "issue")
    world.api["committee_officer"].get(f"/applications/{app['id']}/signature")
    office = Client()
    office.force_login(world.committee_officer)
    office.get(f"/office/requests/{app['id']}/")
    checks = entries(Kind.SIGNATURE_CHECK, subject_id=str(app["id"]))
    assert [(e.actor_id, e.data["via"], e.data["valid"]) for e in checks] == [
        (world.committee_officer.pk, "api", True), (world.committee_officer.pk, "office", True)]
    # the checks made on the submission path are the request's history, which the chain covers
    from workflow.models import Event

    assert Event.objects.filter(application_id=app["id"], kind="signature_verified", data__valid=True).exists()
