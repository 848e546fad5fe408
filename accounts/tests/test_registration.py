"""Registration on the portal with an EDS (§3 step 1; docs/registration.md): a fresh certificate made at test time
by the demo PKI, the registry's data, the password set twice, the company role the certificate names, and what a
company's people may see and sign."""
from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.utils import translation

from accounts import actions
from accounts.models import LoginChallenge, User
from applications.models import Application
from applications.queries import is_applicant, visible
from applications.tests.journeys import create, fill, open_kinds, unknown_iin
from audit.models import AuditEntry
from conftest import COMPANY, Api
from core.errors import DomainError
from integrations import pki as demo_pki
from integrations.signatures import sign_detached

PASSWORD = "Tulpar-Sunkar-2026"
# People of the registry simulator's seed (simulators/data/registry.json) the world has no account for.
NEWCOMER = {"iin": "010515544046", "surname": "Сейтқали", "given_name": "Дәулет"}
EMPLOYEE = {"iin": "780101333036", "surname": "Иванов", "given_name": "Сергей"}  # works at COMPANY here
DECEASED = {"iin": "450202366063", "surname": "Жақсылықов", "given_name": "Болат"}
LIQUIDATED_BIN, LIQUIDATED_HEAD = "040240400445", "900725422027"


def fresh_certificate(world, person, *, purpose="auth", role="individual", bin_=None, org=None):
    """A certificate issued now by the test PKI (the trust store's), to the key the test holds."""
    cert, _key = demo_pki.issue(world.pki, iin=person["iin"], bin=bin_, org=org, surname=person["surname"],
                                given_name=person["given_name"], purpose=purpose, role=role, key=world.key)
    return cert


def signed_challenge(world, cert) -> tuple[str, str]:
    challenge = actions.issue_challenge()
    cms = sign_detached(bytes(challenge.nonce), cert, world.key)
    return str(challenge.pk), base64.b64encode(cms).decode()


def begin(world, cert):
    return actions.begin_registration(*signed_challenge(world, cert))


def refusal(excinfo) -> str:
    return excinfo.value.details.get("reason")


def register(world, person, **kw) -> User:
    return actions.register_applicant(begin(world, fresh_certificate(world, person, **kw)), PASSWORD, PASSWORD)


def test_a_person_with_a_fresh_certificate_registers_and_then_logs_in(world):
    cert = fresh_certificate(world, NEWCOMER)
    pending = begin(world, cert)
    # The IIN from the certificate, the name from the Individuals registry (its patronymic is empty there).
    assert (pending["iin"], pending["bin"], pending["last_name"], pending["first_name"]) == (
        NEWCOMER["iin"], "", "Сейтқали", "Дәулет")
    assert not User.objects.filter(iin=NEWCOMER["iin"]).exists()  # nothing made before the password is set

    user = actions.register_applicant(pending, PASSWORD, PASSWORD)
    user.refresh_from_db()
    assert (user.kind, user.iin, user.bin, user.last_name, user.company_role) == (
        "applicant", NEWCOMER["iin"], "", "Сейтқали", "")
    assert user.portal_registered_at is not None and user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(kind="registration", data__outcome="ok")
    assert (entry.actor_id, entry.data["iin"], entry.data["certificate_serial"]) == (
        user.pk, NEWCOMER["iin"], format(cert.serial_number, "x"))

    # The same person now logs in with their EDS and the password they set.
    challenge_id, cms = signed_challenge(world, fresh_certificate(world, NEWCOMER))
    assert actions.authenticate_certificate(challenge_id, cms, PASSWORD) == user
    # ... and is authorised to file on the portal (step 1 done).
    assert create(Api(user), "S4", "device")["status"] == "draft"


def test_the_challenge_is_used_once_and_a_pending_registration_makes_one_account(world):
    cert = fresh_certificate(world, NEWCOMER)
    challenge_id, cms = signed_challenge(world, cert)
    pending = actions.begin_registration(challenge_id, cms)
    assert LoginChallenge.objects.get(pk=challenge_id).used_at is not None
    with pytest.raises(actions.RegistrationRefused) as replay:
        actions.begin_registration(challenge_id, cms)
    assert refusal(replay) == "challenge_used"

    actions.register_applicant(pending, PASSWORD, PASSWORD)
    with pytest.raises(actions.RegistrationRefused) as again:
        actions.register_applicant(pending, PASSWORD, PASSWORD)
    assert refusal(again) == "already_registered"
    assert AuditEntry.objects.filter(kind="registration", data__outcome="already_registered").count() == 1
    assert User.objects.filter(iin=NEWCOMER["iin"]).count() == 1
    with pytest.raises(actions.RegistrationRefused) as known:  # a new signature does not make a second one
        begin(world, fresh_certificate(world, NEWCOMER))
    assert refusal(known) == "already_registered"


