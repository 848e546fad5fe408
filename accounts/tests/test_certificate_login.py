"""Log-in with an EDS certificate (regulation §3 steps 1-2: certificate + password; refusal = step 2),
through the API: POST /auth/challenge, then POST /auth/certificate-login."""
import base64
import datetime
import shutil
from dataclasses import replace

import pytest
from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from accounts.models import LoginAttempt, LoginChallenge
from conftest import Api
from integrations import pki as demo_pki
from integrations.signatures import sign_detached
from integrations.tests.conftest import make_gost_certificate
from ncalayer_signer.client import CMS_PARAMS_DETACHED, Session, running

PASSWORD = "demo-pass-123"  # the world's users' portal password
KEY_PASSWORD = "Qwerty12"


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory, user_key):
    """A second PKI, not in the trust store (same CA names, other keys)."""
    return demo_pki.make_pki(tmp_path_factory.mktemp("other-pki"), root_key=user_key, ca_key=user_key)


def challenge(api):
    return api.post("/auth/challenge", expect=201)


def login(api, cms: bytes, challenge_id, password=PASSWORD, expect=200, **extra):
    body = {"challenge_id": str(challenge_id), "cms_b64": base64.b64encode(cms).decode(), "password": password}
    return api._call("post", "/auth/certificate-login", body, expect=expect, **extra).json()


def sign_challenge(api, cert, key):
    ch = challenge(api)
    return ch, sign_detached(base64.b64decode(ch["nonce_b64"]), cert, key)


def refused(response, reason):
    assert response["code"] == "authorisation_refused", response
    assert response["details"] == {"reason": reason}, response
    return response


def test_login_with_authentication_certificate_and_password(world):
    anonymous = Api(None)
    cert = world.certificate(world.person, purpose="auth")
    ch, cms = sign_challenge(anonymous, cert, world.key)
    assert len(base64.b64decode(ch["nonce_b64"])) == 32
    token = login(anonymous, cms, ch["challenge_id"])
    me = anonymous._call("get", "/auth/me", expect=200, HTTP_AUTHORIZATION=f"Bearer {token['token']}").json()
    assert (me["username"], me["iin"], me["bin"]) == ("person", world.person.iin, "")
    attempt = LoginAttempt.objects.get()
    assert (attempt.outcome, attempt.iin, attempt.bin, attempt.user) == ("ok", world.person.iin, "", world.person)
    assert attempt.certificate_serial == format(cert.serial_number, "x")
    assert LoginChallenge.objects.get(pk=ch["challenge_id"]).used_at is not None


def test_employee_authentication_certificate_logs_in_for_the_organisation(world):
    """An ordinary employee may not sign for a legal entity, but may log in (IIN and BIN both match)."""
    anonymous = Api(None)
    cert = world.certificate(world.company_head, purpose="auth", role="employee")
    ch, cms = sign_challenge(anonymous, cert, world.key)
    login(anonymous, cms, ch["challenge_id"])
    attempt = LoginAttempt.objects.get()
    assert (attempt.outcome, attempt.user, attempt.bin) == ("ok", world.company_head, world.company_head.bin)


def _gost_cms(world, nonce):
    """A CMS whose signer certificate has a GOST key (cryptography cannot sign GOST: the certificate
    of a real RSA CMS is swapped for a hand-built GOST one, which is refused before any signature check)."""
    gost = make_gost_certificate(world.pki.ca_cert.subject, world.pki.now, iin=world.person.iin)
    info = asn1_cms.ContentInfo.load(sign_detached(nonce, world.certificate(world.person, purpose="auth"), world.key))
    signed = info["content"]
    signed["certificates"] = [asn1_cms.CertificateChoices(
        name="certificate", value=asn1_x509.Certificate.load(gost.public_bytes(serialization.Encoding.DER)))]
    signed["signer_infos"][0]["sid"] = asn1_cms.SignerIdentifier(name="issuer_and_serial_number", value={
        "issuer": asn1_x509.Name.load(gost.issuer.public_bytes()), "serial_number": gost.serial_number})
    return info.dump()


