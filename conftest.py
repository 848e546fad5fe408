"""Fixtures shared by the whole suite: reference data, the people who act,
a demo PKI (made once per session: RSA key generation is slow), the
simulators of the outside systems (one set per session, subprocesses on free
loopback ports: E-licensing talks to them over real HTTP) and an API client
that speaks as one of them."""
from __future__ import annotations

import base64
import json
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User
from integrations import adapters
from integrations import pki as demo_pki
from integrations.registry import SeedData
from integrations.signatures import TrustStore, sign_detached
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
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file (WAL, the settings' busy timeout), as the embedded default is.
    Django's default, a shared-cache memory database, locks whole tables and fails at once instead of
    waiting: a read by the test while the live server's thread wrote answered "database table is locked"
    (503 on a browser test's autosave, seen in CI)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _cache(settings):
    """A cache of each test's own (in this process: the live server's threads share it): a verification answer
    kept by one test never answers in another, whose database reuses the same numbers."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": uuid.uuid4().hex}}


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return demo_pki.make_pki(tmp_path_factory.mktemp("trust"))


@pytest.fixture(scope="session")
def _seals():
    return {}


@pytest.fixture
def demo_seal(pki, _seals, tmp_path_factory):
    """The system seal and the built-in TSA's certificate (documents.seal), issued once per test PKI by its issuing
    CA into a folder of their own (manage.py make_demo_seal does the same for the demo). Per PKI, not once per
    session: a folder's conftest may give its tests a PKI of their own (integrations/tests), and a seal issued by
    one PKI is unknown to another's trust store."""
    from documents.demo_seal import issue_demo_seal

    key = str(pki.directory)
    if key not in _seals:
        _seals[key] = issue_demo_seal(tmp_path_factory.mktemp("seal"), issuer_dir=pki.directory)
    return _seals[key]


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
def _trust(settings, pki, tmp_path, simulators, demo_seal):
    for name, value in simulators.settings().items():
        setattr(settings, name, value)
    # Fast failure and retry in tests: short timeouts, one retry, millisecond backoff.
    settings.ELICENSE_ADAPTER_TIMEOUT = 2.0
    settings.ELICENSE_ADAPTER_RETRIES = 1
    settings.ELICENSE_ADAPTER_BACKOFF = 0.005
    settings.ELICENSE_TRUST_DIR = pki.directory
    settings.ELICENSE_SEAL_DIR = demo_seal.directory  # the seal's and the TSA's own files (documents.seal)
    # Tests create many users: a fast hasher (never used outside tests).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Background work runs at once, in the test's own transaction: a test sees a result's PDF right after the
    # action that issued it. The real backends and their workers are tested in core/tests/test_tasks.py.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    adapters.reset()
    # The trust store is cached per process and re-checks the database only every few seconds: a test that
    # changed the trust items (rolled back after it) must not leave its store to the next one.
    TrustStore.clear_cache()
    yield
    TrustStore.clear_cache()
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

    # An officer's signing certificate and key, held by the TEST (as the officer's NCALayer holds them): set by
    # the ``world`` fixture for its officers (``World.officer_certificate``); the system never holds the key.
    signing_certificate = None
    signing_key = None
    _world = None

    @property
    def world(self):
        return self._world or CURRENT.get("world")

    @world.setter
    def world(self, value):
        self._world = value

    def _officer_eds(self):
        if self.signing_certificate is None and self.world is not None:
            self.signing_certificate = self.world.officer_certificate(self.user)
            self.signing_key = self.world.key
        return self.signing_certificate, self.signing_key

    def choose_certificate(self, cert=None, key=None, expect=200):
        """An officer chooses their signing certificate for this log-in: signs the one-time challenge with it."""
        own_cert, own_key = self._officer_eds()
        cert, key = cert or own_cert, key or own_key
        facts = self.get("/auth/office-certificate")
        cms = sign_detached(base64.b64decode(facts["challenge_b64"]), cert, key)
        answer = self.post("/auth/office-certificate",
                           {"challenge": facts["challenge"], "cms_b64": base64.b64encode(cms).decode()}, expect=expect)
        self.chosen = expect == 200
        return answer

    def sign_document(self, number, cert=None, key=None, expect=200, tamper=None):
        """The officer signs a result document: the bytes the server prepared, a detached CMS with their key."""
        facts = self.get(f"/documents/{number}/signing")
        data = base64.b64decode(facts["bytes_b64"])
        own_cert, own_key = self._officer_eds()
        cms = sign_detached(tamper(data) if tamper else data, cert or own_cert, key or own_key)
        return self.post(f"/documents/{number}/signing", {"cms_b64": base64.b64encode(cms).decode()}, expect=expect)

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


def api_of(world, user) -> Api:
    """The API client of ``user`` (one of the world's, or a new one), with its test-held officer's EDS."""
    found = next((a for a in world.api.values() if a.user is not None and a.user.pk == user.pk), None)
    if found is None:
        found = Api(user)
        world.api[f"user-{user.pk}"] = found
    found.world = world
    if user.kind == "officer" and found.signing_certificate is None and user.provider_unit_id:
        found.signing_certificate, found.signing_key = world.officer_certificate(user), world.key
    return found


def sign_pending(world, application_id) -> list[str]:
    """Every result document of the request awaiting an officer's signature gets it: its officer (their API
    client; their certificate chosen in this log-in first, if not yet) signs the prepared bytes."""
    from applications.models import ResultDocument

    numbers = []
    for document in ResultDocument.objects.filter(application_id=application_id, pdf_sha256="").exclude(
            signer=None).select_related("signer__provider_unit"):
        api = api_of(world, document.signer)
        if not getattr(api, "chosen", False):
            api.choose_certificate()
        api.sign_document(document.number)
        numbers.append(document.number)
    return numbers


def choose_certificate_on_page(client, user, next_url="/office/"):
    """An officer logged in to the back office chooses their certificate on its page, as NCALayer would: signs
    the page's one-time challenge with the test-held key (the form's no-JavaScript field)."""
    import re

    html = client.get("/office/certificate/").content.decode()
    challenge = re.search(r'name="challenge" value="([^"]+)"', html).group(1)
    payload = re.search(r'data-payload="([^"]+)"', html).group(1)
    cert, key = api_of(CURRENT["world"], user)._officer_eds()
    cms = sign_detached(base64.b64decode(payload), cert, key)
    return client.post("/office/certificate/", {"next": next_url, "challenge": challenge,
                                                "cms_b64": base64.b64encode(cms).decode()})


# The ``world`` of the running test (an Api made by a test itself finds the test-held officer keys through it).
CURRENT: dict = {}


def officer_iin(n: int) -> str:
    """A well-formed IIN for the n-th test officer (born 1 January 1985)."""
    from core.identifiers import complete

    for tail in range(10):
        iin = complete(f"850101300{n % 10}{tail}")
        if iin:
            return iin
    raise ValueError(n)


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
    w.committee_officer = make("officer", first_name="Айжан", last_name="Нұрланқызы", kind="officer", provider_unit=committee, groups=["provider"],
                               position_kk="Лицензиялау басқармасының басшысы", position_ru="Руководитель управления лицензирования")
    w.inspection_officer = make("inspector", first_name="Бауыржан", last_name="Сейітов", kind="officer", provider_unit=almaty, groups=["provider"],
                                position_kk="Инспекция басшысы", position_ru="Руководитель инспекции")
    w.clerk = make("clerk", first_name="Айгерім", last_name="Сейітова", kind="officer", provider_unit=committee, groups=["office_clerk"],
                   position_kk="Кеңсе маманы", position_ru="Специалист канцелярии")
    w.head = make("head", first_name="Ержан", last_name="Қасымов", kind="officer", provider_unit=committee, groups=["head"],
                  position_kk="Комитет төрағасы", position_ru="Председатель Комитета")
    w.unit_head = make("unit_head", first_name="Дана", last_name="Омарова", kind="officer", provider_unit=committee, groups=["unit_head"],
                       position_kk="Құрылымдық бөлімшенің басшысы", position_ru="Руководитель структурного подразделения")
    w.executor = make("executor", first_name="Нұрлан", last_name="Әбенов", kind="officer", provider_unit=committee, groups=["executor"],
                      position_kk="Бас сарапшы", position_ru="Главный эксперт")
    w.psc = make("psc", first_name="Әсел", last_name="Жұмабаева", kind="psc_operator", position_kk="ХҚО операторы", position_ru="Оператор ЦОН")
    for n, officer in enumerate((w.committee_officer, w.inspection_officer, w.clerk, w.head, w.unit_head,
                                 w.executor), start=1):
        officer.iin = officer_iin(n)  # an officer signs with their own EDS, which names their IIN
        officer.save(update_fields=["iin"])
    w.api = {name: Api(getattr(w, name)) for name in (
        "person", "company_head", "unregistered", "committee_officer", "inspection_officer", "clerk", "head",
        "unit_head", "executor", "psc")}

    def certificate(user, *, purpose="sign", role=None, **kw):
        role = role or ("first_head" if user.bin else "individual")
        cert, _ = demo_pki.issue(pki, iin=kw.pop("iin", user.iin), bin=kw.pop("bin", user.bin or None),
                                 org=kw.pop("org", user.organisation_name or None),
                                 surname=user.last_name or "DEMO", given_name=user.first_name or "DEMO",
                                 purpose=purpose, role=role, key=user_key, **kw)
        return cert

    def officer_certificate(user, *, purpose="sign", role="signing_right", **kw):
        """An officer's own EDS (employee certificate of the provider's BIN with the right to sign), issued to
        the key the test holds."""
        if not user.iin:  # an officer a test made itself: give them the IIN their EDS names
            user.iin = officer_iin(7 + user.pk % 3)
            type(user).objects.filter(pk=user.pk).update(iin=user.iin)
        unit = user.provider_unit
        kw.setdefault("bin", unit.signing_bin)
        kw.setdefault("org", unit.name_ru)
        return certificate(user, purpose=purpose, role=role, **kw)

    w.certificate = certificate
    w.officer_certificate = officer_certificate
    w.key = user_key

    w.api_of = lambda user: api_of(w, user)
    w.sign_pending = lambda application_id: sign_pending(w, application_id)
    for api in list(w.api.values()):
        api_of(w, api.user)
    CURRENT["world"] = w

    def sign_payload(api, application_id, cert):
        payload = api.get(f"/applications/{application_id}/signing-payload")
        cms = sign_detached(base64.b64decode(payload["payload_b64"]), cert, user_key)
        return base64.b64encode(cms).decode()

    w.sign_payload = sign_payload
    yield w
    CURRENT.pop("world", None)
