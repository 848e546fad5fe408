"""The administrator's trust-store page (/office/admin/trust/): roots, intermediate CAs and CRLs added (PEM or
DER) and removed, each change audited; a bad upload is a clear, localised form error, never a 500. The PKI is
one made with the openssl command line (integrations/tests/openssl_pki.py)."""
from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from integrations import trust
from integrations.models import TrustItem
from integrations.signatures import TrustStore
from integrations.tests.openssl_pki import OpensslPki

PASSWORD = "demo-pass-123"
URL = "/office/admin/trust/"


@pytest.fixture(scope="module")
def nca(tmp_path_factory):
    return OpensslPki.create(tmp_path_factory.mktemp("nca") / "pki")


@pytest.fixture
def admin(db, settings):
    from accounts.models import User

    settings.ELICENSE_TRUST_STORE = "database"
    TrustItem.objects.all().delete()
    TrustStore.clear_cache()
    User.objects.create_user(username="root", password=PASSWORD, kind="administrator")

    def client(lang="en"):
        c = Client(HTTP_ACCEPT_LANGUAGE=lang)
        assert c.post("/office/login/", {"username": "root", "password": PASSWORD}).status_code == 302
        return c

    return client


def upload(client, kind, content, name="x.der"):
    return client.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_roots_intermediates_and_der_crls_are_added_listed_and_removed(admin, nca):
    client = admin()
    assert upload(client, "root", nca.root_cert.public_bytes(serialization.Encoding.DER)).status_code == 302
    assert upload(client, "intermediate", nca.issuing_pem.read_bytes(), "issuing.pem").status_code == 302
    assert upload(client, "crl", nca.crl_der("issuing"), "issuing.crl").status_code == 302
    assert upload(client, "crl", nca.crl_der("root"), "root.crl").status_code == 302
    assert sorted(TrustItem.objects.values_list("kind", flat=True)) == ["crl", "crl", "intermediate", "root"]
    store = trust.current_store()
    assert len(store.cas) == 2 and all(ca.crl is not None for ca in store.cas.values())
    html = client.get(URL).content.decode()
    issuing = nca.issuing_cert
    assert issuing.subject.rfc4514_string() in html and issuing.issuer.rfc4514_string() in html
    assert timezone.localtime(issuing.not_valid_after_utc).strftime("%d.%m.%Y") in html  # as Almaty reads it
    next_update = x509.load_der_x509_crl(nca.crl_der("issuing")).next_update_utc
    assert timezone.localtime(next_update).strftime("%d.%m.%Y") in html and "intermediate CA" in html
    changes = list(AuditEntry.objects.filter(kind="admin_change", actor_username="root").values_list("data", flat=True))
    assert [c["change"] for c in changes] == ["trust_item_added"] * 4
    assert changes[1]["subject"] == issuing.subject.rfc4514_string()
    # Removing: every item has its button; the removal is audited.
    item = TrustItem.objects.get(kind="intermediate")
    assert f'name="remove" value="{item.pk}"' in html
    assert client.post(URL, {"remove": item.pk}).status_code == 302
    assert not TrustItem.objects.filter(pk=item.pk).exists()
    removed = AuditEntry.objects.filter(data__change="trust_item_removed").get()
    assert removed.actor_username == "root" and removed.data["item"] == f"intermediates/{item.name}"
    assert len(trust.current_store().cas) == 1


@pytest.mark.parametrize(("kind", "content", "message"), [
    ("crl", b"not a crl at all", "not one certificate or revocation list"),
    ("root", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not one certificate"),
    ("root", "issuing_pem", "must be a self-signed CA certificate"),
    ("intermediate", "root_pem", "add it as a trusted root"),
    ("intermediate", "issuing_pem", "does not chain to a trusted root"),  # its root not in the store
    ("intermediate", "leaf_pem", "not a CA certificate"),
    ("root", b"x" * (1024 * 1024 + 10), "too large"),
    ("nonsense", b"x", "Select a valid choice"),
])
def test_a_bad_upload_is_a_form_error_and_changes_nothing(admin, nca, kind, content, message, tmp_path):
    if content == "issuing_pem":
        content = nca.issuing_pem.read_bytes()
    elif content == "root_pem":
        content = nca.root_pem.read_bytes()
    elif content == "leaf_pem":
        content = nca.copy(tmp_path / "copy").issue("leaf", iin="900101300123", surname="A", given_name="B") \
            .cert_pem.read_bytes()
    client = admin()
    response = upload(client, kind, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert TrustItem.objects.count() == 0 and not AuditEntry.objects.filter(data__change="trust_item_added").exists()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_error_is_in_the_pages_language(admin, nca, lang):
    from django.utils import translation

    from integrations.actions import REFUSALS

    response = upload(admin(lang), "root", nca.issuing_pem.read_bytes())
    assert response.status_code == 200
    with translation.override(lang):
        expected = str(REFUSALS["not_self_signed"])
    assert expected in response.content.decode()
