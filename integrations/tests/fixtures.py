"""The trust store in the tests (registered in the root conftest; docs/signatures.md, ADR 0012).

Tests point the verifier at a demo PKI's folder (``settings.ELICENSE_TRUST_DIR``) and change it as a CA
would — ``demo_pki.revoke`` / ``write_crls`` re-issue its CRLs. The system reads the trust store from the
database (``integrations.trust``), so for every test that has a database the folder is mirrored into it:
when the test starts, whenever a test sets ``ELICENSE_TRUST_DIR``, and after the demo PKI rewrites the
folder's CRLs. Each import tells this process's cache (``trust.changed()``), as on the server that makes a
change; otherwise the cache is not asked again within the test (``ELICENSE_TRUST_REFRESH_SECONDS`` an hour),
so a request's queries are those of production between two refreshes. Tests of the refresh itself set it.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test.signals import setting_changed

from integrations import pki as demo_pki
from integrations import trust

DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences",
                     "django_db_serialized_rollback"}


def _has_database(request) -> bool:
    return bool(DATABASE_FIXTURES & set(request.fixturenames)) or request.node.get_closest_marker("django_db")


@pytest.fixture(autouse=True)
def _trust_items(request, _trust, settings, monkeypatch):
    settings.ELICENSE_TRUST_REFRESH_SECONDS = 3600
    if not _has_database(request):
        yield
        return
    request.getfixturevalue("db")  # transactional where the test is (live_server, transactional_db)

    def mirror(directory=None):
        if trust.uses_database():
            trust.import_directory(directory or django_settings.ELICENSE_TRUST_DIR, replace=True)

    def on_setting_changed(setting, value, enter, **kwargs):
        if setting == "ELICENSE_TRUST_DIR" and enter:
            mirror(value)

    write_crls = demo_pki.write_crls

    def write_crls_and_mirror(pki, now=None):
        write_crls(pki, now)
        if Path(pki.directory).absolute() == Path(django_settings.ELICENSE_TRUST_DIR).absolute():
            mirror()

    mirror()
    monkeypatch.setattr(demo_pki, "write_crls", write_crls_and_mirror)
    setting_changed.connect(on_setting_changed)
    yield
    setting_changed.disconnect(on_setting_changed)
