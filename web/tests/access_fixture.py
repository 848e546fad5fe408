"""The people and objects the access matrix (web/tests/test_access_matrix.py) fills its cells with, built once per
module inside one outer transaction (each cell's test then runs in a savepoint and is rolled back, so a cell that
does change something changes it for itself only).

Every request is applicant A's (``person``, an individual), in the Almaty city region unless it is the Committee's:
"another applicant" (B, ``company``) and "another region's officer" (the Astana Inspection's) are strangers to all
of them. Each state-changing operation gets a request whose step is open, so that its cell reaches the action's
own check (who may complete the step) and is not answered "step not open" first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone

from accounts.models import ApiToken, User
from applications.tests.journeys import (
    DOCUMENTS,
    FORMS,
    create,
    decide,
    fill,
    office_until_decision,
    portal_until_registered,
)
from conftest import COMPANY, PERSON, Api
from integrations import pki as demo_pki
from integrations import trust
from integrations.signatures import sign_detached
from services.models import Fee, ProviderUnit
from services.reference_data import load_reference_data

PASSWORD = "demo-pass-123"

# The columns. No "representative": the project has no representative (power of attorney) yet — issue 14 adds
# it, and with it a column here.
ROLES = ("anonymous", "applicant", "other_applicant", "committee", "inspector", "other_region", "clerk", "head",
         "unit_head", "executor", "psc", "admin")


@dataclass
class Matrix:
    users: dict = field(default_factory=dict)  # role → User
    tokens: dict = field(default_factory=dict)  # role → bearer key
    sessions: dict = field(default_factory=dict)  # role → session key of a page log-in
    subjects: dict = field(default_factory=dict)  # subject → {path parameter: value}
    values: dict = field(default_factory=dict)  # path parameter → value (when the row's subject has none)
    placeholders: dict = field(default_factory=dict)  # "@name" in a body → value


class _World:
    """What the journeys (applications/tests/journeys.py) need of the root conftest's ``world``."""

    def __init__(self, pki, key, users):
        self.pki, self.key = pki, key
        for name, user in users.items():
            setattr(self, name, user)
        self.api = {name: Api(user) for name, user in users.items()}
        for api in self.api.values():
            api.world = self

    def officer_certificate(self, user, *, purpose="sign", role="signing_right", **kw):
        """The officer's own EDS, held by the test (the system holds no officer key)."""
        unit = user.provider_unit
        return self.certificate(user, purpose=purpose, role=role, bin=unit.signing_bin, org=unit.name_ru, **kw)

    def sign_pending(self, application_id):
        from conftest import sign_pending

        return sign_pending(self, application_id)

    def certificate(self, user, *, purpose="sign", role=None, **kw):
        from integrations import pki as demo_pki

        role = role or ("first_head" if user.bin else "individual")
        cert, _ = demo_pki.issue(self.pki, iin=user.iin, bin=kw.pop("bin", user.bin or None),
                                 org=kw.pop("org", user.organisation_name or None),
                                 surname=user.last_name or "DEMO", given_name=user.first_name or "DEMO",
                                 purpose=purpose, role=role, key=self.key, **kw)
        return cert

    def sign_payload(self, api, application_id, cert):
        import base64

        payload = api.get(f"/applications/{application_id}/signing-payload")
        return base64.b64encode(sign_detached(base64.b64decode(payload["payload_b64"]), cert, self.key)).decode()


