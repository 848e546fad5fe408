"""Identifiers and certificates are normalised or refused in the actions, the same for every interface: an
IIN with spaces around it is stored (and sent to the registry) as its 12 digits; a PEM with anything
around it, or two certificates, is refused with a clear error and changes nothing."""
from __future__ import annotations

import pytest

from applications.models import Application, Signature
from applications.tests.journeys import FORMS, create, fill
from conftest import PERSON
from integrations.models import ExchangeLog
from integrations.pki import cert_pem


def test_an_iin_with_spaces_is_stored_and_sent_as_its_digits(world):
    officer = world.api["committee_officer"]
    app = create(officer, "S1", "issue", channel="staff")
    officer.put(f"/applications/{app['id']}/form", {"data": FORMS[("S1", "issue")], "version": app["form_version"]})
    officer.post(f"/applications/{app['id']}/applicant", {"iin": f"  {PERSON['iin']}\t", "bin": ""})
    assert Application.objects.get(pk=app["id"]).applicant_iin == PERSON["iin"]
    sent = [f"{e.url} {e.request_body}" for e in ExchangeLog.objects.filter(application_id=app["id"], system="registry")]
    assert sent and all(PERSON["iin"] in text and "%20" not in text for text in sent), sent


@pytest.mark.parametrize("wrap", [
    lambda pem: "junk before\n" + pem,
    lambda pem: pem + "trailing junk",
    lambda pem: pem + pem,
    lambda pem: pem.replace("CERTIFICATE-----\n", "CERTIFICATE-----\n!!", 1),
    lambda pem: "not a certificate at all",
])
def test_a_pem_with_anything_around_it_is_refused_and_changes_nothing(world, wrap):
    api = world.api["person"]
    app = fill(api, create(api, "S2", "allocate"), "S2", "allocate")
    pem = cert_pem(world.certificate(world.person)).decode()
    response = api._call("post", f"/applications/{app['id']}/certificate", {"certificate_pem": wrap(pem)},
                         expect=422)
    assert response.json()["code"] == "certificate_malformed"
    assert not Signature.objects.filter(application_id=app["id"]).exists()
    assert [t["action_kind"] for t in api.get(f"/applications/{app['id']}")["open_tasks"]] == ["choose_certificate"]
    # The certificate alone, with blank lines around it, is taken as it is.
    app = api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": f"\n\n{pem}\n"})
    assert Signature.objects.get(application_id=app["id"]).certificate_pem == pem
