"""Steps of the journeys, spoken through the API, shared by the service tests."""
import contextlib
import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
from unittest import mock

from workdays.calendar import ALMATY, END_OF_WORKING_DAY, add_calendar_days, add_working_days, next_working_day

FORMS = {
    ("S1", "issue"): {"subtypes": ["cellular"], "territory": "Republic of Kazakhstan"},
    ("S1", "reissue"): {"licence_number": "LIC-2026-000001", "reason": "address", "new_address": "Астана, ул. Бейбітшілік, 1"},
    ("S1", "duplicate"): {"licence_number": "LIC-2026-000001", "reason": "lost"},
    ("S2", "allocate"): {"resource_kind": "geographic", "range_start": "7172500000", "range_end": "7172509999",
                         "purpose": "fixed telephony in Astana"},
    ("S2", "assign"): {"numbers": [{"number": "1414"}], "purpose": "information service"},
    ("S2", "withdraw"): {"resource_kind": "geographic", "range_start": "7172500000", "range_end": "7172500999",
                         "purpose": "return of unused numbers", "order_number": "ORD-2025-000007"},
    ("S3", "assignment"): {"region": "almaty-city", "radio_service": "mobile",
                           "bands": [{"low_mhz": "2500", "high_mhz": "2510"}],
                           "station_address": "Алматы, ул. Абая, 150", "latitude": "43.238", "longitude": "76.889",
                           "eirp_dbw": "17", "antenna_height_m": "30", "polarisation": "vertical"},
    ("S4", "device"): {"region": "almaty-city", "devices": [{"device_type": "radio receiver", "model": "RX-900",
                                                              "serial": "SN12345"}],
                       "location_address": "Алматы, ул. Абая, 150"},
    ("S4", "hf_device"): {"region": "almaty-city", "devices": [{"device_type": "industrial HF heater", "model": "HF-27",
                                                                 "serial": "HF0001", "frequency_mhz": "27.12"}],
                          "location_address": "Алматы, ул. Абая, 150"},
}
DOCUMENTS = {
    ("S1", "issue"): ["application", "qualification-evidence"],
    ("S1", "reissue"): ["application", "change-evidence"],
    ("S1", "duplicate"): ["application"],
    ("S2", "allocate"): ["application", "numbering-justification"],
    ("S2", "assign"): ["application"],
    ("S2", "withdraw"): ["application"],
    ("S3", "assignment"): ["application", "technical-data"],
    ("S4", "device"): ["application", "device-certificate"],
    ("S4", "hf_device"): ["application", "device-certificate"],
}


def open_kinds(app):
    return sorted(t["action_kind"] for t in app["open_tasks"])


def create(api, service, sub_kind, channel="portal", expect=201, **extra):
    body = {"service": service, "sub_kind": sub_kind, "channel": channel, **extra}
    if service in ("S3", "S4") and "region" not in body:
        body["region"] = "almaty-city"
    return api.post("/applications", body, expect=expect)


def fill(api, app, service, sub_kind):
    """Step 3: the applicant fills the form, attaches the documents and finishes."""
    app = api.put(f"/applications/{app['id']}/form", {"data": FORMS[(service, sub_kind)], "version": app["form_version"]})
    for code in DOCUMENTS[(service, sub_kind)]:
        api.upload(app["id"], code)
    return api.post(f"/applications/{app['id']}/fill")


def pay(api, app, outcome="pay"):
    """The applicant starts the payment, pays (or declines) at the gateway simulator's payer page, and the
    gateway's signed callback reaches E-licensing."""
    payment = api.post(f"/applications/{app['id']}/payment")
    assert payment["status"] == "created" and payment["next_url"], payment
    payer(payment, outcome)
    deliver_callbacks(payment)
    sign_documents(api, app)  # S3: the permit issued on payment awaits the inspector who decided
    return api.get(f"/applications/{app['id']}")


def _http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def payer(payment, outcome="pay"):
    """The payer at the gateway's page (over HTTP): opens it, then pays or declines."""
    assert _http("GET", payment["next_url"])[0] == 200
    status, body = _http("POST", f"{payment['next_url']}/{outcome}")
    assert status == 200, body
    return body