def _people() -> dict:
    load_reference_data()
    committee = ProviderUnit.objects.get(code="committee")
    almaty = ProviderUnit.objects.get(code="inspection-almaty-city")
    astana = ProviderUnit.objects.get(code="inspection-astana")
    now = timezone.now()

    def make(username, groups=(), **fields):
        user = User.objects.create_user(username=username, password=PASSWORD, **fields)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    people = {
        "person": make("person", kind="applicant", iin=PERSON["iin"], last_name=PERSON["last_name"],
                       first_name=PERSON["first_name"], portal_registered_at=now),
        "company_head": make("company", kind="applicant", iin=COMPANY["head_iin"], bin=COMPANY["bin"],
                             organisation_name=COMPANY["name"], portal_registered_at=now),
        "committee_officer": make("officer", ["provider"], kind="officer", provider_unit=committee),
        "inspection_officer": make("inspector", ["provider"], kind="officer", provider_unit=almaty),
        "astana_officer": make("astana", ["provider"], kind="officer", provider_unit=astana),
        "clerk": make("clerk", ["office_clerk"], kind="officer", provider_unit=committee),
        "head": make("head", ["head"], kind="officer", provider_unit=committee),
        "unit_head": make("unit_head", ["unit_head"], kind="officer", provider_unit=committee),
        "executor": make("executor", ["executor"], kind="officer", provider_unit=committee),
        "psc": make("psc", kind="psc_operator"),
        "admin": make("admin", kind="administrator", is_staff=True, is_superuser=True),
    }
    from conftest import officer_iin

    for n, user in enumerate((u for u in people.values() if u.kind == "officer"), start=1):
        user.iin = officer_iin(n)  # an officer signs with their own EDS, which names their IIN
        user.save(update_fields=["iin"])
    return people


ROLE_USER = {"applicant": "person", "other_applicant": "company_head", "committee": "committee_officer",
             "inspector": "inspection_officer", "other_region": "astana_officer", "clerk": "clerk", "head": "head",
             "unit_head": "unit_head", "executor": "executor", "psc": "psc", "admin": "admin"}


def _session(w, user) -> str:
    import base64
    import re

    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    if user.kind == User.Kind.OFFICER:  # the back office asks an officer to choose the signing certificate first
        html = client.get("/office/certificate/").content.decode()
        challenge = re.search(r'name="challenge" value="([^"]+)"', html).group(1)
        payload = base64.b64decode(re.search(r'data-payload="([^"]+)"', html).group(1))
        cms = base64.b64encode(sign_detached(payload, w.officer_certificate(user), w.key)).decode()
        assert client.post("/office/certificate/", {"next": "/office/", "challenge": challenge,
                                                    "cms_b64": cms}).status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _app(payload: dict) -> dict:
    from applications.models import Application

    app = Application.objects.get(pk=payload["id"])
    subject = {"application_id": app.pk}
    attachment = app.attachments.order_by("id").first()
    if attachment is not None:
        subject["attachment_id"] = attachment.pk
    document = app.documents.exclude(number="").order_by("id").first()
    if document is not None:
        subject["number"] = document.number
    return subject


def _psc_requests(w, s):
    psc = w.api["psc"]
    app = create(psc, "S2", "assign", channel="psc")
    s["psc_intake"] = _app(psc.put(f"/applications/{app['id']}/form",
                                   {"data": FORMS[("S2", "assign")], "version": app["form_version"]}))
    app = create(psc, "S2", "assign", channel="psc")
    app = psc.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", "assign")], "version": app["form_version"]})
    app = psc.post(f"/applications/{app['id']}/intake",
                   {"iin": PERSON["iin"], "documents_presented": DOCUMENTS[("S2", "assign")]})
    w.api["clerk"].upload(app["id"], "application", is_scan=True)  # the clerk's scan of the paper application
    s["psc_incoming"] = _app(app)
    app = create(psc, "S2", "assign", channel="psc")
    app = psc.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", "assign")], "version": app["form_version"]})
    app = psc.post(f"/applications/{app['id']}/intake",
                   {"iin": PERSON["iin"], "documents_presented": DOCUMENTS[("S2", "assign")]})
    w.api["clerk"].upload(app["id"], "application", is_scan=True)
    s["psc_portal"] = _app(w.api["clerk"].post(f"/applications/{app['id']}/incoming-registration"))


