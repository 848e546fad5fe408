"""A fresh system pointed at a PKI made with the openssl command line only (integrations/tests/openssl_pki.py;
``OpensslPki.install``): its trust store holds that PKI's root and DER CRLs and nothing else, and the system
seal and TSA are that PKI's. An applicant signs an S1 request through the API with a certificate and a CMS
made by ``openssl``; a signature from outside that PKI is refused at step 7 — and the refusal's document is
produced, sealed, with no HTTP 500 and nothing of the demo PKI (issue 11: "with a trust store that holds only
a real CA's roots and CRLs, every refusal answers HTTP 500")."""
from __future__ import annotations

import base64
import io

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader

from applications.tests.journeys import create, fill, pay
from integrations.tests.openssl_pki import OpensslPki


@pytest.fixture
def nca_system(world, settings, tmp_path):
    settings.ELICENSE_DEMO_OFFICER_KEYS = "0"  # nothing issued from a demo PKI on the way
    nca = OpensslPki.create(tmp_path / "nca")
    nca.install(settings, tmp_path / "system", intermediates=True)
    return nca


def _until_signature(world):
    api = world.api["person"]
    return api, pay(api, fill(api, create(api, "S1", "issue"), "S1", "issue"))


def _submit(api, app, nca, entity):
    # The certificate step takes exactly one PEM certificate (applications.actions._strict_pem): its check has
    # no chain from the applicant, so the issuing CA must be in the trust store for it (intermediates=True).
    app = api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": entity.cert_pem.read_text()})
    if app["status"] == "refused":
        return app
    payload = base64.b64decode(api.get(f"/applications/{app['id']}/signing-payload")["payload_b64"])
    cms = nca.sign_detached(entity, payload)  # openssl cms -sign, the issuing CA inside
    return api.post(f"/applications/{app['id']}/signature", {"cms_b64": base64.b64encode(cms).decode()})


def test_an_openssl_made_signature_registers_the_request(world, nca_system):
    person = world.person
    entity = nca_system.issue("person", iin=person.iin, surname="ALIEVA", given_name="ALIYA")
    api, app = _until_signature(world)
    app = _submit(api, app, nca_system, entity)
    assert app["status"] == "registered" and app["number"], app


def test_a_refusal_on_a_real_pki_trust_store_is_sealed_without_a_500(world, nca_system, tmp_path):
    from applications.models import ResultDocument
    from documents import seal

    person = world.person
    other = OpensslPki.create(tmp_path / "other")  # a look-alike CA: not trusted
    entity = other.issue("person", iin=person.iin, surname="ALIEVA", given_name="ALIYA")
    api, app = _until_signature(world)
    app = _submit(api, app, other, entity)
    assert app["status"] == "refused" and app["refusal_step"] == "7", app
    assert app["refusal_details"] == ["untrusted_chain"]
    (document,) = ResultDocument.objects.filter(application_id=app["id"])
    assert document.signer is None and document.pdf  # the system seal's, produced in the request's own flow
    reader = PdfFileReader(io.BytesIO(document.pdf.read()))
    (signature,) = [s for s in reader.embedded_signatures if s.sig_object.get("/Type") != "/DocTimeStamp"]
    sealed_by = signature.signer_cert.dump()
    assert sealed_by == seal.seal_identity().cert.public_bytes(serialization.Encoding.DER)
    assert not seal.is_demo(seal.seal_identity())


# -- S1 and S3 to their signed results, officers signing with openssl-made EDS --------------------------------
def _officer_eds(nca, user, name):
    """The officer's own EDS from the openssl PKI: an employee certificate of the provider's BIN with the right
    to sign, naming the officer's IIN."""
    from documents.certificates import provider_bin

    return nca.issue(name, iin=user.iin, surname=(user.last_name or user.username).upper(),
                     given_name=(user.first_name or "OFFICER").upper(), role="signing_right", bin=provider_bin(user),
                     org="COMMITTEE OF COMMUNICATIONS")


def _choose(api, nca, eds):
    facts = api.get("/auth/office-certificate")
    cms = nca.sign_detached(eds, base64.b64decode(facts["challenge_b64"]))
    api.post("/auth/office-certificate", {"challenge": facts["challenge"], "cms_b64": base64.b64encode(cms).decode()})


def _sign_documents(api, nca, eds, app_id) -> list[str]:
    """The officer signs each prepared document of the request: the server's bytes, a detached CMS by openssl."""
    from applications.models import ResultDocument

    numbers = []
    for document in ResultDocument.objects.filter(application_id=app_id, pdf_sha256="").exclude(signer=None):
        facts = api.get(f"/documents/{document.number}/signing")
        cms = nca.sign_detached(eds, base64.b64decode(facts["bytes_b64"]))
        api.post(f"/documents/{document.number}/signing", {"cms_b64": base64.b64encode(cms).decode()})
        numbers.append(document.number)
    return numbers


