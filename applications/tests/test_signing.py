"""Signing a request (steps 6-8 of the S1 portal table) through the API: the refusals not covered
in test_s1_licence, revocation data unavailable (fail closed, nothing lost), re-verification and
export (checked with OpenSSL), and signing through the NCALayer-protocol signer."""
import base64
import datetime
import shutil
import subprocess
from dataclasses import replace

import pytest

from applications.models import Application, Attachment, Revision, Signature
from applications.tests.journeys import create, fill, open_kinds, pay, portal_until_registered, sign
from integrations import pki as demo_pki
from integrations.pki import cert_pem
from integrations.signatures import TrustStore
from integrations.tests.conftest import make_gost_certificate
from ncalayer_signer.client import CMS_PARAMS_DETACHED, NCALayerError, Session, running
from workflow.models import ProcessInstance, WorkTask

KEY_PASSWORD = "Qwerty12"


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory, user_key):
    """A second PKI, not in the trust store (same CA names, other keys)."""
    return demo_pki.make_pki(tmp_path_factory.mktemp("other-pki"), root_key=user_key, ca_key=user_key)


def until_certificate(world, user="person"):
    api = world.api[user]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    return api, pay(api, app)


def events(api, app, kind):
    return [e for e in api.get(f"/applications/{app['id']}/history") if e["kind"] == kind]


# -- refusals at step 7, each with its reason on the request and in the history ---------------
@pytest.mark.parametrize("case, reason", [
    ("not_yet_valid", "not_yet_valid"),
    ("unknown_ca", "untrusted_chain"),
    ("employee", "no_signing_right"),
    ("gost", "gost_not_supported"),
])
def test_step_7_refusal_recorded_on_the_request_and_in_the_history(world, other_pki, case, reason):
    user = "company_head" if case == "employee" else "person"
    api, app = until_certificate(world, user)
    person, now = getattr(world, user), world.pki.now
    if case == "not_yet_valid":
        cert = world.certificate(person, not_before=now + datetime.timedelta(days=2),
                                 not_after=now + datetime.timedelta(days=300))
    elif case == "unknown_ca":
        cert, _ = demo_pki.issue(other_pki, iin=person.iin, surname="DEMO", given_name="DEMO", purpose="sign",
                                 role="individual", key=world.key)
    elif case == "employee":
        cert = world.certificate(person, role="employee")
    else:
        cert = make_gost_certificate(world.pki.ca_cert.subject, now, iin=person.iin)
    app = sign(world, api, app, cert=cert)
    assert app["status"] == "refused" and app["refusal_step"] == "7"
    assert app["refusal_reason"] == "signature_not_confirmed" and app["refusal_details"] == [reason]
    assert app["number"] is None and app["open_tasks"] == []
    signature = Signature.objects.get(application_id=app["id"])
    assert signature.certificate_check == reason and signature.cms is None
    assert [(e["step"], e["data"]["reason"]) for e in events(api, app, "certificate_checked")] == [("6", reason)]
    refusal = events(api, app, "refused")
    assert [e["data"]["reason"] for e in refusal] == ["signature_not_confirmed"]


def test_person_with_signing_right_signs_for_the_legal_entity(world):
    api, app = until_certificate(world, "company_head")
    app = sign(world, api, app, cert=world.certificate(world.company_head, role="signing_right"))
    assert app["status"] == "registered" and app["number"]
    signature = Signature.objects.get(application_id=app["id"])
    assert (signature.certificate_check, signature.signature_check) == ("ok", "ok")
    assert (signature.signer_iin, signature.signer_bin) == (world.company_head.iin, world.company_head.bin)
    assert [e["data"]["reason"] for e in events(api, app, "signature_verified")] == ["ok"]


def test_signature_over_bytes_of_an_earlier_revision_is_refused(world):
    """Changed after signing = not what was signed: the CMS covers another revision's bytes."""
    api, app = until_certificate(world)
    old_payload = api.get(f"/applications/{app['id']}/signing-payload")
    cert = world.certificate(world.person)
    api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()})
    # The form changes under the request (e.g. written by another path) before the signature arrives.
    Application.objects.filter(pk=app["id"]).update(form_data={"subtypes": ["cellular"], "territory": "Astana"})
    from integrations.signatures import sign_detached
    cms = base64.b64encode(sign_detached(base64.b64decode(old_payload["payload_b64"]), cert, world.key)).decode()
    app = api.post(f"/applications/{app['id']}/signature", {"cms_b64": cms})
    assert app["status"] == "refused" and app["refusal_details"] == ["content_changed"]


