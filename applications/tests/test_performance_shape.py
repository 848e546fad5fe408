"""The hot path's database work stays small and constant: the signed
submission (signature → registration) costs the same number of queries
whatever the history length, and the engine state is written once."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.tests.journeys import create, fill, pay
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
