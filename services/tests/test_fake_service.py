"""Adding a service means adding a folder: a fake sixth service (S6, services/tests/fake_service/) that exists
only in this test folder, made known with services.registry.registered(), goes end to end through the API
(portal: create, fill, certificate, signature, the Committee's decision → a signed permit with its own
layout, a registry record with its scope, the history of its own definition's steps). Outside the block
the service is unknown again and the four real services are as they were."""
import datetime
import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from applications.tests.journeys import create, decide, open_kinds, sign, step_sequence
from documents.signing import FIELD_NAME, validation_context
from documents.tests.helpers import document_of, download, squeeze, text_of
from registry.models import Record
from services import registry
from services.reference_data import load_service_reference_data
from services.tests.fake_service import layouts
from services.tests.fake_service.service import SERVICE
from workflow import definitions

REAL = ["S1", "S2", "S3", "S4"]
FORM = {"call_sign": "UN7ABC", "place": "Астана, ул. Сығанақ, 6"}
FAKE_FILE = SERVICE.definitions_dir / "portal-2026.bpmn"
FAKE_DAY = datetime.date(2026, 6, 1)
FAKE_STEPS = ["T1", "T3", "T4", "T6", "T7", "T9"]


def real_state():
    return ([(s.code, s.package, s.result_kind) for s in registry.all_services()], registry.definition_dirs(),
            definitions.iter_definition_files())


def test_the_fake_definition_validates_and_parses():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(FAKE_FILE))
    assert parser.get_spec("S6_portal_2026") is not None
    meta = definitions.definition_metadata(FAKE_FILE)
    assert (meta["service"], meta["channel"], meta["version"], meta["valid_from"]) == ("S6", "portal", "2026", "2026-01-01")


def test_a_sixth_service_defined_only_in_a_test_folder_runs_end_to_end(world):
    before = real_state()
    assert [code for code, *_ in before[0]] == REAL and FAKE_FILE not in before[2]
    api = world.api["person"]

    with registry.registered(SERVICE):
        load_service_reference_data(SERVICE)
        assert [s.code for s in registry.all_services()] == REAL + ["S6"]
        assert FAKE_FILE in definitions.iter_definition_files()

        # Portal: create (T1 authorisation check passes) → fill → certificate → signature → registered (T7).
        app = create(api, "S6", "club")
        assert app["status"] == "draft" and open_kinds(app) == ["fill"], app
        assert app["process_id"] == "S6_portal_2026" and app["version"] == "2026"
        assert app["provider_unit"] == "committee" and app["region"] is None
        app = api.put(f"/applications/{app['id']}/form", {"data": FORM, "version": app["form_version"]})
        api.upload(app["id"], "application")
        app = api.post(f"/applications/{app['id']}/fill")
        assert open_kinds(app) == ["choose_certificate"], app  # free of charge: no pay step
        app = sign(world, api, app)
        assert app["status"] == "registered" and app["number"], app
        assert open_kinds(app) == ["decide"]

        # The Committee's officer decides; the Inspection does not see it.
        assert world.api["inspection_officer"].get("/applications/queue") == []
        officer = world.api["committee_officer"]
        assert [t["action_kind"] for t in officer.get("/applications/queue")] == ["decide"]
        app = decide(officer, app)
        assert app["status"] == "completed" and app["result_kind"] == "permit", app
        doc = document_of(app, "permit")

        # The result: a signed PDF (PAdES, intact and trusted) laid out by the fake service's own layout.
        pdf = download(api, app["id"], doc["number"])
        assert pdf.startswith(b"%PDF")
        signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures  # the officer's, then the document timestamp
        (signature,) = [s for s in signatures if s.field_name == FIELD_NAME]
        status = validate_pdf_signature(signature, validation_context())
        assert status.bottom_line and status.intact and status.valid and status.trusted, status.pretty_print_details()
        text = squeeze(text_of(pdf))
        for expected in (*layouts.TITLE, "Позывной", FORM["call_sign"], FORM["place"], doc["number"]):
            assert squeeze(expected) in text, (expected, text_of(pdf)[:2000])

        # The registry record, with the fake service's scope.
        record = Record.objects.get(number=doc["number"])
        assert (record.service, record.kind, record.status) == ("S6", "permit", Record.Status.VALID)
        assert record.scope == {**FORM, "sub_kind": "club"}
        assert officer.get(f"/registry/records/{doc['number']}")["scope"] == record.scope
        public = officer.get(f"/registry/public/{doc['number']}")
        assert public["found"] and public["valid"] and public["record"]["service"] == "S6"
        assert public["record"]["scope_text"] == "UN7ABC, Астана, ул. Сығанақ, 6"
        assert public["record"]["scope"] == record.scope  # the fake service publishes its whole scope

        # The history: the steps of the fake definition, and its nodes.
        history = api.get(f"/applications/{app['id']}/history")
        fake_nodes = set(definitions.read_definition(FAKE_FILE).nodes)
        assert {e["bpmn_id"] for e in history if e["bpmn_id"]} <= fake_nodes
        assert {"login", "fill", "choose_certificate", "certificate_check", "sign", "signature_check", "register",
                "decide", "result"} <= {e["bpmn_id"] for e in history}
        steps = [e["step"] for e in history if e["step"]]
        assert [s for i, s in enumerate(steps) if i == 0 or s != steps[i - 1]] == FAKE_STEPS
        assert step_sequence(api, app) == FAKE_STEPS

    # Outside the block S6 is unknown again, and the real services are as they were.
    response = api._call("post", "/applications", {"service": "S6", "sub_kind": "club", "channel": "portal"},
                         expect=422)
    assert response.json()["code"] == "unknown_service"
    assert registry.find("S6") is None and definitions.definition_for("S6", "portal", FAKE_DAY) is None
    assert real_state() == before
    app = create(api, "S4", "device")
    assert app["process_id"] == "S4_portal_2026" and open_kinds(app) == ["fill"]