# -- revocation data unavailable: fail closed, nothing lost, sign again later -----------------------
@pytest.fixture
def stale_trust(settings, pki, tmp_path):
    """A copy of the trust store whose CRLs expired yesterday; .refresh() re-issues them."""
    target = tmp_path / "trust"
    shutil.copytree(pki.directory, target)
    copy = replace(pki, directory=target, revoked={ca: dict(v) for ca, v in pki.revoked.items()},
                   crl_number=dict(pki.crl_number))
    now = datetime.datetime.now(datetime.UTC)
    demo_pki.write_crls(copy, now - copy.crl_validity - datetime.timedelta(days=1))
    settings.ELICENSE_TRUST_DIR = target
    TrustStore.clear_cache()
    copy.refresh = lambda: demo_pki.write_crls(copy, datetime.datetime.now(datetime.UTC))
    return copy


def _state(app_id):
    app = Application.objects.get(pk=app_id)
    return (app.status, app.refusal_step, app.refusal_details, app.number,
            list(WorkTask.objects.filter(application_id=app_id).values_list("id", "state", "action_kind")),
            list(Signature.objects.filter(application_id=app_id).values_list("id", "certificate_check", "signature_check")),
            bytes(ProcessInstance.objects.get(application_id=app_id).state))


def test_revocation_unavailable_fails_closed_then_the_same_request_signs(world, stale_trust):
    api, app = until_certificate(world)
    cert = world.certificate(world.person)
    before = _state(app["id"])
    response = api._call("post", f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()},
                         expect=503, HTTP_ACCEPT_LANGUAGE="ru")
    body = response.json()
    assert body["code"] == "revocation_unavailable"
    assert body["details"]["error"] == "crl_stale"
    assert "Try again later" not in body["message"] and body["message"]  # Russian, not the English source
    # Nothing changed: the step is open, no signature row, not refused.
    assert _state(app["id"]) == before
    detail = api.get(f"/applications/{app['id']}")
    assert detail["status"] == "draft" and open_kinds(detail) == ["choose_certificate"]
    assert Signature.objects.filter(application_id=app["id"]).count() == 0
    # ... but the attempt is in the history, with its reason.
    failed = events(api, app, "signing_attempt_failed")
    assert [(e["step"], e["data"]["reason"], e["actor"]) for e in failed] == [("6", "revocation_unavailable", "person")]

    stale_trust.refresh()  # the CRL is fetched again
    app = api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()})
    assert open_kinds(app) == ["sign"]
    cms = world.sign_payload(api, app["id"], cert)

    # The CRL goes stale between choosing the certificate and signing: the signature waits too.
    demo_pki.write_crls(stale_trust, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30))
    body = api._call("post", f"/applications/{app['id']}/signature", {"cms_b64": cms}, expect=503).json()
    assert body["code"] == "revocation_unavailable"
    assert open_kinds(api.get(f"/applications/{app['id']}")) == ["sign"]
    assert Signature.objects.get(application_id=app["id"]).cms is None
    assert [e["step"] for e in events(api, app, "signing_attempt_failed")] == ["6", "8"]

    stale_trust.refresh()
    app = api.post(f"/applications/{app['id']}/signature", {"cms_b64": cms})
    assert app["status"] == "registered" and app["number"]


# -- the stored signature: re-verification and export ----------------------------------------------
def test_signature_is_stored_and_reverified(world):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S1", "issue")
    stored = api.get(f"/applications/{app['id']}/signature")
    assert (stored["certificate_check"], stored["signature_check"]) == ("ok", "ok")
    assert stored["certificate"]["iin"] == world.person.iin and "IIN" + world.person.iin in stored["certificate"]["subject"]
    assert stored["revision_sha256"] == Revision.objects.get(application_id=app["id"]).sha256
    assert stored["reverification"]["valid"] and stored["reverification"]["content_unchanged"]
    # The officer who handles the request sees it too; an unrelated applicant does not.
    assert world.api["committee_officer"].get(f"/applications/{app['id']}/signature")["reverification"]["valid"]
    world.api["company_head"].get(f"/applications/{app['id']}/signature", expect=404)