@pytest.mark.parametrize("case, reason", [
    ("unknown_to_registry", "registry_not_found"),
    ("deceased", "deceased"),
    ("liquidated_company", "liquidated"),
    ("signing_key", "wrong_purpose"),
])
def test_registration_refused(world, case, reason):
    users = User.objects.count()
    if case == "unknown_to_registry":
        cert = fresh_certificate(world, {"iin": unknown_iin(), "surname": "Белгісіз", "given_name": "Адам"})
    elif case == "deceased":
        cert = fresh_certificate(world, DECEASED)
    elif case == "liquidated_company":
        cert = fresh_certificate(world, {"iin": LIQUIDATED_HEAD, "surname": "Нұрланова", "given_name": "Айгүл"},
                                 role="first_head", bin_=LIQUIDATED_BIN)
    else:
        cert = fresh_certificate(world, NEWCOMER, purpose="sign")
    with translation.override("ru"), pytest.raises(actions.RegistrationRefused) as refused:
        begin(world, cert)
    assert refusal(refused) == reason
    assert refused.value.code == "registration_refused"
    assert AuditEntry.objects.filter(kind="registration", data__outcome=reason).count() == 1
    assert User.objects.count() == users  # nobody made


def test_password_rules_apply_and_their_message_is_in_the_page_language(world):
    pending = begin(world, fresh_certificate(world, NEWCOMER))
    with translation.override("ru"):
        with pytest.raises(actions.PasswordRefused) as short:
            actions.register_applicant(pending, "Zq9!x", "Zq9!x")
        expected = str(actions.PASSWORD_MESSAGES["password_too_short"] % {"min_length": 8})
    # The project's words for the validator's code, in the language of the page (never the code itself).
    assert str(short.value.message) == expected and "password_too_short" not in expected
    assert short.value.details["field"] == "password1"
    with pytest.raises(actions.PasswordRefused) as differ:
        actions.register_applicant(pending, PASSWORD, PASSWORD + "x")
    assert differ.value.details["field"] == "password2"
    assert not User.objects.filter(iin=NEWCOMER["iin"]).exists()
    assert actions.register_applicant(pending, PASSWORD, PASSWORD).iin == NEWCOMER["iin"]  # still usable


def test_a_company_employee_registers_with_the_role_their_certificate_names_refreshed_at_log_in(world):
    user = register(world, EMPLOYEE, role="employee", bin_=COMPANY["bin"], org=COMPANY["name"])
    assert (user.bin, user.company_role, user.organisation_name, user.address) == (
        COMPANY["bin"], "employee", COMPANY["name"], COMPANY["address"])
    assert user.last_name == "Иванов"  # the person's own name, from Individuals
    assert not user.may_sign_for_company
    # Later given the right to sign: the next log-in's certificate says so.
    cert = fresh_certificate(world, EMPLOYEE, role="signing_right", bin_=COMPANY["bin"], org=COMPANY["name"])
    actions.authenticate_certificate(*signed_challenge(world, cert), PASSWORD)
    user.refresh_from_db()
    assert user.company_role == "signing_right" and user.may_sign_for_company
    # A head's certificate: first head.
    head_cert = fresh_certificate(world, EMPLOYEE, role="first_head", bin_=COMPANY["bin"], org=COMPANY["name"])
    actions.authenticate_certificate(*signed_challenge(world, head_cert), PASSWORD)
    user.refresh_from_db()
    assert user.company_role == "first_head"


def test_a_plain_employee_sees_the_companys_requests_but_does_not_sign(world):
    employee = register(world, EMPLOYEE, role="employee", bin_=COMPANY["bin"], org=COMPANY["name"])
    head = world.api["company_head"]
    filed_by_head = create(head, "S4", "device")
    mine = Api(employee)
    assert filed_by_head["id"] in {a["id"] for a in mine.get("/applications")}
    assert mine.get(f"/applications/{filed_by_head['id']}")["applicant_bin"] == COMPANY["bin"]
    # Another company's people and a person's own account do not see it.
    other = register(world, {"iin": "660909455051", "surname": "Ким", "given_name": "Елена"}, role="first_head",
                     bin_="151040300338", org="ТОО «Алатау Сигнал»")
    assert not visible(other).filter(pk=filed_by_head["id"]).exists()
    assert not visible(world.person).filter(pk=filed_by_head["id"]).exists()

    # The employee files a request of their own and reaches signing: refused with a clear message.
    app = fill(mine, create(mine, "S4", "device"), "S4", "device")
    assert open_kinds(app) == ["choose_certificate"]
    sign_cert = fresh_certificate(world, EMPLOYEE, purpose="sign", role="employee", bin_=COMPANY["bin"],
                                  org=COMPANY["name"])
    answer = mine.post(f"/applications/{app['id']}/signature", {"cms_b64": world.sign_payload(mine, app["id"], sign_cert)},
                       expect=403)
    assert answer["code"] == "no_signing_right", answer
    assert Application.objects.get(pk=app["id"]).status != "refused"  # nothing happened to the request
    # Nor does the employee withdraw the company's request (it acts for the company); the head may.
    refused = mine._call("post", f"/applications/{filed_by_head['id']}/withdrawal", {"reason": "ошибка"})
    assert refused.status_code == 403 and refused.json()["code"] == "no_signing_right"
    assert Application.objects.get(pk=filed_by_head["id"]).status == "draft"
    assert head.post(f"/applications/{filed_by_head['id']}/withdrawal", {"reason": "ошибка"})["status"] == "withdrawn"
    # The head sees the employee's request too (the company's, by its BIN).
    assert is_applicant(world.company_head, Application.objects.get(pk=app["id"]))