def pay_at_bank(service, sub_kind, payer, amount=None, **extra) -> dict:
    """A person pays a service's fee at a bank (not through the portal): the payment reaches the gateway
    simulator finished and paid, over HTTP (its /_sim/bank-payments). ``amount`` defaults to the service's fee."""
    from django.conf import settings

    from services.models import Fee

    if amount is None:
        amount = Fee.objects.filter(service=service, sub_kind=sub_kind).order_by("-valid_from").first().amount_kzt
    status, body = _http("POST", f"{settings.ELICENSE_PAYMENTS_URL}/_sim/bank-payments", {
        "amount": amount, "payer": payer, "service": service, "sub_kind": sub_kind, **extra})
    assert status == 201, body
    return body


def webhooks(payment) -> list[dict]:
    """The callbacks the gateway simulator has queued for this payment (body + Pay-Signature)."""
    parts = urllib.parse.urlsplit(payment["next_url"])
    _, body = _http("GET", f"{parts.scheme}://{parts.netloc}/_sim/webhooks")
    return [w for w in body["webhooks"] if w["resource_id"] == payment["gateway_id"]]


def deliver_callbacks(payment, signature=None, expect=200):
    """Deliver the gateway's callbacks for the payment to E-licensing's callback endpoint, as the gateway
    would (the test process relays them: the test database is only reachable through the test client)."""
    from django.test import Client

    responses = []
    for webhook in webhooks(payment):
        response = Client().post("/api/v1/gateway/callbacks/payments", data=webhook["body"],
                                 content_type="application/json",
                                 HTTP_PAY_SIGNATURE=webhook["signature"] if signature is None else signature)
        assert response.status_code == expect, response.content
        responses.append(response.json())
    return responses


def sign(w, api, app, cert=None, user=None):
    cert = cert or w.certificate(user or api.user)
    from integrations.pki import cert_pem

    app = api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()})
    if app["status"] == "refused":
        return app
    return api.post(f"/applications/{app['id']}/signature", {"cms_b64": w.sign_payload(api, app["id"], cert)})


def bad_certificate(w, problem):
    """A certificate the step-C3 check refuses: expired, revoked, or someone else's."""
    from integrations import pki as demo_pki

    if problem == "expired":
        now = w.pki.now
        return w.certificate(w.person, not_before=now - datetime.timedelta(days=400),
                             not_after=now - datetime.timedelta(days=1))
    if problem == "revoked":
        cert = w.certificate(w.person)
        demo_pki.revoke(w.pki, cert)
        return cert
    return w.certificate(w.company_head, role="first_head")  # someone else's certificate


def sign_tampered(w, api, app):
    """The applicant's certificate passes the check, but the signature covers other bytes than the request's."""
    import base64

    from integrations.pki import cert_pem
    from integrations.signatures import sign_detached

    cert = w.certificate(w.person)
    app = api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()})
    assert open_kinds(app) == ["sign"]
    cms = base64.b64encode(sign_detached(b'{"something":"else"}', cert, w.key)).decode()
    return api.post(f"/applications/{app['id']}/signature", {"cms_b64": cms})


def portal_until_registered(w, api, service, sub_kind):
    app = create(api, service, sub_kind)
    assert open_kinds(app) == ["fill"]
    app = fill(api, app, service, sub_kind)
    if service == "S1":
        assert open_kinds(app) == ["pay"]
        app = pay(api, app)
    assert open_kinds(app) == ["choose_certificate"]
    app = sign(w, api, app)
    assert app["status"] == "registered", app
    return app


def history_kinds(api, app):
    return [e["kind"] for e in api.get(f"/applications/{app['id']}/history")]


def deadline_days(app):
    """Calendar days from the day of registration to the deadline's day, both as days in Almaty."""
    return (local_date(app["deadline_at"]) - local_date(app["registered_at"])).days


# -- staff channel (diagram 2) ---------------------------------------------------------
def staff_until_registered(officer, service, sub_kind, iin=None):
    """P3 and P6: the officer enters the applicant and the form, then marks and scans the paper documents."""
    from conftest import PERSON

    app = create(officer, service, sub_kind, channel="staff")
    assert app["status"] == "draft" and open_kinds(app) == ["enter_application"], app
    app = officer.put(f"/applications/{app['id']}/form", {"data": FORMS[(service, sub_kind)], "version": app["form_version"]})
    app = officer.post(f"/applications/{app['id']}/applicant", {"iin": iin or PERSON["iin"]})
    assert open_kinds(app) == ["attach_scans"] and app["applicant_name"], app
    documents = DOCUMENTS[(service, sub_kind)]
    for code in documents:
        officer.upload(app["id"], code, is_scan=True)
    body = {"documents_presented": documents}
    if service in ("S1", "S3"):  # a paid service: the fee paid at a bank, confirmed with the gateway (P6)
        payer_id = iin or PERSON["iin"]
        body.update(payer=payer_id, payment_reference=pay_at_bank(service, sub_kind, payer_id)["reference"])
    app = officer.post(f"/applications/{app['id']}/scans", body)
    assert app["status"] == "registered", app
    return app