@pytest.mark.parametrize("change", ["attachment_row", "attachment_added", "form", "revision"])
def test_change_after_signing_is_detected(world, change):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S1", "issue")
    if change == "attachment_row":
        Attachment.objects.filter(application_id=app["id"]).filter(
            pk=Attachment.objects.filter(application_id=app["id"]).first().pk).update(sha256="0" * 64)
    elif change == "attachment_added":
        first = Attachment.objects.filter(application_id=app["id"]).first()
        first.pk = None
        first.document_code = "extra"
        first.save()
    elif change == "form":
        Application.objects.filter(pk=app["id"]).update(form_data={"subtypes": ["cellular"], "territory": "Astana"})
    else:  # the frozen revision itself, bypassing the model's guard
        Revision.objects.filter(application_id=app["id"]).update(content={"forged": True})
    again = api.get(f"/applications/{app['id']}/signature", HTTP_ACCEPT_LANGUAGE="en")["reverification"]
    assert (again["valid"], again["reason"], again["content_unchanged"]) == (False, "content_changed", False)
    assert again["message"] == "The request was changed after it was signed."


def test_unsigned_request_has_no_signature(world):
    api, app = until_certificate(world)
    response = api._call("get", f"/applications/{app['id']}/signature", expect=422).json()
    assert response["code"] == "not_signed"
    api._call("get", f"/applications/{app['id']}/signature/cms", expect=422)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl binary not installed")
def test_exported_signature_verifies_with_openssl(world, tmp_path):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S1", "issue")
    payload = api._call("get", f"/applications/{app['id']}/signature/payload", expect=200)
    cms = api._call("get", f"/applications/{app['id']}/signature/cms", expect=200)
    assert payload["Content-Type"] == "application/octet-stream"
    assert cms["Content-Type"] == "application/pkcs7-signature"
    assert payload.content == base64.b64decode(api.get(f"/applications/{app['id']}/signing-payload")["payload_b64"])
    (tmp_path / "payload.bin").write_bytes(payload.content)
    (tmp_path / "signature.p7s").write_bytes(cms.content)
    p = world.pki
    (tmp_path / "trust.pem").write_bytes(b"".join(
        f.read_bytes() for f in (p.root_pem_path, p.ca_pem_path, p.root_crl_path, p.ca_crl_path)))

    def openssl(content="payload.bin"):
        # The command of docs/signatures.md.
        return subprocess.run(
            ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "signature.p7s", "-content", content,
             "-CAfile", "trust.pem", "-crl_check_all", "-purpose", "smimesign", "-out", "/dev/null"],
            cwd=tmp_path, capture_output=True, text=True, timeout=60)

    ok = openssl()
    assert ok.returncode == 0, ok.stderr
    assert "Verification successful" in ok.stderr
    (tmp_path / "changed.bin").write_bytes(payload.content.replace(b"cellular", b"satellite"))
    assert openssl("changed.bin").returncode != 0


# -- the NCALayer-protocol signer, spoken to as the portal page does ------------------------------
@pytest.fixture
def signer_keys(world, tmp_path):
    """PKCS#12 files as load_demo writes them: the person's signing and authentication keys."""
    users = replace(world.pki, directory=tmp_path)
    for purpose in ("sign", "auth"):
        demo_pki.save_user(users, world.certificate(world.person, purpose=purpose), world.key, password=KEY_PASSWORD)
    return users.users_dir


def test_request_signed_through_the_ncalayer_protocol_signer(world, signer_keys):
    api, app = until_certificate(world)
    payload = api.get(f"/applications/{app['id']}/signing-payload")
    with running(signer_keys, KEY_PASSWORD) as url, Session(url) as ncalayer:
        assert ncalayer.version and not ncalayer.is_kaztoken
        # No key of another IIN: refused with status false, nothing signed.
        with pytest.raises(NCALayerError, match="no_matching_key"):
            ncalayer.basics_sign_cms(None, payload["payload_b64"], CMS_PARAMS_DETACHED,
                                     {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.4"], "iin": world.unregistered.iin})
        with pytest.raises(NCALayerError, match="no_storage"):
            ncalayer.basics_sign_cms(["AKKaztokenStore"], payload["payload_b64"], CMS_PARAMS_DETACHED,
                                     {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.4"]})
        result = ncalayer.basics_sign_cms(None, payload["payload_b64"], CMS_PARAMS_DETACHED,
                                          {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.4"], "iin": world.person.iin})
    # The message on the wire is the JS client's basicsSignCMS.
    sent = ncalayer.sent[-1]
    assert sent.startswith('{"module": "kz.gov.pki.knca.basics", "method": "sign", "args": {"allowedStorages": null, '
                           '"format": "cms", "data": ')
    from asn1crypto import cms as asn1_cms
    from cryptography import x509
    cms = base64.b64decode(result[0])
    signer = asn1_cms.ContentInfo.load(cms)["content"]["certificates"][0].chosen.dump()
    cert = x509.load_der_x509_certificate(signer)
    app = api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()})
    app = api.post(f"/applications/{app['id']}/signature", {"cms_b64": result[0]})
    assert app["status"] == "registered" and app["number"]
