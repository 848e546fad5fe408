"""The outside systems over real HTTP: the simulators run as subprocesses on loopback ports (root
conftest), E-licensing reaches them through its adapters, and the tests drive the branches through the API.

Registry found / not found (unknown, deceased, liquidated) / unavailable; payment paid / not paid /
declined / late callback / duplicate callback / forged callback, for S1 and S3; a simulator killed
mid-request and restarted: the request ends completed once, not twice and not lost."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command
from django.test import Client

from applications.tests.journeys import (
    FORMS,
    _http,
    create,
    decide,
    deliver_callbacks,
    fill,
    history_kinds,
    open_kinds,
    pay,
    payer,
    portal_until_registered,
    sign,
    staff_until_registered,
    unknown_iin,
    webhooks,
)
from conftest import COMPANY, REGISTRY
from integrations import adapters
from integrations.adapters import AdapterUnavailable
from integrations.models import ExchangeLog, Payment
from workflow.models import WorkTask

DECEASED = next(p for p in REGISTRY._individuals.values() if p["status"] == "deceased")
LIQUIDATED = next(c for c in REGISTRY._entities.values() if c.get("status") == "liquidated")


@pytest.fixture
def fast_retries(settings):
    """A waiting step is due again at once, and a payment without callback is polled at once."""
    settings.ELICENSE_WAITING_RETRY_BASE = 0
    settings.ELICENSE_PAYMENT_RECONCILE_AFTER = 0


def events(api, app, kind):
    return [e for e in api.get(f"/applications/{app['id']}/history") if e["kind"] == kind]


def staff_entered(officer, service, sub_kind, **identity):
    app = create(officer, service, sub_kind, channel="staff")
    officer.put(f"/applications/{app['id']}/form", {"data": FORMS[(service, sub_kind)], "version": app["form_version"]})
    return officer.post(f"/applications/{app['id']}/applicant", identity)


def finish_staff(officer, app, documents=("application", "qualification-evidence")):
    for code in documents:
        officer.upload(app["id"], code, is_scan=True)
    body = {"documents_presented": list(documents)}
    if app["service"] in ("S1", "S3"):  # a paid service: the fee paid at a bank, confirmed with the gateway
        from applications.tests.journeys import pay_at_bank

        payer = app["applicant_bin"] or app["applicant_iin"]
        body.update(payer=payer, payment_reference=pay_at_bank(app["service"], app["sub_kind"], payer)["reference"])
    app = officer.post(f"/applications/{app['id']}/scans", body)
    assert app["status"] == "registered", app
    return decide(officer, app)


# -- the wire: signatures both ways --------------------------------------------------------
def test_simulators_refuse_unsigned_and_forged_requests(simulators):
    url = f"{simulators['registry'].url}/v1/individuals/{COMPANY['head_iin']}"
    for headers in ({}, {"X-Correlation-Id": "c", "X-Timestamp": str(int(time.time())), "X-Signature": "0" * 64}):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5)
        assert err.value.code == 401


def test_wrong_secret_is_rejected_without_retry(world, settings):
    settings.ELICENSE_REGISTRY_SECRET = "not-the-registry-secret"
    with pytest.raises(AdapterUnavailable):
        adapters.registry().individual(COMPANY["head_iin"])
    outcomes = list(ExchangeLog.objects.values_list("outcome", "status_code"))
    assert outcomes == [("rejected", 401)]  # not retried: the credentials are wrong, not the network


def test_answer_with_a_wrong_signature_is_not_believed(world, monkeypatch):
    from integrations import exchange

    monkeypatch.setattr(exchange, "response_mac", lambda *args: "f" * 64)  # what we expect ≠ what was signed
    with pytest.raises(AdapterUnavailable):
        adapters.registry().individual(COMPANY["head_iin"])
    assert list(ExchangeLog.objects.values_list("outcome", "status_code")) == [("bad_signature", 200)] * 2


def test_registry_adapter_outcomes_and_exchange_log(world, simulators):
    registry = adapters.registry()
    person = registry.individual(COMPANY["head_iin"])
    assert person.found and person.data["iin"] == COMPANY["head_iin"] and person.unusable_reason == ""
    assert registry.individual(unknown_iin()).status == "not_found"
    assert registry.individual(DECEASED["iin"]).unusable_reason == "deceased"
    assert registry.legal_entity(LIQUIDATED["bin"]).unusable_reason == "liquidated"
    branch = registry.legal_entity(COMPANY["branches"][0]["bin"])
    assert branch.found and branch.data["head_office_bin"] == COMPANY["bin"]
    rows = list(ExchangeLog.objects.all())
    assert [r.outcome for r in rows] == ["ok", "not_found", "ok", "ok", "ok"]
    assert all(r.direction == "out" and r.system == "registry" and len(r.correlation_id) == 36 for r in rows)
    assert len({r.correlation_id for r in rows}) == 5
    # The simulator logged the same exchanges on its side, by correlation id.
    logged = [json.loads(line) for line in simulators["registry"].log.read_text().splitlines()]
    assert {r.correlation_id for r in rows} <= {entry["correlation_id"] for entry in logged}
    simulators["registry"].kill()
    with pytest.raises(AdapterUnavailable):
        registry.individual(COMPANY["head_iin"])
    # Idempotent lookup: tried 1 + ELICENSE_ADAPTER_RETRIES times under one correlation id.
    failed = list(ExchangeLog.objects.filter(outcome="unavailable"))
    assert [r.attempt for r in failed] == [1, 2] and len({r.correlation_id for r in failed}) == 1


# -- registry: staff channel P4/P5 and prefill ------------------------------------------------
def test_staff_registry_found_prefills_the_applicant(world):
    officer = world.api["committee_officer"]
    app = staff_entered(officer, "S1", "issue", bin=COMPANY["bin"], iin=COMPANY["head_iin"])
    assert open_kinds(app) == ["attach_scans"] and app["applicant_name"] == COMPANY["name"]
    (looked_up,) = events(officer, app, "registry_looked_up")
    assert looked_up["data"] == {"status": "found", "reason": "", "register": "legal_entities"}
    exchange = officer.get(f"/applications/{app['id']}/exchanges")
    assert [(e["system"], e["operation"], e["outcome"]) for e in exchange] == [("registry", "legal_entity", "ok")]
    assert exchange[0]["response_body"]["name"] == COMPANY["name"]


@pytest.mark.parametrize("identity,reason", [
    (lambda: {"iin": unknown_iin()}, "not_found"),
    (lambda: {"iin": DECEASED["iin"]}, "deceased"),
    (lambda: {"bin": LIQUIDATED["bin"], "iin": LIQUIDATED["head_iin"]}, "liquidated"),
])
def test_staff_registry_data_cannot_be_obtained(world, identity, reason):
    officer = world.api["committee_officer"]
    app = staff_entered(officer, "S1", "issue", **identity())
    assert app["status"] == "refused" and app["refusal_step"] == "P5"
    assert app["refusal_reason"] == "registry_data_unavailable" and app["refusal_details"] == [reason]
    (looked_up,) = events(officer, app, "registry_looked_up")
    assert looked_up["data"]["reason"] == reason


def test_portal_request_is_prefilled_from_the_registry(world, simulators):
    api = world.api["company_head"]
    app = create(api, "S1", "issue")
    (prefill,) = events(api, app, "registry_prefill")
    assert prefill["data"] == {"status": "found", "reason": ""} and app["applicant_name"] == COMPANY["name"]
    simulators["registry"].kill()
    app = create(api, "S3", "assignment")  # the registry down does not stop the applicant
    assert open_kinds(app) == ["fill"]
    assert events(api, app, "registry_prefill")[0]["data"] == {"status": "unavailable", "system": "registry"}


STAFF = {"S1": ("committee_officer", "issue", ("application", "qualification-evidence"), "licence"),
         "S3": ("inspection_officer", "assignment", ("application", "technical-data"), "permit")}


@pytest.mark.parametrize("service", ["S1", "S3"])
def test_staff_registry_unavailable_waits_and_resumes_once(world, simulators, fast_retries, service):
    officer_name, sub_kind, documents, result = STAFF[service]
    officer = world.api[officer_name]
    simulators["registry"].kill()
    app = staff_entered(officer, service, sub_kind, iin=COMPANY["head_iin"])
    # The action succeeded; the request visibly waits for the registry; nothing is lost.
    assert app["status"] == "draft" and open_kinds(app) == []
    assert app["waiting"]["system"] == "registry" and app["waiting"]["attempts"] == 1
    assert "registry" in app["waiting"]["message"] or app["waiting"]["message"]
    (waiting,) = events(officer, app, "waiting")
    assert waiting["step"] == "P4" and waiting["data"]["system"] == "registry"
    call_command("process_waiting", verbosity=0)  # still down: waits again, one more attempt
    app = officer.get(f"/applications/{app['id']}")
    assert app["waiting"]["attempts"] == 2 and len(events(officer, app, "waiting")) == 2
    simulators["registry"].start()
    call_command("process_waiting", verbosity=0)
    app = officer.get(f"/applications/{app['id']}")
    assert app["waiting"] is None and open_kinds(app) == ["attach_scans"] and app["applicant_name"]
    call_command("process_waiting", verbosity=0)  # nothing left to do: nothing runs twice
    assert len(events(officer, app, "registry_looked_up")) == 1 and len(events(officer, app, "resumed")) == 1
    app = finish_staff(officer, app, documents)
    assert app["status"] == "completed" and app["result_kind"] == result
    assert history_kinds(officer, app).count("result_issued") == 1
    assert WorkTask.objects.filter(application_id=app["id"], step="P4").count() == 1


def test_registry_killed_mid_request_then_restarted_completes_once(world, simulators, fast_retries):
    """The registry dies while E-licensing waits for its answer; it is restarted; the request completes once."""
    officer = world.api["committee_officer"]
    registry = simulators["registry"]
    registry.control("config", {"delay_ms": 3000})  # the answer is on its way…
    killer = threading.Timer(0.3, registry.kill)  # …when the process dies
    killer.start()
    started = time.monotonic()
    app = staff_entered(officer, "S1", "issue", iin=COMPANY["head_iin"])
    killer.join()
    assert time.monotonic() - started < 2.5  # no waiting for the full delay: the connection broke
    assert app["waiting"]["system"] == "registry" and open_kinds(app) == []
    errors = ExchangeLog.objects.filter(application_id=app["id"]).values_list("outcome", flat=True)
    assert set(errors) == {"unavailable"}
    registry.start()  # a fresh process: no delay
    call_command("process_waiting", verbosity=0)
    app = finish_staff(officer, officer.get(f"/applications/{app['id']}"))
    assert app["status"] == "completed"
    kinds = history_kinds(officer, app)
    assert kinds.count("registry_looked_up") == 1 and kinds.count("result_issued") == 1
    assert kinds.index("waiting") < kinds.index("resumed") < kinds.index("registry_looked_up")


# -- payments --------------------------------------------------------------------------------
def s1_at_payment(world):
    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    assert open_kinds(app) == ["pay"]
    return api, app


def s3_at_payment(world):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S3", "assignment")
    app = decide(world.api["inspection_officer"], app)
    assert open_kinds(app) == ["pay"]
    return api, app


AT_PAYMENT = {"S1": s1_at_payment, "S3": s3_at_payment}
PAID_NEXT = {"S1": ("registered", ["choose_certificate"]), "S3": ("completed", [])}
NOT_PAID_STEP = {"S1": "5", "S3": "10"}


@pytest.mark.parametrize("service", ["S1", "S3"])
def test_paid_at_the_gateway(world, service):
    api, app = AT_PAYMENT[service](world)
    payment = api.post(f"/applications/{app['id']}/payment")
    fee = {"S1": None, "S3": 4_325}[service]
    assert fee is None or payment["amount_kzt"] == fee
    app = pay(api, app)
    assert (app["status"] if service == "S3" else "registered") == PAID_NEXT[service][0]
    assert open_kinds(app) == PAID_NEXT[service][1]
    (checked,) = events(api, app, "payment_checked")
    assert checked["data"]["status"] == "paid"
    (reported,) = events(api, app, "payment_reported")
    assert reported["data"]["source"] == "callback" and reported["data"]["status"] == "paid"
    ops = [(e["operation"], e["direction"], e["outcome"]) for e in api.get(f"/applications/{app['id']}/exchanges")]
    assert ops[-3:] == [("create_payment", "out", "ok"), ("payment_callback", "in", "ok"), ("payment_status", "out", "ok")]


@pytest.mark.parametrize("service", ["S1", "S3"])
def test_declined_at_the_gateway_is_refused_for_non_payment(world, service):
    api, app = AT_PAYMENT[service](world)
    app = pay(api, app, "decline")
    assert app["status"] == "refused" and app["refusal_step"] == NOT_PAID_STEP[service]
    assert app["refusal_reason"] == "not_paid"
    assert events(api, app, "payment_checked")[0]["data"]["status"] == "declined"


@pytest.mark.parametrize("service", ["S1", "S3"])
def test_not_paid_the_step_stays_open_until_paid_or_abandoned(world, service, fast_retries):
    api, app = AT_PAYMENT[service](world)
    payment = api.post(f"/applications/{app['id']}/payment")
    call_command("process_waiting", verbosity=0)  # reconciliation finds the payment still open: nothing moves
    app = api.get(f"/applications/{app['id']}")
    assert open_kinds(app) == ["pay"] and Payment.objects.get(reference=payment["reference"]).status == "created"
    app = api.post(f"/applications/{app['id']}/payment/abandon")
    assert app["status"] == "refused" and app["refusal_step"] == NOT_PAID_STEP[service]
    # Cancelled at the gateway too: the payer can no longer pay it.
    status, body = _http("POST", f"{payment['next_url']}/pay")
    assert status == 409 and body["code"] == "payment_finished"


@pytest.mark.parametrize("service", ["S1", "S3"])
def test_late_callback_after_reconciliation_changes_nothing(world, service, fast_retries):
    api, app = AT_PAYMENT[service](world)
    payment = api.post(f"/applications/{app['id']}/payment")
    payer(payment)  # paid; the callback is late
    call_command("process_waiting", verbosity=0)  # reconciliation polls the gateway and finds it paid
    app = api.get(f"/applications/{app['id']}")
    assert open_kinds(app) == PAID_NEXT[service][1]
    assert events(api, app, "payment_reported")[0]["data"]["source"] == "reconcile"
    before = api.get(f"/applications/{app['id']}/history")
    (late,) = deliver_callbacks(payment)
    assert late["status"] == "no_change"
    assert api.get(f"/applications/{app['id']}/history") == before
    assert ExchangeLog.objects.filter(operation="payment_callback", outcome="duplicate").count() == 1


@pytest.mark.parametrize("service", ["S1", "S3"])
def test_duplicate_callback_changes_nothing(world, service):
    api, app = AT_PAYMENT[service](world)
    payment = api.post(f"/applications/{app['id']}/payment")
    payer(payment)
    assert deliver_callbacks(payment)[0]["status"] == "recorded"
    before = (api.get(f"/applications/{app['id']}/history"), api.get(f"/applications/{app['id']}/tasks"))
    assert [r["status"] for r in deliver_callbacks(payment) + deliver_callbacks(payment)] == ["no_change"] * 2
    assert (api.get(f"/applications/{app['id']}/history"), api.get(f"/applications/{app['id']}/tasks")) == before


@pytest.mark.parametrize("service", ["S1", "S3"])
def test_forged_callback_is_refused_and_changes_nothing(world, service):
    api, app = AT_PAYMENT[service](world)
    payment = api.post(f"/applications/{app['id']}/payment")
    payer(payment)
    before = api.get(f"/applications/{app['id']}/history")
    deliver_callbacks(payment, signature="0" * 64, expect=403)  # wrong HMAC
    deliver_callbacks(payment, signature="", expect=403)  # none
    (hook,) = webhooks(payment)
    tampered = hook["body"].replace('"amount": ', '"amount": 1')  # a changed body under the real signature
    response = Client().post("/api/v1/gateway/callbacks/payments", data=tampered, content_type="application/json",
                             HTTP_PAY_SIGNATURE=hook["signature"])
    assert response.status_code == 403
    assert api.get(f"/applications/{app['id']}/history") == before and open_kinds(api.get(f"/applications/{app['id']}")) == ["pay"]
    assert Payment.objects.get(reference=payment["reference"]).status == "created"
    assert ExchangeLog.objects.filter(outcome="forged").count() == 3
    assert deliver_callbacks(payment)[0]["status"] == "recorded"  # the genuine one still works


def test_gateway_down_when_starting_payment_is_a_clear_503(world, simulators):
    api, app = s1_at_payment(world)
    simulators["payments"].kill()
    response = api._call("post", f"/applications/{app['id']}/payment", {}, expect=503)
    assert response.json()["code"] == "outside_system_unavailable"
    assert open_kinds(api.get(f"/applications/{app['id']}")) == ["pay"] and not Payment.objects.exists()
    exchanges = api.get(f"/applications/{app['id']}/exchanges")
    assert {e["outcome"] for e in exchanges if e["system"] == "payments"} == {"unavailable"}
    simulators["payments"].start()
    assert pay(api, app)["status"] == "draft"  # paid, now at signing


@pytest.mark.parametrize("service", ["S1", "S3"])
def test_gateway_killed_during_status_check_then_restarted_completes_once(world, simulators, service, fast_retries):
    api, app = AT_PAYMENT[service](world)
    payment = api.post(f"/applications/{app['id']}/payment")
    payer(payment)
    hooks = webhooks(payment)
    simulators["payments"].kill()
    for hook in hooks:  # the callback arrives; confirming it at the gateway fails
        assert Client().post("/api/v1/gateway/callbacks/payments", data=hook["body"], content_type="application/json",
                             HTTP_PAY_SIGNATURE=hook["signature"]).status_code == 200
    app = api.get(f"/applications/{app['id']}")
    assert app["waiting"]["system"] == "payments" and open_kinds(app) == []
    assert events(api, app, "waiting")[0]["data"]["operation"] == "payment_status"
    simulators["payments"].start()  # same state file: the payment is still there, paid
    call_command("process_waiting", verbosity=0)
    call_command("process_waiting", verbosity=0)
    app = api.get(f"/applications/{app['id']}")
    assert app["waiting"] is None and open_kinds(app) == PAID_NEXT[service][1]
    kinds = history_kinds(api, app)
    assert kinds.count("payment_checked") == 1 and kinds.count("payment_reported") == 1
    if service == "S1":
        app = sign(world, api, app)
        app = decide(world.api["committee_officer"], app)
    assert app["status"] == "completed" and history_kinds(api, app).count("result_issued") == 1


# -- gateway API details: idempotency, refunds --------------------------------------------------
def test_gateway_create_is_idempotent_and_refunds(world):
    from applications.models import Application

    api, app = s1_at_payment(world)
    gateway = adapters.payments()
    application = Application.objects.get(pk=app["id"])
    first = gateway.create(application, 100, reference="T-1", description="test", idempotency_key="key-T-1")
    again = gateway.create(application, 100, reference="T-1", description="test", idempotency_key="key-T-1")
    assert first.payment_id == again.payment_id and first.status == "created" and first.amount == 100
    payer({"next_url": first.next_url})
    assert gateway.status(first.payment_id).fact == "paid"
    refund = gateway.refund(first.payment_id, 40, idempotency_key="r-1")
    assert gateway.refund(first.payment_id, 40, idempotency_key="r-1") == refund  # the same refund, not two
    assert refund["amount"] == 40 and refund["status"] == "success"


def test_documents_registration_is_idempotent(world):
    documents = adapters.documents()
    first = documents.register_incoming(external_id="x-1", correspondent="c", subject="S2", idempotency_key="k-1")
    again = documents.register_incoming(external_id="x-1", correspondent="c", subject="S2", idempotency_key="k-1")
    other = documents.register_incoming(external_id="x-2", correspondent="c", subject="S2", idempotency_key="k-2")
    assert first == again and other.number != first.number and first.number.startswith("INC-")


# -- who sees the exchange log ------------------------------------------------------------------
def test_exchange_log_visibility_follows_the_request(world):
    api, app = s1_at_payment(world)
    api.post(f"/applications/{app['id']}/payment")
    assert api.get(f"/applications/{app['id']}/exchanges")
    # Not submitted yet: the request (and so its exchanges) is the applicant's alone (least privilege).
    world.api["committee_officer"].get(f"/applications/{app['id']}/exchanges", expect=404)
    world.api["company_head"].get(f"/applications/{app['id']}/exchanges", expect=404)
    world.api["inspection_officer"].get(f"/applications/{app['id']}/exchanges", expect=404)
    paper = staff_until_registered(world.api["committee_officer"], "S1", "issue")  # the provider's own: it sees them
    assert [e["system"] for e in world.api["committee_officer"].get(f"/applications/{paper['id']}/exchanges")]
    entry = api.get(f"/applications/{app['id']}/exchanges")[-1]
    assert "secret" not in json.dumps(entry).lower() and "signature" not in json.dumps(entry["request_body"]).lower()
