"""Powers of attorney (regulation §5: a legal entity's representative by a document of the entity, an
individual's by a notarised power of attorney): the rules on recording one, filing and signing under it, and
who sees the request."""
from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import actions as app_actions
from applications.models import Application
from applications.queries import applicant_filter, is_applicant
from applications.tests.journeys import fill, open_kinds, sign
from audit.models import AuditEntry
from conftest import COMPANY, OTHER_PERSON, PDF, PERSON
from representation import actions, queries
from representation.errors import AlreadyRevoked, InvalidPowerOfAttorney, NotCovered, NotEntitledToGrant
from representation.models import PowerOfAttorney

TODAY = datetime.date.today


def scan(content=PDF, name="poa.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def grant_for_company(world, representative, scope=None, days=30, **extra):
    fields = dict(representative_iin=representative.iin, representative_name=representative.full_name(),
                  scope=scope or {"S2": []}, valid_from=timezone.localdate(),
                  valid_to=timezone.localdate() + datetime.timedelta(days=days), document_number="D-17",
                  document_date=timezone.localdate(), scan=scan())
    fields.update(extra)
    return actions.grant(world.company_head, **fields)


def file_for(actor, poa, sub_kind="allocate"):
    app, created = app_actions.create_application(actor, service="S2", sub_kind=sub_kind,
                                                  channel="portal", power_of_attorney=poa.pk)
    assert created
    return app


# -- the rule of the regulation, in the model -----------------------------------------------------------------
def _poa(**fields):
    base = dict(principal_bin=COMPANY["bin"], principal_name="X", representative_iin=PERSON["iin"],
                scope={"S2": []}, valid_from=TODAY(), valid_to=TODAY() + datetime.timedelta(days=1),
                kind=PowerOfAttorney.Kind.COMPANY_DOCUMENT, document_number="1", document_date=TODAY(),
                recorded_via="portal")
    base.update(fields)
    return PowerOfAttorney(**base)


def test_an_individuals_representative_needs_a_notarised_power_of_attorney(db):
    with pytest.raises(ValidationError) as err:
        _poa(principal_bin="", principal_iin=OTHER_PERSON["iin"], kind=PowerOfAttorney.Kind.COMPANY_DOCUMENT).clean()
    assert "kind" in err.value.message_dict
    _poa(principal_bin="", principal_iin=OTHER_PERSON["iin"], kind=PowerOfAttorney.Kind.NOTARISED).clean()


def test_a_legal_entitys_representative_acts_by_the_entitys_document(db):
    with pytest.raises(ValidationError) as err:
        _poa(kind=PowerOfAttorney.Kind.NOTARISED).clean()
    assert list(err.value.message_dict) == ["kind"]
    _poa().clean()
    assert PowerOfAttorney.kind_for(COMPANY["bin"]) == "company_document"
    assert PowerOfAttorney.kind_for("") == "notarised"


@pytest.mark.parametrize("fields, field", [
    ({"valid_to": TODAY() - datetime.timedelta(days=1)}, "valid_to"),
    ({"scope": {}}, "scope"),
    ({"scope": {"S9": []}}, "scope"),
    ({"scope": {"S2": ["issue"]}}, "scope"),  # a sub-kind of another service
    ({"principal_iin": PERSON["iin"], "principal_bin": ""}, "representative_iin"),  # their own representative
    ({"principal_iin": OTHER_PERSON["iin"]}, "principal_iin"),  # both an IIN and a BIN
    ({"representative_iin": "123456789012"}, "representative_iin"),
])
def test_dates_scope_and_parties_are_checked(db, fields, field):
    with pytest.raises(ValidationError) as err:
        _poa(**fields).clean()
    assert field in err.value.message_dict


def test_the_database_keeps_the_kind_rule_too(db, world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        _poa(kind=PowerOfAttorney.Kind.NOTARISED, recorded_by=world.company_head, sha256="0").save()


def test_covers_by_service_sub_kind_day_and_revocation(db):
    poa = _poa(scope={"S2": ["allocate"], "S4": []}, valid_to=TODAY() + datetime.timedelta(days=10))
    assert poa.covers("S2", "allocate", TODAY())
    assert not poa.covers("S2", "withdraw", TODAY())
    assert poa.covers("S4", "hf_device", TODAY())
    assert not poa.covers("S1", "issue", TODAY())
    assert not poa.covers("S2", "allocate", TODAY() + datetime.timedelta(days=11))
    assert not poa.covers("S2", "allocate", TODAY() - datetime.timedelta(days=1))
    poa.revoked_at = timezone.now()
    assert not poa.covers("S2", "allocate", TODAY())


# -- recording ---------------------------------------------------------------------------------------------------
def test_the_companys_head_records_one_for_the_company_audited(world, rep):
    poa = grant_for_company(world, rep)
    assert (poa.principal_bin, poa.principal_iin, poa.principal_name) == (COMPANY["bin"], "", COMPANY["name"])
    assert poa.kind == "company_document" and poa.recorded_via == "portal"
    assert poa.representative_user == rep  # their account is known already
    assert poa.scan.read() == PDF
    entry = AuditEntry.objects.get(subject_type="representation.powerofattorney", subject_id=str(poa.pk))
    assert entry.data["change"] == "power_of_attorney_granted" and entry.actor_id == world.company_head.pk
    assert entry.data["representative_iin"] == rep.iin


def test_a_person_records_a_notarised_one_for_themself(world):
    poa = actions.grant(world.person, representative_iin=OTHER_PERSON["iin"], scope={"S4": []},
                        valid_from=TODAY(), valid_to=TODAY(), document_number="N-1", document_date=TODAY(),
                        scan=scan())
    assert (poa.principal_iin, poa.principal_bin, poa.kind) == (PERSON["iin"], "", "notarised")
    with pytest.raises(InvalidPowerOfAttorney):  # the company's kind of document is not theirs
        actions.grant(world.person, representative_iin=OTHER_PERSON["iin"], scope={"S4": []}, valid_from=TODAY(),
                      valid_to=TODAY(), document_number="N-2", document_date=TODAY(), scan=scan(),
                      kind=PowerOfAttorney.Kind.COMPANY_DOCUMENT)


def test_nobody_records_one_in_someone_elses_name(world, rep):
    with pytest.raises(NotEntitledToGrant):
        grant_for_company(world, rep, principal_bin="", principal_iin=world.person.iin)
    with pytest.raises(NotEntitledToGrant):
        actions.grant(world.person, principal_bin=COMPANY["bin"], representative_iin=OTHER_PERSON["iin"],
                      scope={"S2": []}, valid_from=TODAY(), valid_to=TODAY(), document_number="1",
                      document_date=TODAY(), scan=scan())
    assert not PowerOfAttorney.objects.exists()


def test_staff_record_one_from_a_paper_request(world):
    poa = actions.grant(world.committee_officer, principal_iin=OTHER_PERSON["iin"], principal_name="Someone",
                        representative_iin=PERSON["iin"], scope={"S2": ["assign"]}, valid_from=TODAY(),
                        valid_to=TODAY(), document_number="N-7", document_date=TODAY(), scan=scan())
    assert poa.recorded_via == "staff" and poa.kind == "notarised" and poa.principal_name == "Someone"


def test_the_scan_goes_through_the_upload_checks_and_must_be_a_pdf(world, rep):
    from applications.uploads import InvalidUpload

    with pytest.raises(InvalidUpload):
        grant_for_company(world, rep, scan=scan(b"%PDF-not really a pdf"))
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    with pytest.raises(InvalidPowerOfAttorney) as err:
        grant_for_company(world, rep, scan=scan(png.getvalue(), "poa.png", "image/png"))
    assert err.value.code == "scan_not_pdf"
    with pytest.raises(InvalidPowerOfAttorney):
        grant_for_company(world, rep, scan=None)
    assert not PowerOfAttorney.objects.exists()


def test_a_future_document_date_is_refused(world, rep):
    with pytest.raises(InvalidPowerOfAttorney):
        grant_for_company(world, rep, document_date=TODAY() + datetime.timedelta(days=1))


def test_revoke_is_the_principals_once_and_audited(world, rep):
    poa = grant_for_company(world, rep)
    from representation.errors import PowerOfAttorneyNotFound

    with pytest.raises(PowerOfAttorneyNotFound):
        actions.revoke(rep, poa.pk)  # the representative cannot revoke it
    poa = actions.revoke(world.company_head, poa.pk, reason="ended")
    assert poa.revoked_at is not None and poa.revoked_by == world.company_head
    with pytest.raises(AlreadyRevoked):
        actions.revoke(world.company_head, poa.pk)
    assert AuditEntry.objects.filter(data__change="power_of_attorney_revoked", subject_id=str(poa.pk)).count() == 1


# -- filing and signing under it -------------------------------------------------------------------------------------
def test_for_whom_lists_only_valid_covering_unrevoked_ones(world, rep):
    good = grant_for_company(world, rep, scope={"S2": ["allocate"]})
    assert queries.for_whom(rep, "S2", "allocate") == [good]
    assert queries.for_whom(rep, "S2", "withdraw") == []
    assert queries.for_whom(rep, "S1", "issue") == []
    assert queries.for_whom(world.unregistered, "S2", "allocate") == []  # not theirs
    assert queries.for_whom(rep, "S2", "allocate", TODAY() + datetime.timedelta(days=31)) == []
    actions.revoke(world.company_head, good.pk)
    assert queries.for_whom(rep, "S2", "allocate") == []


def test_the_representative_files_for_the_company_and_the_request_says_so(world, rep):
    poa = grant_for_company(world, rep)
    app = file_for(rep, poa)
    assert (app.applicant_bin, app.applicant_iin, app.applicant_name) == (COMPANY["bin"], "", COMPANY["name"])
    assert app.applicant_user == rep and app.representative_user == rep
    assert app.power_of_attorney == poa and app.created_by == rep


def test_filing_outside_the_power_of_attorney_is_refused(world, rep):
    poa = grant_for_company(world, rep, scope={"S2": ["assign"]})
    with pytest.raises(NotCovered) as err:
        file_for(rep, poa, "allocate")
    assert err.value.code == "representation_out_of_scope"
    with pytest.raises(NotCovered) as err:
        file_for(world.company_head, poa, "assign")  # not the representative it names
    assert err.value.code == "representation_not_representative"
    actions.revoke(world.company_head, poa.pk)
    with pytest.raises(NotCovered) as err:
        file_for(rep, poa, "assign")
    assert err.value.code == "representation_revoked" and "D-17" in str(err.value.message)
    assert not Application.objects.exists()


def test_the_representative_signs_with_their_own_certificate(world, rep):
    poa = grant_for_company(world, rep)
    api = world.api["rep"]
    app = api.get(f"/applications/{file_for(rep, poa).pk}")
    app = fill(api, app, "S2", "allocate")
    assert open_kinds(app) == ["choose_certificate"]
    app = sign(world, api, app)  # the representative's own certificate (their IIN, no BIN)
    assert app["status"] == "registered" and app["number"], app
    assert (app["applicant_bin"], app["applicant_name"]) == (COMPANY["bin"], COMPANY["name"])


def test_signing_is_refused_once_the_power_of_attorney_has_expired(world, monkeypatch, rep):
    poa = grant_for_company(world, rep, days=2)
    api = world.api["rep"]
    app = fill(api, api.get(f"/applications/{file_for(rep, poa).pk}"), "S2", "allocate")
    later = TODAY() + datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    from integrations.pki import cert_pem

    cert = world.certificate(rep)
    answer = api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()},
                      expect=403, HTTP_ACCEPT_LANGUAGE="en")
    assert answer["code"] == "representation_expired", answer
    assert poa.valid_to.strftime("%d.%m.%Y") in answer["message"]
    stored = Application.objects.get(pk=app["id"])
    assert stored.status == "draft" and not stored.signatures.exists()
    assert open_kinds(api.get(f"/applications/{app['id']}")) == ["choose_certificate"]