def _power_of_attorney(principal):
    """A power of attorney A records on the portal for a representative who is neither A nor B."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import PDF
    from representation import actions as representation

    today = timezone.localdate()
    return representation.grant(principal, representative_iin="780101333036", scope={"S2": []}, valid_from=today,
                                valid_to=today, document_number="N-1", document_date=today,
                                scan=SimpleUploadedFile("poa.pdf", PDF, content_type="application/pdf"))


def build(pki, key) -> Matrix:
    from pscdesk import actions as desk

    trust.import_directory(pki.directory, replace=True)
    trust.changed()
    users = _people()
    w = _World(pki, key, users)
    a, inspector = w.api["person"], w.api["inspection_officer"]
    m = Matrix()
    m.users = {role: users[name] for role, name in ROLE_USER.items()}
    m.tokens = {role: ApiToken.issue(user) for role, user in m.users.items()}
    m.sessions = {role: _session(w, user) for role, user in m.users.items()}

    s = m.subjects
    # A's portal requests at each of the applicant's steps (S4: the Almaty Inspection's; S1: the Committee's).
    s["draft"] = _app(create(a, "S4", "device"))  # fill open; never submitted
    draft = s["draft"]["application_id"]
    a.upload(draft, DOCUMENTS[("S4", "device")][0])  # an attachment of an unsubmitted draft
    s["draft"] = _app({"id": draft})
    s["paying"] = _app(fill(a, create(a, "S1", "issue"), "S1", "issue"))  # pay open
    s["signing"] = _app(fill(a, create(a, "S4", "device"), "S4", "device"))  # choose_certificate open
    s["registered"] = _app(portal_until_registered(w, a, "S4", "device"))  # decide open, the Almaty Inspection
    issued = portal_until_registered(w, a, "S4", "device")
    s["issued"] = _app(decide(inspector, issued))
    assert "number" in s["issued"], issued  # the permit: a result document and its registry record
    # The 2015 office steps (S2, the Committee), each request with its step open.
    s["s2_unit"] = _app(portal_until_registered(w, a, "S2", "assign"))  # assign_unit (head)
    s2 = portal_until_registered(w, a, "S2", "assign")
    s["s2_executor"] = _app(w.api["head"].post(f"/applications/{s2['id']}/unit-assignment"))  # assign_executor
    s2 = office_until_decision(w, portal_until_registered(w, a, "S2", "assign"))
    s["s2_sign"] = _app(decide(w.api["executor"], s2))
    # The PSC channel (S2 2015): intake open; after the intake, the clerk's registration; then the executor's.
    # (Their receipts' PDFs are not needed here: not made.)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        _psc_requests(w, s)
    # A paper application the Almaty inspector is entering (staff channel): enter_application open.
    app = create(inspector, "S4", "device", channel="staff")
    s["staff"] = _app(inspector.put(f"/applications/{app['id']}/form",
                                    {"data": FORMS[("S4", "device")], "version": app["form_version"]}))
    app = create(inspector, "S4", "device", channel="staff")  # and one at the scans (attach_scans open)
    app = inspector.put(f"/applications/{app['id']}/form", {"data": FORMS[("S4", "device")], "version": app["form_version"]})
    app = inspector.post(f"/applications/{app['id']}/applicant", {"iin": PERSON["iin"]})
    for code in DOCUMENTS[("S4", "device")]:
        inspector.upload(app["id"], code, is_scan=True)
    s["staff_scans"] = _app(app)
    # A PSC ticket being served.
    desk.issue_ticket()
    ticket = desk.call_next(users["psc"])
    s["ticket"] = {"ticket_id": ticket.pk}
    s["record"] = {"number": s["issued"]["number"]}
    s["a_token"] = {"token_id": ApiToken.objects.filter(user=users["person"]).order_by("id").first().pk}
    s["poa"] = {"poa_id": _power_of_attorney(users["person"]).pk}  # A's, for a third person (neither A nor B)

    from django.contrib.contenttypes.models import ContentType

    m.values = {
        "code": "S4", "kind": "iin", "name": "issuing", "process_id": "S4_portal_2012", "action": "suspend",
        "user_id": users["person"].pk, "fee_id": Fee.objects.order_by("id").first().pk,
        "content_type_id": ContentType.objects.get_for_model(User).pk, "object_id": users["person"].pk,
        "url": "nonexistent/",
    }
    m.placeholders = {"@pem": demo_pki.cert_pem(w.certificate(users["company_head"])).decode(),  # B's: valid, not A's
                      "@iin": PERSON["iin"]}
    return m
