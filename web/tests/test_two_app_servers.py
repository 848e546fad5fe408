"""The app servers are stateless (ADR 0012, docs/deployment.md "Storage"): two production servers (gunicorn through
elicense/gunicorn_conf.py) and one background worker (manage.py run_worker, the database queue) share only one
PostgreSQL database and one S3 bucket (moto's server) — each has its own ELICENSE_VAR_DIR, media folder and copy
of the demo PKI's folder. Over real HTTP with API tokens, one S4 request is created, filled and given its
attachments on server A, signed on server B, decided on A by the Inspection's officer; its permit's PDF, made by
the worker, is downloaded from B: a PAdES-signed PDF that validates, stored in the bucket, and no server wrote a
file to its local media folder. PostgreSQL only (CI's second pass), like web/tests/test_gunicorn.py: the servers
must see what this process committed."""
import base64
import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from accounts.models import ApiToken, User
from applications.models import Attachment, ResultDocument
from applications.tests.journeys import DOCUMENTS, FORMS, decision_body
from conftest import PDF, PERSON, officer_iin
from integrations import pki as demo_pki
from integrations.signatures import sign_detached
from services.models import ProviderUnit
from services.reference_data import load_reference_data
from simulators.harness import free_port
from web.tests.browser import off_the_loop

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "two-app-servers-" + "k" * 50  # the same for every process
pytestmark = pytest.mark.django_db(transaction=True)  # what the servers read must be committed


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("two servers and a worker need a database they can reach from other processes: PostgreSQL only")


class Http:
    """One server's API as one user sees it (urllib, bounded timeouts)."""

    def __init__(self, port: int, token: str):
        self.base, self.token = f"http://127.0.0.1:{port}", token

    def call(self, method, path, body=None, content_type="application/json", expect=200):
        data = json.dumps(body).encode() if content_type == "application/json" and body is not None else body
        request = urllib.request.Request(f"{self.base}/api/v1{path}", data=data, method=method,
                                         headers={"Authorization": f"Bearer {self.token}"})
        if data is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as err:
            status, headers, raw = err.code, err.headers, err.read()
        if expect is not None:
            assert status == expect, (method, path, status, raw[:2000])
        return status, headers, raw

    def json(self, method, path, body=None, expect=200):
        return json.loads(self.call(method, path, {} if body is None and method == "POST" else body,
                                    expect=expect)[2])

    def upload(self, application_id, code, content):
        boundary = uuid.uuid4().hex
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="document_code"\r\n\r\n{code}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{code}.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        self.call("POST", f"/applications/{application_id}/attachments", body,
                  content_type=f"multipart/form-data; boundary={boundary}", expect=201)


class Process:
    def __init__(self, name: str, argv: list[str], env: dict, var_dir: Path):
        self.name, self.var_dir, self.log_path = name, var_dir, var_dir / f"{name}.log"
        self.log = self.log_path.open("w")
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def tail(self) -> str:
        self.log.flush()
        return f"--- {self.name} ---\n" + self.log_path.read_text(errors="replace")[-3000:]

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        self.log.close()


