"""Documents are signed against a demo PKI whose CRL distribution points and timestamp service are
this project's own endpoints, served by pytest-django's live server (real HTTP)."""
import pytest

from integrations import pki as demo_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory, live_server):
    """Overrides the root conftest's PKI: CRL URLs point to the live server's /pki/crl/."""
    return demo_pki.make_pki(tmp_path_factory.mktemp("served-trust"), crl_base_url=f"{live_server.url}/pki/crl/")


@pytest.fixture(autouse=True)
def _served(settings, live_server):
    settings.ELICENSE_TSA_URL = f"{live_server.url}/tsa/"
    settings.ELICENSE_PUBLIC_URL = live_server.url
    settings.ELICENSE_CRL_ENDPOINT_ENABLED = True