def test_signing_is_refused_after_revocation_in_one_call_too(world, rep):
    from integrations.signatures import sign_detached

    poa = grant_for_company(world, rep)
    api = world.api["rep"]
    app = fill(api, api.get(f"/applications/{file_for(rep, poa).pk}"), "S2", "allocate")
    actions.revoke(world.company_head, poa.pk)
    from applications.signing import signing_payload

    payload = signing_payload(Application.objects.get(pk=app["id"]))
    cms = sign_detached(payload, world.certificate(rep), world.key)
    with pytest.raises(NotCovered) as err:
        app_actions.sign(app["id"], rep, cms)
    assert err.value.code == "representation_revoked"
    assert Application.objects.get(pk=app["id"]).status == "draft"


# -- who sees what --------------------------------------------------------------------------------------------------------
def test_the_company_sees_the_request_and_the_representative_sees_what_they_filed(world, rep):
    from accounts.models import User

    poa = grant_for_company(world, rep)
    app = file_for(rep, poa)
    mine = Application.objects.create(service="S2", sub_kind="assign", channel="portal", definition=app.definition,
                                      applicant_user=world.company_head, applicant_iin=world.company_head.iin,
                                      applicant_bin=COMPANY["bin"], created_by=world.company_head)
    assert set(Application.objects.filter(applicant_filter(world.company_head))) == {app, mine}
    assert is_applicant(world.company_head, app)
    assert list(Application.objects.filter(applicant_filter(rep))) == [app]
    assert is_applicant(rep, app) and not is_applicant(rep, mine)
    stranger = User.objects.create_user("stranger", kind="applicant", iin=OTHER_PERSON["iin"])
    assert not Application.objects.filter(applicant_filter(stranger)).exists()
    assert not is_applicant(stranger, app)
    # the company's head sees it through the API too
    assert world.api["company_head"].get(f"/applications/{app.pk}")["applicant_bin"] == COMPANY["bin"]


