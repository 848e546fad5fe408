"""The hot path's database work stays small and constant: the signed
submission (signature → registration) costs the same number of queries
whatever the history length, and the engine state is written once."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.tests.journeys import create, decide, fill, office_until_decision, pay, portal_until_registered
from integrations.pki import cert_pem


def _signed_submission_queries(world, api):
    app = pay(api, fill(api, create(api, "S1", "issue"), "S1", "issue"))
    cert = world.certificate(world.person)
    api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()})
    cms = world.sign_payload(api, app["id"], cert)
    with CaptureQueriesContext(connection) as ctx:
        app = api.post(f"/applications/{app['id']}/signature", {"cms_b64": cms})
    assert app["status"] == "registered"
    return [q["sql"] for q in ctx.captured_queries]


def test_signed_submission_query_count_is_small_and_constant(world):
    api = world.api["person"]
    _signed_submission_queries(world, api)  # the year's first number creates its counter row
    first = _signed_submission_queries(world, api)
    second = _signed_submission_queries(world, api)
    assert len(first) == len(second)
    assert len(first) <= 25, "\n".join(first)
    state_writes = [q for q in first if 'UPDATE "workflow_processinstance"' in q]
    assert len(state_writes) == 1


def _statements(ctx) -> list[str]:
    """The statements of a request, less the savepoints that exist only because each test runs in a
    transaction (in production the action's transaction is the request's own)."""
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_one_call_chooses_the_certificate_and_signs_in_at_most_15_queries(world, settings):
    """Steps 6 and 8 in one HTTP call (the CMS carries its certificate, as NCALayer's does): the same
    history as two calls, and a small constant number of queries, the answer built from the locked row."""
    settings.ELICENSE_TRUST_REFRESH_SECONDS = 3600  # as in production: the trust store's version is not asked per check
    api = world.api["person"]
    counts = []
    for _ in range(3):
        app = fill(api, create(api, "S2", "allocate"), "S2", "allocate")
        assert [t["action_kind"] for t in app["open_tasks"]] == ["choose_certificate"]
        cms = world.sign_payload(api, app["id"], world.certificate(world.person))
        with CaptureQueriesContext(connection) as ctx:
            app = api.post(f"/applications/{app['id']}/signature", {"cms_b64": cms})
        assert app["status"] == "registered" and app["number"], app
        assert [t["lane"] for t in app["open_tasks"]] == ["head"]  # registered: the office's work begins (2015)
        statements = _statements(ctx)
        counts.append(len(statements))
        history = api.get(f"/applications/{app['id']}/history")
        kinds = [(e["kind"], e["bpmn_id"]) for e in history]
        expected = [("step_open", "choose_certificate"), ("step_done", "choose_certificate"),
                    ("certificate_checked", "certificate_check"), ("step_open", "sign"), ("step_done", "sign"),
                    ("signature_verified", "signature_check"), ("registered", "register")]
        assert [k for k in kinds if k in expected] == expected, kinds
    assert counts[1] == counts[2], counts  # constant (the first may create the year's counter row)
    # 11: the token; the request locked with its visibility (and whether it has documents yet); its open tasks;
    # the attachments the signed content names; the signature; the task done; the registration number; the
    # state; new tasks; history; the request's row. The bound is 15.
    assert counts[2] <= 11, "\n".join(statements)


def test_an_actions_answer_lists_the_documents_a_fresh_read_does(world):
    """The answer of an action on a request with no documents yet lists those its run issued, without reading
    them again: the same list as a fresh read, both before any is issued and when the decision issues one."""
    api = world.api["person"]
    app = portal_until_registered(world, api, "S2", "allocate")
    assert app["documents"] == api.get(f"/applications/{app['id']}")["documents"] == []
    app = office_until_decision(world, app)
    app = decide(world.api["executor"], app, "approve", sign=False)  # 2015: the executor's draft, no document yet
    assert app["documents"] == api.get(f"/applications/{app['id']}")["documents"] == []
    head = world.api["head"]
    head.choose_certificate()
    answer = head.post(f"/applications/{app['id']}/result-signature")  # step 6: the order is issued
    fresh = api.get(f"/applications/{app['id']}")["documents"]
    assert [d["kind"] for d in answer["documents"]] == ["order"] and answer["documents"] == fresh


def test_the_engine_state_is_stored_without_the_definition(world):
    """The process state holds the tasks and data, not the parsed BPMN: that is the definition's, parsed once
    per process. A state stored with its spec (as SpiffWorkflow writes it by default) still loads."""
    import gzip
    import json

    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

    from applications.models import Application
    from workflow import engine

    api = world.api["person"]
    app = fill(api, create(api, "S2", "allocate"), "S2", "allocate")
    application = Application.objects.select_related("process", "definition").get(pk=app["id"])
    stored = json.loads(gzip.decompress(bytes(application.process.state)))
    assert "spec" not in stored and stored["tasks"]
    run, _instance = engine.load(application, None)
    with_spec = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG)).serialize_json(
        run.workflow, use_gzip=True)
    assert len(with_spec) > 2 * len(bytes(application.process.state))
    restored = engine._load_state(with_spec, run.definition.spec)
    assert [t.task_spec.name for t in restored.get_tasks()] == [t.task_spec.name for t in run.workflow.get_tasks()]
