"""Fixtures shared by the whole suite: reference data, the people who act,
a demo PKI (made once per session: RSA key generation is slow), the
simulators of the outside systems (one set per session, subprocesses on free
loopback ports: E-licensing talks to them over real HTTP) and an API client
that speaks as one of them."""
from __future__ import annotations

import base64
import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User
from integrations import adapters
from integrations import pki as demo_pki
from integrations.registry import SeedData
from integrations.signatures import sign_detached
from services.models import ProviderUnit
from services.reference_data import load_reference_data
from simulators.harness import Simulators

# The browser journeys' fixtures (chromium, web), the trust store mirrored from the test PKI's folder into the
# database (integrations.tests.fixtures) and an S3-compatible server (s3_server, s3_storage), shared by every app.
pytest_plugins = ["web.tests.fixtures", "integrations.tests.fixtures", "elicense.tests.fixtures"]

REGISTRY = SeedData()
PERSON = next(p for p in REGISTRY._individuals.values() if p["status"] == "alive")
OTHER_PERSON = [p for p in REGISTRY._individuals.values() if p["status"] == "alive"][1]
COMPANY = next(c for c in REGISTRY._entities.values() if c.get("status") == "active" and "legal_form" in c)
# The smallest real PDF (one empty page): uploads are opened by pypdf (applications/uploads.py).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
       b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\n"
       b"startxref\n164\n%%EOF\n")


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return demo_pki.make_pki(tmp_path_factory.mktemp("trust"))


@pytest.fixture(scope="session")
def user_key():
    return demo_pki.new_key()


@pytest.fixture(scope="session")
def simulators(tmp_path_factory):
    """The registry, payment gateway and document-management simulators, started once per session."""
    sims = Simulators(tmp_path_factory.mktemp("simulators")).start()
    yield sims
    sims.stop()


@pytest.fixture(autouse=True)
def _trust(settings, pki, tmp_path, simulators):
    for name, value in simulators.settings().items():
        setattr(settings, name, value)
    # Fast failure and retry in tests: short timeouts, one retry, millisecond backoff.
    settings.ELICENSE_ADAPTER_TIMEOUT = 2.0
    settings.ELICENSE_ADAPTER_RETRIES = 1
    settings.ELICENSE_ADAPTER_BACKOFF = 0.005
    settings.ELICENSE_TRUST_DIR = pki.directory
    # Tests create many users: a fast hasher (never used outside tests).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Background work runs at once, in the test's own transaction: a test sees a result's PDF right after the
    # action that issued it. The real backends and their workers are tested in core/tests/test_tasks.py.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    adapters.reset()
    yield
    adapters.reset()
    for process in simulators.processes.values():  # a test that killed a simulator leaves it running again
        if process.popen.poll() is not None:
            process.start()


class Api:
    """The REST API as one user sees it."""

    def __init__(self, user: User | None):
        self.user = user
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"} if user else {}

    def _call(self, method, path, body=None, expect=None, **extra):
        kwargs = dict(self.headers, **extra)
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(self.client, method)(f"/api/v1{path}", **kwargs)
        if expect is not None:
            assert response.status_code == expect, (response.status_code, response.content[:2000])
        return response

    def get(self, path, expect=200, **kw):
        return self._call("get", path, expect=expect, **kw).json()

    def post(self, path, body=None, expect=200, **kw):
        response = self._call("post", path, body if body is not None else {}, expect=expect, **kw)
        return response.json()

    def choose_certificate(self):
        """An officer chooses their signing certificate for the decisions of this log-in."""
        facts = self.get("/auth/office-certificate")
        return self.post("/auth/office-certificate", {"serial": facts["serial"]})

    def put(self, path, body, expect=200):
        return self._call("put", path, body, expect=expect).json()

    def upload(self, application_id, code, content=PDF, name="doc.pdf", content_type="application/pdf",
               is_scan=False, expect=201):
        f = SimpleUploadedFile(name, content, content_type=content_type)
        response = self.client.post(
            f"/api/v1/applications/{application_id}/attachments",
            {"document_code": code, "file": f, "is_scan": "true" if is_scan else "false"}, **self.headers,
        )
        assert response.status_code == expect, response.content
        return response.json()


@pytest.fixture
def world(db, pki, user_key):
    """Reference data and one of each kind of person, with API clients and signing keys."""
    load_reference_data()
    committee = ProviderUnit.objects.get(code="committee")
    almaty = ProviderUnit.objects.get(code="inspection-almaty-city")
    now = timezone.now()

    def make(username, **fields):
        groups = fields.pop("groups", [])
        user = User.objects.create_user(username=username, password="demo-pass-123", **fields)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    class World:
        pass

    w = World()
    w.pki = pki
    w.person = make("person", kind="applicant", iin=PERSON["iin"], last_name=PERSON["last_name"],
                    first_name=PERSON["first_name"], portal_registered_at=now)
    w.company_head = make("company", kind="applicant", iin=COMPANY["head_iin"], bin=COMPANY["bin"],
                          organisation_name=COMPANY["name"], portal_registered_at=now)
    w.unregistered = make("unregistered", kind="applicant", iin=OTHER_PERSON["iin"])
    w.committee_officer = make("officer", kind="officer", provider_unit=committee, groups=["provider"])
    w.inspection_officer = make("inspector", kind="officer", provider_unit=almaty, groups=["provider"])
    w.clerk = make("clerk", kind="officer", provider_unit=committee, groups=["office_clerk"])
    w.head = make("head", kind="officer", provider_unit=committee, groups=["head"])
    w.unit_head = make("unit_head", kind="officer", provider_unit=committee, groups=["unit_head"])
    w.executor = make("executor", kind="officer", provider_unit=committee, groups=["executor"])
    w.psc = make("psc", kind="psc_operator")
    w.api = {name: Api(getattr(w, name)) for name in (
        "person", "company_head", "unregistered", "committee_officer", "inspection_officer", "clerk", "head",
        "unit_head", "executor", "psc")}

    def certificate(user, *, purpose="sign", role=None, **kw):
        role = role or ("first_head" if user.bin else "individual")
        cert, _ = demo_pki.issue(pki, iin=user.iin, bin=user.bin or None, org=user.organisation_name or None,
                                 surname=user.last_name or "DEMO", given_name=user.first_name or "DEMO",
                                 purpose=purpose, role=role, key=user_key, **kw)
        return cert

    w.certificate = certificate
    w.key = user_key

    def sign_payload(api, application_id, cert):
        payload = api.get(f"/applications/{application_id}/signing-payload")
        cms = sign_detached(base64.b64decode(payload["payload_b64"]), cert, user_key)
        return base64.b64encode(cms).decode()

    w.sign_payload = sign_payload
    return w