def test_the_registration_page_takes_the_identity_from_the_certificate(world):
    """Through the page, without JavaScript (the CMS pasted): no field for an IIN, the registry's name shown,
    then the password twice; the person is logged in."""
    client = Client()
    # A log-in with a valid certificate nobody registered sends the person to registration.
    page = client.get("/portal/login/").content.decode()
    challenge = re.search(r'name="challenge_id" value="([^"]+)"', page).group(1)
    cert = fresh_certificate(world, NEWCOMER)
    nonce = base64.b64decode(re.search(r'data-payload="([^"]+)"', page).group(1))
    cms = base64.b64encode(sign_detached(nonce, cert, world.key)).decode()
    answer = client.post("/portal/login/", {"challenge_id": challenge, "cms_b64": cms, "password": "x"})
    assert answer.status_code == 302 and answer["Location"].startswith("/portal/register/"), answer

    page = client.get(answer["Location"]).content.decode()
    assert 'name="iin"' not in page and 'name="bin"' not in page
    challenge = re.search(r'name="challenge_id" value="([^"]+)"', page).group(1)
    nonce = base64.b64decode(re.search(r'data-payload="([^"]+)"', page).group(1))
    cms = base64.b64encode(sign_detached(nonce, cert, world.key)).decode()
    answer = client.post("/portal/register/", {"action": "sign", "challenge_id": challenge, "cms_b64": cms})
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert NEWCOMER["iin"] in page and "Сейтқали" in page and 'name="iin"' not in page
    # A posted IIN is ignored: the certificate's is the one registered.
    answer = client.post("/portal/register/", {"action": "password", "password1": PASSWORD, "password2": PASSWORD,
                                               "iin": "900725422027"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    user = User.objects.get(portal_registered_at__isnull=False, iin=NEWCOMER["iin"])
    assert client.get("/portal/requests/").status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_expired_pending_registration_is_refused(world, settings):
    pending = begin(world, fresh_certificate(world, NEWCOMER))
    pending["verified_at"] = "2020-01-01T00:00:00+00:00"
    with pytest.raises(DomainError) as expired:
        actions.register_applicant(pending, PASSWORD, PASSWORD)
    assert refusal(expired) == "registration_expired"


def test_the_demo_writes_eds_keys_for_people_not_registered_yet(world, tmp_path, settings):
    """``manage.py load_demo`` writes the keys of a person and of a company's employee nobody registered, to try
    registration with (DEMO_EDS_USER=newcomer scripts/run); their registry data lets them register."""
    import io

    from django.core.management import call_command

    settings.ELICENSE_TRUST_DIR = tmp_path / "pki"
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "newcomer (individual), dala-employee (employee)" in out.getvalue()
    for name, role in (("newcomer", ""), ("dala-employee", "employee")):
        cert, key, _extra = demo_pki.load_pkcs12(tmp_path / "pki" / "users" / f"{name}_auth.p12", "Qwerty12")
        challenge = actions.issue_challenge()
        cms = base64.b64encode(sign_detached(bytes(challenge.nonce), cert, key)).decode()
        pending = actions.begin_registration(str(challenge.pk), cms)
        assert pending["company_role"] == role and not User.objects.filter(iin=pending["iin"], bin=pending["bin"],
                                                                           portal_registered_at__isnull=False).exists()


def test_an_account_made_without_registration_is_completed_not_doubled(world):
    """world.unregistered: an applicant account nobody registered on the portal (as an import would leave it). Its
    log-in on the portal leads to registration, which completes that account."""
    person = {"iin": world.unregistered.iin, "surname": "Нұрланова", "given_name": "Айгүл"}
    client = Client()
    page = client.get("/portal/login/").content.decode()
    challenge = re.search(r'name="challenge_id" value="([^"]+)"', page).group(1)
    nonce = base64.b64decode(re.search(r'data-payload="([^"]+)"', page).group(1))
    cms = base64.b64encode(sign_detached(nonce, fresh_certificate(world, person), world.key)).decode()
    answer = client.post("/portal/login/", {"challenge_id": challenge, "cms_b64": cms, "password": "demo-pass-123"})
    assert answer.status_code == 302 and answer["Location"].startswith("/portal/register/")
    assert "_auth_user_id" not in client.session  # not logged in before registering

    user = register(world, person)
    assert user.pk == world.unregistered.pk and User.objects.filter(iin=person["iin"], bin="").count() == 1
    user.refresh_from_db()
    assert user.portal_registered_at is not None and user.check_password(PASSWORD)
    assert user.last_name == "Нұрланова"  # from the registry