def unknown_iin():
    """A well-formed IIN that the Individuals registry does not know."""
    from core.identifiers import complete

    return complete("99010130000") or complete("99010130001")


# -- inside the provider (2015 regulation, §6) ----------------------------------------------
def office_until_decision(w, app, executor=None):
    """Steps 3 and 4: the head assigns the unit, the unit head assigns the responsible executor."""
    executor = executor or w.executor
    assert open_kinds(app) == ["assign_unit"], app
    app = w.api["head"].post(f"/applications/{app['id']}/unit-assignment")
    assert open_kinds(app) == ["assign_executor"], app
    app = w.api["unit_head"].post(f"/applications/{app['id']}/executor-assignment", {"executor_id": executor.pk})
    assert open_kinds(app) == ["decide"], app
    (task,) = app["open_tasks"]
    assert task["assignee_id"] == executor.pk and task["lane"] == "executor"
    return app


def checklist(service: str, not_met=()) -> dict:
    """Every item of the service's qualification checklist answered: met, except those in ``not_met``."""
    from services.models import QualificationRequirement

    codes = QualificationRequirement.objects.filter(service=service).values_list("code", flat=True)
    return {code: "not_met" if code in not_met else "met" for code in codes}


def decision_body(app, decision="approve", not_met=(), missing=(), comment="") -> dict:
    return {"decision": decision, "checklist": checklist(app["service"], not_met), "documents_missing": list(missing),
            "comment": comment}


def decide(api, app, decision="approve", not_met=(), missing=(), comment="", expect=200, choose=True, sign=True,
           **kw):
    """The officer's decision through the API, as an officer makes it: the certificate chosen, then every
    item of the checklist answered (``not_met`` the items that fail); then (``sign``) the officer signs the
    documents it issued with their own EDS."""
    if choose and api.user is not None and api.user.kind == "officer" and not getattr(api, "chosen", False):
        api.choose_certificate()
        api.chosen = True
    answer = api.post(f"/applications/{app['id']}/decision", decision_body(app, decision, not_met, missing, comment),
                      expect=expect, **kw)
    if expect == 200 and through_hearing(app["id"]):  # a 2026 definition: the refusal was only intended
        answer = api.post(f"/applications/{app['id']}/decision", decision_body(app, decision, not_met, missing, comment),
                          **kw)
    return signed(api, answer) if expect == 200 and sign else answer


def through_hearing(application_id, text="I disagree with the intended refusal.") -> bool:
    """The preliminary hearing of a 2026 definition (docs/refusals.md): if the decision just taken opened it
    (a refusal intended), the applicant answers through the action, and the officer's decision opens again.
    False when no hearing is open (an approval, or a definition without one)."""
    from applications.models import Application
    from hearings import actions as hearings
    from workflow.models import WorkTask

    if not WorkTask.objects.filter(application_id=application_id, state=WorkTask.State.OPEN,
                                   action_kind="answer_hearing").exists():
        return False
    hearings.answer(application_id, Application.objects.get(pk=application_id).applicant_user, text=text)
    return True


def sign_documents(api, app) -> list[str]:
    """The officers sign the request's documents awaiting their signatures (each with their own test-held EDS,
    through the API: GET the prepared bytes, POST the detached CMS)."""
    world = getattr(api, "world", None)
    return world.sign_pending(app["id"]) if world is not None else []


def signed(api, app):
    """``app`` after its officers have signed the documents the step issued (re-read if any was signed)."""
    if sign_documents(api, app):
        return api.get(f"/applications/{app['id']}")
    return app


def choose_as(world, officer, cert=None):
    """The officer chooses their certificate through the action itself: signs a challenge with the test-held key."""
    from documents import actions as documents
    from integrations.signatures import sign_detached

    challenge = documents.issue_challenge(officer)
    cms = sign_detached(documents.challenge_bytes(challenge), cert or world.officer_certificate(officer), world.key)
    return documents.choose_office_certificate(officer, challenge, cms)