@pytest.mark.parametrize("case, reason", [
    ("expired", "expired"),
    ("not_yet_valid", "not_yet_valid"),
    ("revoked", "revoked"),
    ("unknown_ca", "untrusted_chain"),
    ("signing_certificate", "wrong_purpose"),
    ("wrong_password", "wrong_password"),
    ("unknown_person", "unknown_person"),
    ("gost", "gost_not_supported"),
    ("tampered_nonce", "signature_invalid"),
])
def test_login_refused(world, other_pki, case, reason):
    anonymous = Api(None)
    now = world.pki.now
    person, password, iin, bin_ = world.person, PASSWORD, world.person.iin, ""
    cert = world.certificate(person, purpose="auth")
    if case == "expired":
        cert = world.certificate(person, purpose="auth", not_before=now - datetime.timedelta(days=400),
                                 not_after=now - datetime.timedelta(days=1))
    elif case == "not_yet_valid":
        cert = world.certificate(person, purpose="auth", not_before=now + datetime.timedelta(days=2),
                                 not_after=now + datetime.timedelta(days=300))
    elif case == "revoked":
        demo_pki.revoke(world.pki, cert)
    elif case == "unknown_ca":
        cert, _ = demo_pki.issue(other_pki, iin=iin, surname="DEMO", given_name="DEMO", purpose="auth",
                                 role="individual", key=world.key)
    elif case == "signing_certificate":
        cert = world.certificate(person, purpose="sign")
    elif case == "wrong_password":
        password = "not-the-password"
    elif case == "unknown_person":
        # A valid certificate of a person who is no user: same person, an organisation nobody registered.
        bin_ = "010140000143"
        cert, _ = demo_pki.issue(world.pki, iin=iin, bin=bin_, surname="DEMO", given_name="DEMO", purpose="auth",
                                 role="employee", key=world.key)

    def attempt(language):
        ch = challenge(anonymous)
        nonce = base64.b64decode(ch["nonce_b64"])
        cms = _gost_cms(world, nonce) if case == "gost" else sign_detached(
            nonce + (b"x" if case == "tampered_nonce" else b""), cert, world.key)
        return ch, refused(login(anonymous, cms, ch["challenge_id"], password=password, expect=401,
                                 HTTP_ACCEPT_LANGUAGE=language), reason)

    ch, response = attempt("en")
    assert response["message"].startswith("Authorisation refused.")
    _, ru = attempt("ru")
    assert ru["message"] != response["message"]
    attempt = LoginAttempt.objects.order_by("id").first()
    assert (attempt.outcome, attempt.iin, attempt.bin) == (reason, iin, bin_)
    assert str(attempt.challenge_id) == ch["challenge_id"]
    # No secret is kept: neither the password nor the signature.
    assert password not in repr(list(LoginAttempt.objects.values()))


def test_replayed_challenge_is_refused(world):
    anonymous = Api(None)
    ch, cms = sign_challenge(anonymous, world.certificate(world.person, purpose="auth"), world.key)
    login(anonymous, cms, ch["challenge_id"])
    refused(login(anonymous, cms, ch["challenge_id"], expect=401), "challenge_used")
    # A failed attempt uses the challenge up too: no second try of a password with the same signature.
    ch, cms = sign_challenge(anonymous, world.certificate(world.person, purpose="auth"), world.key)
    refused(login(anonymous, cms, ch["challenge_id"], password="wrong", expect=401), "wrong_password")
    refused(login(anonymous, cms, ch["challenge_id"], expect=401), "challenge_used")
    assert [a.outcome for a in LoginAttempt.objects.order_by("id")] == [
        "ok", "challenge_used", "wrong_password", "challenge_used"]


def test_expired_and_unknown_challenges_are_refused(world):
    anonymous = Api(None)
    ch, cms = sign_challenge(anonymous, world.certificate(world.person, purpose="auth"), world.key)
    LoginChallenge.objects.filter(pk=ch["challenge_id"]).update(
        expires_at=LoginChallenge.objects.get(pk=ch["challenge_id"]).created_at)
    refused(login(anonymous, cms, ch["challenge_id"], expect=401), "challenge_expired")
    refused(login(anonymous, cms, "00000000-0000-0000-0000-000000000000", expect=401), "challenge_unknown")
    refused(login(anonymous, cms, "not-a-uuid", expect=401), "challenge_unknown")
    refused(login(anonymous, b"", challenge(anonymous)["challenge_id"], expect=401), "malformed")


@pytest.fixture
def signer_keys(world, tmp_path):
    """The person's signing and authentication keys as PKCS#12 files, as load_demo writes them."""
    users = replace(world.pki, directory=tmp_path)
    for purpose in ("sign", "auth"):
        demo_pki.save_user(users, world.certificate(world.person, purpose=purpose), world.key, password=KEY_PASSWORD)
    shutil.rmtree(tmp_path / "roots", ignore_errors=True)
    return users.users_dir


def test_login_signed_through_the_ncalayer_protocol_signer(world, signer_keys):
    anonymous = Api(None)
    ch = challenge(anonymous)
    with running(signer_keys, KEY_PASSWORD) as url, Session(url) as ncalayer:
        # What the log-in page sends: the nonce, signed with an authentication key of this IIN.
        result = ncalayer.basics_sign_cms(None, ch["nonce_b64"], CMS_PARAMS_DETACHED,
                                          {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.2"], "iin": world.person.iin})
    token = login(anonymous, base64.b64decode(result[0]), ch["challenge_id"])
    assert token["kind"] == "applicant"
    assert LoginAttempt.objects.get().outcome == "ok"


def test_password_alone_gives_no_token_to_an_applicant_but_does_to_an_officer(world):
    from django.test import Client

    client = Client()
    refused = client.post("/api/v1/auth/token", {"username": "person", "password": "demo-pass-123"},
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401 and refused.json()["code"] == "certificate_required"
    officer = client.post("/api/v1/auth/token", {"username": "officer", "password": "demo-pass-123"},
                          content_type="application/json")
    assert officer.status_code == 200 and officer.json()["kind"] == "officer"
