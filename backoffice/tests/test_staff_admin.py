"""The administrator makes a staff member in the back office (accounts.actions.create_staff_member; audited); the
new officer logs in with the password and chooses their own EDS, which names the IIN given."""
from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEntry
from conftest import choose_certificate_on_page, officer_iin
from services.models import ProviderUnit

PASSWORD = "demo-pass-123"
NEW_PASSWORD = "Kerey-Zhanibek-1465"


@pytest.fixture
def admin_client(world):
    User.objects.create_user(username="root", password=PASSWORD, kind="administrator")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post("/office/login/", {"username": "root", "password": PASSWORD}).status_code == 302
    return client


def officer_form(**changes) -> dict:
    unit = ProviderUnit.objects.get(code="inspection-almaty-city")
    form = {"kind": "officer", "username": "new-inspector", "iin": officer_iin(9), "last_name": "Әлиев",
            "first_name": "Марат", "patronymic": "", "position_kk": "Бас маман", "position_ru": "Главный специалист",
            "provider_unit": str(unit.pk), "roles": ["provider"], "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD}
    form.update(changes)
    return form


def test_administrator_creates_an_officer_who_logs_in_with_their_own_eds(world, admin_client):
    html = admin_client.get("/office/admin/users/").content.decode()
    assert 'href="/office/admin/users/new/"' in html
    response = admin_client.post("/office/admin/users/new/", officer_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    member = User.objects.get(username="new-inspector")
    assert (member.kind, member.iin, member.provider_unit.code, member.position_ru, member.portal_registered_at) == (
        "officer", officer_iin(9), "inspection-almaty-city", "Главный специалист", None)
    assert list(member.groups.values_list("name", flat=True)) == ["provider"]
    entry = AuditEntry.objects.get(kind="admin_change", data__change="user_created")
    assert (entry.actor_username, entry.data["username"], entry.data["roles"]) == ("root", "new-inspector", ["provider"])

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/office/login/", {"username": "new-inspector", "password": NEW_PASSWORD})
    assert response["Location"].startswith("/office/certificate/")
    assert choose_certificate_on_page(client, member).status_code == 302  # their EDS names the IIN given
    assert client.get("/office/").status_code == 200


@pytest.mark.parametrize("changes, field", [
    ({"iin": "850101300000"}, "iin"),  # a wrong check digit
    ({"username": "officer"}, "username"),  # the world's officer has it
    ({"provider_unit": ""}, "provider_unit"),
    ({"position_ru": ""}, "position_kk"),
    ({"password1": "12345", "password2": "12345"}, "password1"),
    ({"password2": "something-else-2026"}, "password2"),
])
def test_staff_member_refused(world, admin_client, changes, field):
    response = admin_client.post("/office/admin/users/new/", officer_form(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert not User.objects.filter(username=officer_form(**changes)["username"], kind="officer",
                                   iin=officer_form(**changes)["iin"]).exclude(username="officer").exists()
    assert not AuditEntry.objects.filter(kind="admin_change", data__change="user_created").exists()


def test_a_psc_operator_has_no_unit_and_no_lanes(world, admin_client):
    response = admin_client.post("/office/admin/users/new/", officer_form(
        kind="psc_operator", username="desk-2", iin=officer_iin(8), roles=["provider"], position_kk="", position_ru=""))
    assert response.status_code == 302, response.content.decode()[:2000]
    member = User.objects.get(username="desk-2")
    assert (member.kind, member.provider_unit, member.groups.count()) == ("psc_operator", None, 0)


def test_only_an_administrator_creates_staff(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/office/login/", {"username": "officer", "password": PASSWORD})
    assert client.post("/office/admin/users/new/", officer_form()).status_code == 404
    assert not User.objects.filter(username="new-inspector").exists()