def decide_as(world, officer, application_id, decision="approve", not_met=(), comment=""):
    """The decision through the action itself (as a page or a command makes it): the officer chooses their
    certificate, then answers every item of the checklist."""
    from applications import actions
    from applications.models import Application

    choose_as(world, officer)
    service = Application.objects.get(pk=application_id).service
    app = actions.decide(application_id, officer, decision=decision, checklist=checklist(service, not_met),
                         comment=comment)
    if through_hearing(application_id):  # a 2026 definition: the refusal was only intended
        app = actions.decide(application_id, officer, decision=decision, checklist=checklist(service, not_met),
                             comment=comment)
    sign_as(world, officer, application_id)
    return app


def sign_as(world, officer, application_id) -> list[str]:
    """The officer signs, through the actions themselves, the request's documents awaiting their signature
    (the prepared bytes, a detached CMS made with the test-held key, as NCALayer makes it)."""
    from applications.models import ResultDocument
    from documents import actions as documents
    from integrations.signatures import sign_detached

    if not documents.chosen_serial(officer):
        choose_as(world, officer)
    cert = documents.office_certificate(officer)
    numbers = []
    for document in ResultDocument.objects.filter(application_id=application_id, signer=officer, pdf_sha256=""):
        _session, payload = documents.signing_request(document, officer)
        documents.sign_document(document, officer, sign_detached(payload, cert, world.key))
        numbers.append(document.number)
    return numbers


def office_decides(w, app, decision, reasons=(), executor_api=None):
    """Step 5 (the executor's check) and step 6 (the head signs and sends the result)."""
    executor_api = executor_api or w.api["executor"]
    missing = [r.removeprefix("missing:") for r in reasons if r.startswith("missing:")]
    app = decide(executor_api, app, decision, not_met=[r for r in reasons if not r.startswith("missing:")],
                 missing=missing)
    # The executor's draft is not the result yet: the head signs it (step 6).
    assert app["status"] == "registered" and open_kinds(app) == ["sign_result"], app
    assert app["documents"] == [] or all(d["kind"] in ("receipt",) for d in app["documents"]), app
    return sign_result(w.api["head"], app)


def sign_result(api, app, expect=200, **kw):
    """The head signs the result, with the certificate chosen."""
    if api.user is not None and api.user.kind == "officer" and not getattr(api, "chosen", False):
        api.choose_certificate()
        api.chosen = True
    answer = api.post(f"/applications/{app['id']}/result-signature", expect=expect, **kw)
    return signed(api, answer) if expect == 200 else answer


# -- deadlines --------------------------------------------------------------------------------
def local_date(iso: str) -> datetime.date:
    return datetime.datetime.fromisoformat(iso).astimezone(ALMATY).date()


def expected_due(registered_iso: str, days: int, unit: str) -> datetime.datetime:
    """The end (18:00 Almaty) of the `days`-th calendar or working day after the day of receipt; a calendar
    count ending on a day off ends on the next working day."""
    received = local_date(registered_iso)
    last = add_working_days(received, days) if unit == "working" else next_working_day(add_calendar_days(received, days))
    return datetime.datetime.combine(last, END_OF_WORKING_DAY, tzinfo=ALMATY)


def assert_deadline(app, days: int, unit: str):
    assert app["registered_at"] and app["received_at"], app
    # received (at the PSC) no later than registered
    assert datetime.datetime.fromisoformat(app["received_at"]) <= datetime.datetime.fromisoformat(app["registered_at"])
    assert datetime.datetime.fromisoformat(app["deadline_at"]) == expected_due(app["received_at"], days, unit), (
        app["received_at"], app["deadline_at"], days, unit)


# -- no payment in S2 / S4 --------------------------------------------------------------------
def assert_no_payment(api, app):
    """No `pay` step ever opened, the payment endpoint refuses, and the history has no payment."""
    tasks = api.get(f"/applications/{app['id']}/tasks")
    assert tasks and "pay" not in {t["action_kind"] for t in tasks}
    assert not {"payment_started", "payment_checked"} & set(history_kinds(api, app))


# -- the regulation version a request is filed under -----------------------------------------
@contextlib.contextmanager
def filed_on(day: datetime.date):
    """Create requests as if on `day` (the regulation version is picked by the filing date)."""
    with mock.patch("applications.actions.timezone.localdate", return_value=day):
        yield


def step_sequence(api, app):
    """The regulation steps the request went through, in order (a step's own checks and parts counted once)."""
    steps = [t["step"] for t in api.get(f"/applications/{app['id']}/tasks") if t["step"]]
    return [s for i, s in enumerate(steps) if i == 0 or s != steps[i - 1]]