def _pdf(document) -> bytes:
    with document.pdf.open("rb") as f:
        return f.read()


def _validated(document, nca, tmp_path) -> str:
    """The signed PDF as an auditor checks it: the pyhanko command line, offline, trusting this PKI's root only."""
    import subprocess

    from documents import renewal

    path = tmp_path / f"{document.number}.pdf"
    path.write_bytes(_pdf(document))
    result = subprocess.run(renewal.pyhanko_command(path, [nca.root_pem]), capture_output=True, text=True,
                            timeout=180)
    summary = [line for line in result.stdout.splitlines() if line.startswith("Signature:")]
    assert result.returncode == 0 and summary and ":INTACT:TRUSTED," in summary[-1], (result.stdout, result.stderr)
    return summary[-1]


def _no_demo_pki_in(document):
    """Nothing of integrations/pki.py's demo PKI in the document: no certificate of its CAs, seal or TSA."""
    reader = PdfFileReader(io.BytesIO(_pdf(document)))
    names = []
    for signature in reader.embedded_signatures:
        for cert in signature.signed_data["certificates"]:
            names.append(cert.chosen.subject.human_friendly + " / " + cert.chosen.issuer.human_friendly)
    assert names and not [n for n in names if "demo PKI" in n or "NOT NCA" in n], names
    return names


def test_s1_and_s3_run_to_results_signed_by_openssl_made_officer_eds(world, nca_system, tmp_path):
    from applications.models import ResultDocument
    from applications.tests.journeys import decision_body, deliver_callbacks, payer, through_hearing

    person = world.person
    entity = nca_system.issue("person", iin=person.iin, surname="ALIEVA", given_name="ALIYA")
    # S1: the Committee's officer decides and signs the licence.
    api, app = _until_signature(world)
    app = _submit(api, app, nca_system, entity)
    assert app["status"] == "registered", app
    officer = world.api["committee_officer"]
    committee_eds = _officer_eds(nca_system, world.committee_officer, "committee-officer")
    _choose(officer, nca_system, committee_eds)
    decided = officer.post(f"/applications/{app['id']}/decision", decision_body(app))
    assert decided["status"] == "completed" and decided["result_kind"] == "licence", decided
    assert _sign_documents(officer, nca_system, committee_eds, app["id"])
    licence = ResultDocument.objects.get(application_id=app["id"], kind="licence")
    assert licence.pdf_sha256 and licence.signer_id == world.committee_officer.pk
    assert "INTACT:TRUSTED" in _validated(licence, nca_system, tmp_path)
    _no_demo_pki_in(licence)

    # S3: the Inspection's officer approves, the person pays, the inspector signs the permit.
    s3 = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    s3 = _submit(api, s3, nca_system, entity)
    assert s3["status"] == "registered", s3
    inspector = world.api["inspection_officer"]
    inspector_eds = _officer_eds(nca_system, world.inspection_officer, "inspector")
    _choose(inspector, nca_system, inspector_eds)
    inspector.post(f"/applications/{s3['id']}/decision", decision_body(s3))
    payment = api.post(f"/applications/{s3['id']}/payment")
    payer(payment)
    deliver_callbacks(payment)
    assert _sign_documents(inspector, nca_system, inspector_eds, s3["id"])
    permit = ResultDocument.objects.get(application_id=s3["id"], kind="permit")
    assert permit.signer_id == world.inspection_officer.pk and permit.pdf_sha256
    assert "INTACT:TRUSTED" in _validated(permit, nca_system, tmp_path)
    _no_demo_pki_in(permit)

    # A refusal on the check, decided and signed by the officer, with the same trust store.
    refused_app = _submit(api, _until_signature(world)[1], nca_system, entity)
    refused = officer.post(f"/applications/{refused_app['id']}/decision",
                           {**decision_body(refused_app), "decision": "refuse", "comment": "no licence conditions met"})
    if through_hearing(refused_app["id"]):  # the version in force hears the applicant first (docs/refusals.md)
        refused = officer.post(f"/applications/{refused_app['id']}/decision",
                               {**decision_body(refused_app), "decision": "refuse", "comment": "no licence conditions met"})
    assert refused["status"] == "refused", refused
    _sign_documents(officer, nca_system, committee_eds, refused_app["id"])
    refusal = ResultDocument.objects.get(application_id=refused_app["id"], kind="refusal")
    assert refusal.pdf_sha256 and "INTACT:TRUSTED" in _validated(refusal, nca_system, tmp_path)
    _no_demo_pki_in(refusal)
