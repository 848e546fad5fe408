"""Stored files in an S3 bucket (docs/deployment.md "Storage", ADR 0012): a request's attachments and its
result PDF, made and downloaded through the API and the pages, land in an S3-compatible server (moto, over
HTTP: the s3_server fixture) and come back from it; nothing is written to the app server's disk; another
process — a fresh boto3 client, a second Django process configured only from the environment — sees the
same objects. And STORAGES as the environment makes it."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from applications.models import Attachment, ResultDocument
from applications.tests.journeys import DOCUMENTS, FORMS, create, decide, sign
from conftest import PDF
from elicense.storage import storages_from_env

ROOT = Path(__file__).resolve().parents[2]


def pdf(label: str) -> bytes:
    return PDF + b"% " + label.encode() + b"\n"  # a comment after %%EOF: a real PDF, distinct bytes


def s4_permit(world):
    """An S4 device request through the API, with attachments of their own content, to its signed permit."""
    api = world.api["person"]
    app = create(api, "S4", "device")
    app = api.put(f"/applications/{app['id']}/form", {"data": FORMS[("S4", "device")], "version": app["form_version"]})
    uploads = {code: pdf(f"{code} of request {app['id']}") for code in DOCUMENTS[("S4", "device")]}
    for code, content in uploads.items():
        api.upload(app["id"], code, content=content, name=f"{code}.pdf")
    app = sign(world, api, api.post(f"/applications/{app['id']}/fill"))
    assert app["status"] == "registered"
    app = decide(world.api["inspection_officer"], app)
    assert app["status"] == "completed" and [d["kind"] for d in app["documents"]] == ["permit"]
    return app, uploads


def test_attachments_and_the_result_pdf_live_in_the_bucket(world, s3_storage, settings):
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    assert isinstance(default_storage, S3Storage) and isinstance(Attachment._meta.get_field("file").storage, S3Storage)
    app, uploads = s4_permit(world)
    keys = set(s3_storage.keys())

    # The attachments: each one an object of the bucket, read back through the pages that serve them.
    rows = Attachment.objects.filter(application_id=app["id"])
    assert sorted(r.document_code for r in rows) == sorted(uploads)
    applicant, officer = Client(), Client()
    applicant.force_login(world.person)
    officer.force_login(world.inspection_officer)
    for row in rows:
        assert row.file.name in keys and row.file.name.startswith(f"attachments/{app['id']}/")
        assert s3_storage.read(row.file.name) == uploads[row.document_code]
        mine = applicant.get(f"/portal/requests/{app['id']}/attachments/{row.pk}")
        assert mine.status_code == 200 and mine.content == uploads[row.document_code]
        office = officer.get(f"/office/requests/{app['id']}/attachments/{row.pk}")
        assert office.status_code == 200 and b"".join(office.streaming_content) == uploads[row.document_code]

    # The permit's PDF: made by the task after the decision, stored in the bucket, downloaded through the API.
    document = ResultDocument.objects.get(application_id=app["id"])
    assert document.pdf.name == f"results/{app['id']}/{document.number}.pdf" and document.pdf.name in keys
    stored = s3_storage.read(document.pdf.name)
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == document.pdf_sha256
    api = world.api["person"]
    response = api.client.get(f"/api/v1/applications/{app['id']}/documents/{document.number}.pdf", **api.headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stored

    # Nothing on the app server's disk.
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_another_process_sees_the_same_objects(world, s3_storage, tmp_path):
    app, uploads = s4_permit(world)
    document = ResultDocument.objects.get(application_id=app["id"])
    attachment = Attachment.objects.filter(application_id=app["id"]).first()
    # A fresh boto3 client, nothing shared with the app's storage object.
    fresh = s3_storage.client()
    head = fresh.head_object(Bucket=s3_storage.bucket, Key=document.pdf.name)
    assert head["ContentLength"] == document.pdf.size
    assert "x-amz-acl" not in {k.lower() for k in head["ResponseMetadata"]["HTTPHeaders"]}
    # A second app server: a new Django process configured from the environment alone.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ELICENSE_S3_"))}
    env.update(s3_storage.environ, DJANGO_SETTINGS_MODULE="elicense.settings", ELICENSE_VAR_DIR=str(tmp_path / "var"))
    script = (
        "import hashlib, sys, django\n"
        "django.setup()\n"
        "from django.core.files.storage import default_storage, storages\n"
        "print(type(storages['default']).__name__)\n"
        "for name in sys.argv[1:]:\n"
        "    with default_storage.open(name, 'rb') as f:\n"
        "        print(hashlib.sha256(f.read()).hexdigest())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, document.pdf.name, attachment.file.name], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["S3Storage", document.pdf_sha256, attachment.sha256]
    assert not (tmp_path / "var" / "media").exists()


# -- STORAGES from the environment ------------------------------------------------------------------------
def test_local_folder_by_default():
    storages = storages_from_env({})
    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # MEDIA_ROOT
    assert storages["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert storages_from_env({"ELICENSE_STORAGE": "local"}) == storages


def test_s3_from_the_environment():
    storages = storages_from_env({
        "ELICENSE_STORAGE": "s3", "ELICENSE_S3_BUCKET": "elicense-files", "ELICENSE_S3_ENDPOINT_URL": "https://s3.example.kz",
        "ELICENSE_S3_REGION": "kz-ala-1", "ELICENSE_S3_ACCESS_KEY": "AK", "ELICENSE_S3_SECRET_KEY": "SK",
        "ELICENSE_S3_ADDRESSING_STYLE": "path", "ELICENSE_S3_PREFIX": "prod",
    })
    assert storages["default"] == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "elicense-files", "endpoint_url": "https://s3.example.kz", "region_name": "kz-ala-1",
        "access_key": "AK", "secret_key": "SK", "addressing_style": "path", "location": "prod",
        "default_acl": None, "querystring_auth": False, "file_overwrite": False}}
    # Only the bucket is needed: credentials and region then come from boto3's own chain.
    assert storages_from_env({"ELICENSE_STORAGE": "s3", "ELICENSE_S3_BUCKET": "b"})["default"]["OPTIONS"] == {
        "bucket_name": "b", "location": "", "default_acl": None, "querystring_auth": False, "file_overwrite": False}


@pytest.mark.parametrize("environ", [
    {"ELICENSE_STORAGE": "s3"},
    {"ELICENSE_STORAGE": "nfs"},
    {"ELICENSE_STORAGE": "s3", "ELICENSE_S3_BUCKET": "b", "ELICENSE_S3_ADDRESSING_STYLE": "dns"},
])
def test_a_wrong_storage_setting_stops_the_start(environ):
    with pytest.raises(RuntimeError):
        storages_from_env(environ)


def test_sessions_are_in_the_shared_database():
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