def test_a_person_sees_what_their_representative_filed_for_them(world, rep):
    from accounts.models import User

    principal = User.objects.create_user("principal", kind="applicant", iin=OTHER_PERSON["iin"], last_name="Нұрланова",
                                         portal_registered_at=timezone.now())
    poa = actions.grant(principal, representative_iin=rep.iin, scope={"S2": []}, valid_from=TODAY(),
                        valid_to=TODAY(), document_number="N-9", document_date=TODAY(), scan=scan())
    app = file_for(rep, poa, "assign")
    assert (app.applicant_iin, app.applicant_bin) == (OTHER_PERSON["iin"], "")
    assert list(Application.objects.filter(applicant_filter(principal))) == [app]
    assert is_applicant(principal, app)
    assert not Application.objects.filter(applicant_filter(world.company_head), pk=app.pk).exists()


def test_the_api_files_for_the_principal_and_says_so(world, rep):
    poa = grant_for_company(world, rep)
    api = world.api["rep"]
    app = api.post("/applications", {"service": "S2", "sub_kind": "assign", "channel": "portal",
                                     "power_of_attorney": poa.pk}, expect=201)
    assert (app["applicant_bin"], app["power_of_attorney"], app["representative_iin"]) == (COMPANY["bin"], poa.pk, rep.iin)
    own = api.post("/applications", {"service": "S2", "sub_kind": "assign", "channel": "portal"}, expect=201)
    assert (own["applicant_bin"], own["power_of_attorney"], own["representative_iin"]) == ("", None, "")
    refused = api.post("/applications", {"service": "S2", "sub_kind": "assign", "channel": "portal",
                                         "power_of_attorney": poa.pk + 1000}, expect=403)
    assert refused["code"] == "representation_not_representative"
    head = world.api["company_head"].post("/applications", {"service": "S2", "sub_kind": "assign",
                                                            "channel": "portal", "power_of_attorney": poa.pk},
                                          expect=403)
    assert head["code"] == "representation_not_representative"
    assert world.api["company_head"].get(f"/applications/{app['id']}")["representative_iin"] == rep.iin