def _environment(var_dir: Path, pki_dir: Path, extra: dict) -> dict:
    """What a fresh machine would have: nothing inherited from this process's Django or E-licensing settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ELICENSE_", "DJANGO_", "DATABASE_URL"))}
    trust_dir = var_dir / "pki"  # this machine's own copy of the demo PKI (CA keys, TSA key): not shared state
    shutil.copytree(pki_dir, trust_dir)
    db = connection.settings_dict  # the test database: test_<name>
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env.update(extra)
    env.update({
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "ELICENSE_ENV": "development", "ELICENSE_SECRET_KEY": SECRET_KEY,
        "ELICENSE_VAR_DIR": str(var_dir), "ELICENSE_TRUST_DIR": str(trust_dir), "ELICENSE_TRUST_STORE": "database",
        "ELICENSE_TASK_BACKEND": "database",
        # The verification answers in one Redis for both servers, under this run's own prefix.
        "ELICENSE_CACHE": "redis", "ELICENSE_CACHE_PREFIX": f"test-{os.getpid()}-{time.monotonic_ns()}",
    })
    return env


def _wait_ready(process: Process, port: int, deadline: float):
    last = None
    while True:
        assert process.popen.poll() is None, process.tail()
        assert time.monotonic() < deadline, f"/readyz: {last}\n{process.tail()}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as err:
            last = (err.code, err.read()[:500])
        except OSError as err:
            last = err
        time.sleep(0.2)


def _prepare(pki):
    """Reference data, the applicant (known to the registry simulator) and the Inspection's officer, their tokens,
    and the applicant's signing certificate; the TSA's key made now, so that every copy of the PKI folder has it."""
    from documents.seal import tsa_identity

    load_reference_data()
    applicant = User.objects.create_user(
        username="two-servers-applicant", password=None, kind="applicant", iin=PERSON["iin"],
        last_name=PERSON["last_name"], first_name=PERSON["first_name"], portal_registered_at=timezone.now())
    officer = User.objects.create_user(username="two-servers-inspector", password=None, kind="officer",
                                       iin=officer_iin(5), first_name="Бауыржан", last_name="Сейітов",
                                       provider_unit=ProviderUnit.objects.get(code="inspection-almaty-city"))
    officer.groups.add(Group.objects.get_or_create(name="provider")[0])
    cert, key = demo_pki.issue(pki, iin=applicant.iin, surname=PERSON["last_name"].upper(),
                               given_name=PERSON["first_name"].upper(), purpose="sign", role="individual")
    # The officer's own EDS (the test holds its key, as NCALayer would): an employee certificate of the
    # provider's BIN with the right to sign.
    officer_eds = demo_pki.issue(pki, iin=officer.iin, bin=officer.provider_unit.signing_bin, org="INSPECTION",
                                 surname="СЕЙІТОВ", given_name="БАУЫРЖАН", purpose="sign", role="signing_right")
    tsa_identity()
    return ApiToken.issue(applicant), ApiToken.issue(officer), cert, key, officer_eds


def test_two_app_servers_and_a_worker_share_only_the_database_and_the_bucket(pki, simulators, s3_server, tmp_path):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    from documents.signing import FIELD_NAME, validation_context

    started = time.monotonic()
    applicant_token, officer_token, cert, key, (officer_cert, officer_key) = _prepare(pki)
    from django.conf import settings as django_settings

    # The system seal's and the TSA's files: configured on every server alike (documents.seal).
    shared = {**simulators.settings(), **s3_server.environ, "ELICENSE_SEAL_DIR": str(django_settings.ELICENSE_SEAL_DIR)}
    ports = {"a": free_port(), "b": free_port()}
    var = {name: tmp_path / name for name in ("a", "b", "worker")}
    for folder in var.values():
        folder.mkdir()

    with contextlib.ExitStack() as stack:
        servers = {}
        for name, port in ports.items():
            env = _environment(var[name], pki.directory, shared)
            env.update({"ELICENSE_DB_POOL": "1", "ELICENSE_DB_CONNECTION_BUDGET": "4", "ELICENSE_WEB_WORKERS": "2",
                        "ELICENSE_WEB_BIND": f"127.0.0.1:{port}", "ELICENSE_DB_APPLICATION_NAME": f"elicense-web-{name}",
                        "ELICENSE_PUBLIC_URL": f"http://127.0.0.1:{ports['a']}"})
            servers[name] = Process(f"web-{name}", [sys.executable, "-m", "gunicorn", "-c", "elicense/gunicorn_conf.py"],
                                    env, var[name])
            stack.callback(servers[name].stop)
        env = _environment(var["worker"], pki.directory, shared)
        env.update({"ELICENSE_DB_POOL": "0", "ELICENSE_DB_APPLICATION_NAME": "elicense-worker",
                    "ELICENSE_PUBLIC_URL": f"http://127.0.0.1:{ports['a']}"})
        worker = Process("worker", [sys.executable, "manage.py", "run_worker", "--interval", "0.2"], env, var["worker"])
        stack.callback(worker.stop)
        logs = lambda: "\n".join(p.tail() for p in (*servers.values(), worker))  # noqa: E731
        deadline = time.monotonic() + 45
        for name, port in ports.items():
            _wait_ready(servers[name], port, deadline)

        a, b = Http(ports["a"], applicant_token), Http(ports["b"], applicant_token)
        officer_a = Http(ports["a"], officer_token)

        # Server A: create, form, attachments, fill.
        app = a.json("POST", "/applications", {"service": "S4", "sub_kind": "device", "region": "almaty-city"},
                     expect=201)
        app_id = app["id"]
        app = a.json("PUT", f"/applications/{app_id}/form", {"data": FORMS[("S4", "device")],
                                                               "version": app["form_version"]})
        uploaded = {code: PDF + f"% {code} of request {app_id}\n".encode() for code in DOCUMENTS[("S4", "device")]}
        for code, content in uploaded.items():
            a.upload(app_id, code, content)
        app = a.json("POST", f"/applications/{app_id}/fill")
        assert [t["action_kind"] for t in app["open_tasks"]] == ["choose_certificate"], app

        # Server B: the signing payload and the detached CMS (one call: steps 6 and 8); the attachments it
        # checks against were uploaded through A.
        payload = b.json("GET", f"/applications/{app_id}/signing-payload")
        cms = sign_detached(base64.b64decode(payload["payload_b64"]), cert, key)
        app = b.json("POST", f"/applications/{app_id}/signature", {"cms_b64": base64.b64encode(cms).decode()})
        assert app["status"] == "registered" and [t["action_kind"] for t in app["open_tasks"]] == ["decide"], app

        # Server A: the Inspection's officer chooses their certificate (signs the one-time challenge) and
        # approves; the PDF is not made in that request.
        facts = officer_a.json("GET", "/auth/office-certificate")
        challenge = sign_detached(base64.b64decode(facts["challenge_b64"]), officer_cert, officer_key)
        officer_a.json("POST", "/auth/office-certificate", {"challenge": facts["challenge"],
                                                            "cms_b64": base64.b64encode(challenge).decode()})
        app = officer_a.json("POST", f"/applications/{app_id}/decision", decision_body(app))
        assert app["status"] == "completed" and app["result_kind"] == "permit", app
        (number,) = [d["number"] for d in b.json("GET", f"/applications/{app_id}")["documents"] if d["kind"] == "permit"]
        path = f"/applications/{app_id}/documents/{number}.pdf"
        assert a.call("GET", path, expect=None)[0] == 404  # not signed yet

        # The worker prepares the document for the officer's signature; the officer signs it through server B.
        officer_b = Http(ports["b"], officer_token)
        deadline = time.monotonic() + 45
        while (facts := officer_b.json("GET", f"/documents/{number}/signing"))["status"] != "awaiting_signature":
            assert time.monotonic() < deadline, f"not prepared in 45 s: {facts}\n" + logs()
            time.sleep(0.3)
        cms = sign_detached(base64.b64decode(facts["bytes_b64"]), officer_cert, officer_key)
        officer_b.json("POST", f"/documents/{number}/signing", {"cms_b64": base64.b64encode(cms).decode()})
        status = a.call("GET", path, expect=None)[0]
        assert status == 200, logs()

        # Server B: the download, a PAdES-signed PDF.
        _, headers, pdf = b.call("GET", path)
        assert headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF-")
        assert headers["X-Content-SHA256"] == hashlib.sha256(pdf).hexdigest()
        assert b.json("GET", f"/applications/{app_id}")["status"] == "completed"
        for process in (*servers.values(), worker):
            assert process.popen.poll() is None, logs()

    for process in (*servers.values(), worker):
        assert process.popen.returncode in (0, -15), process.tail()  # stopped by TERM, not crashed

    (signature,) = [s for s in PdfFileReader(io.BytesIO(pdf)).embedded_signatures if s.field_name == FIELD_NAME]
    # pyHanko runs its own event loop: off this thread, where a browser test's Playwright loop may still run.
    result = off_the_loop(lambda: validate_pdf_signature(signature, validation_context()))
    assert result.bottom_line and result.intact and result.valid and result.trusted, result.pretty_print_details()

    # The PDF and the attachments are objects in the bucket, the same bytes; no server kept a file locally.
    document = ResultDocument.objects.get(application_id=app_id, number=number)
    assert document.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    keys = set(s3_server.keys())
    assert document.pdf.name in keys and s3_server.read(document.pdf.name) == pdf
    for attachment in Attachment.objects.filter(application_id=app_id):
        assert attachment.file.name in keys
        assert s3_server.read(attachment.file.name) == uploaded[attachment.document_code]
    assert Attachment.objects.filter(application_id=app_id).count() == len(uploaded)
    for name, folder in var.items():
        written = [p for p in (folder / "media").rglob("*") if p.is_file()]
        assert written == [], (name, written)
    assert time.monotonic() - started < 120
