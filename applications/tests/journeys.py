"""Steps of the journeys, spoken through the API, shared by the service tests."""
import datetime

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
                           "station_address": "Алматы, ул. Абая, 150", "latitude": "43.238", "longitude": "76.889"},
    ("S4", "device"): {"region": "almaty-city", "devices": [{"device_type": "base station", "model": "BS-900",
                                                              "serial": "SN12345", "frequency_mhz": "900.2"}],
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
    payment = api.post(f"/applications/{app['id']}/payment")
    api.post(f"/gateway/payments/{payment['reference']}/{outcome}")
    return api.get(f"/applications/{app['id']}")


def sign(w, api, app, cert=None, user=None):
    cert = cert or w.certificate(user or api.user)
    from integrations.pki import cert_pem

    app = api.post(f"/applications/{app['id']}/certificate", {"certificate_pem": cert_pem(cert).decode()})
    if app["status"] == "refused":
        return app
    return api.post(f"/applications/{app['id']}/signature", {"cms_b64": w.sign_payload(api, app["id"], cert)})


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
    registered = datetime.datetime.fromisoformat(app["registered_at"])
    deadline = datetime.datetime.fromisoformat(app["deadline_at"])
    return (deadline.date() - registered.date()).days
