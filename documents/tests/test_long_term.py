"""Long-term validation: after the officer's certificate has expired and with the CRL endpoint stopped,
the signed result still validates offline from what it carries (chain, CRLs at signing time, timestamps)."""
import datetime
import subprocess
import sys
from pathlib import Path

from django.test import Client

from documents.tests import helpers as h

PYHANKO = str(Path(sys.executable).with_name("pyhanko"))


def pyhanko(*args, cwd):
    return subprocess.run([PYHANKO, "sign", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_licence_validates_offline_after_the_officer_certificate_expired(world, settings, tmp_path):
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    # The deciding officer's certificate expires one hour after signing.
    # (the officer's own EDS, held by the test as their NCALayer holds it: the system never has the key)
    cert = world.officer_certificate(world.committee_officer, not_before=now - datetime.timedelta(hours=1),
                                     not_after=now + datetime.timedelta(hours=1))
    world.api["committee_officer"].signing_certificate = cert
    app = h.s1_licence(world, "ru", who="person")
    doc = h.document_of(app, "licence")
    path = tmp_path / "licence.pdf"
    path.write_bytes(h.download(world.api["person"], app["id"], doc["number"]))
    root = str(world.pki.root_pem_path)

    # The CRL distribution point is stopped.
    settings.ELICENSE_CRL_ENDPOINT_ENABLED = False
    assert Client().get("/pki/crl/issuing.crl").status_code == 503
    later = (now + datetime.timedelta(days=1)).isoformat()
    assert cert.not_valid_after_utc < datetime.datetime.fromisoformat(later)

    # AdES validation at that later time, from the embedded material only: intact and trusted.
    result = pyhanko("adesverify", "--trust", root, "--trust-replace", "--validation-time", later, str(path),
                     cwd=tmp_path)
    assert result.returncode == 0, (result.stdout, result.stderr[-3000:])
    assert ":INTACT:TRUSTED," in result.stdout and "EXTENDED_WITH_LTA_UPDATES" in result.stdout, result.stdout

    # Without the long-term material (plain validation at that time) the expired certificate is not trusted.
    plain = pyhanko("validate", "--trust", root, "--trust-replace", "--validation-time", later, str(path), cwd=tmp_path)
    assert plain.returncode != 0 and ":INTACT:UNTRUSTED" in plain.stdout, plain.stdout
