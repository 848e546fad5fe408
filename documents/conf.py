"""Settings of the documents app, read from Django settings with environment defaults.

| setting | environment | default | meaning |
| --- | --- | --- | --- |
| ELICENSE_PUBLIC_URL | same | http://127.0.0.1:8000 | base of the verification URL printed in the QR code |
| ELICENSE_TSA_URL | same | "" | RFC 3161 timestamp service; empty: the project TSA called in-process |
| ELICENSE_TSA_DIR | same | <trust dir>/tsa | TSA certificate and key (demo: issued from the demo PKI on first use) |
| ELICENSE_FONT_DIR | same | /usr/share/fonts/truetype/dejavu | DejaVu Sans TrueType fonts (Debian fonts-dejavu-core) |
| ELICENSE_DEMO_OFFICER_KEYS | same | 1 | issue officers' signing keys from the demo PKI when they have none (never in production) |
| ELICENSE_SEAL_DIR | same | <var>/seal | the system seal's folder (``manage.py make_demo_seal`` writes the demo seal and TSA there) |
| ELICENSE_SEAL_CERT | same | <seal dir>/seal.pem | the system seal's certificate, PEM, followed by its CA chain (issuing CA, root) |
| ELICENSE_SEAL_KEY | same | <seal dir>/seal.key.pem | the system seal's private key, PEM (PKCS#8 or traditional) |
| ELICENSE_SEAL_KEY_PASSWORD | same | "" | the seal key's password, if it is encrypted |
| ELICENSE_SEAL_PKCS11_URI | same | "" | the seal key in an HSM (PKCS#11): not supported by this build (refused) |
| ELICENSE_TSA_CERT | same | <TSA dir>/tsa.pem, else <seal dir>/tsa.pem | the built-in TSA's certificate, PEM + chain |
| ELICENSE_TSA_KEY | same | <TSA dir>/tsa.key.pem, else <seal dir>/tsa.key.pem | the built-in TSA's key, PEM |
| ELICENSE_TSA_KEY_PASSWORD | same | "" | the TSA key's password, if it is encrypted |
"""
import os
from pathlib import Path

from django.conf import settings


def _get(name, default):
    return getattr(settings, name, os.environ.get(name, default))


def public_url() -> str:
    return str(_get("ELICENSE_PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")


def tsa_url() -> str:
    return str(_get("ELICENSE_TSA_URL", ""))


def trust_dir() -> Path:
    return Path(settings.ELICENSE_TRUST_DIR)


def tsa_dir() -> Path:
    value = _get("ELICENSE_TSA_DIR", "")
    return Path(value) if value else trust_dir() / "tsa"


def font_dir() -> Path:
    return Path(_get("ELICENSE_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def demo_officer_keys() -> bool:
    return str(_get("ELICENSE_DEMO_OFFICER_KEYS", "1")).lower() in ("1", "true", "yes")


# -- the system's own seal and TSA (documents.seal) -----------------------------------------------------------
def seal_dir() -> Path:
    value = _get("ELICENSE_SEAL_DIR", "")
    return Path(value) if value else Path(settings.VAR_DIR) / "seal"


def seal_cert_path() -> Path:
    value = _get("ELICENSE_SEAL_CERT", "")
    return Path(value) if value else seal_dir() / "seal.pem"


def seal_key_path() -> Path:
    value = _get("ELICENSE_SEAL_KEY", "")
    return Path(value) if value else seal_dir() / "seal.key.pem"


def seal_key_password() -> str:
    return str(_get("ELICENSE_SEAL_KEY_PASSWORD", "") or "")


def seal_pkcs11_uri() -> str:
    return str(_get("ELICENSE_SEAL_PKCS11_URI", "") or "")


def _tsa_default_dir() -> Path:
    return Path(_get("ELICENSE_TSA_DIR", "") or seal_dir())


def tsa_cert_path() -> Path:
    value = _get("ELICENSE_TSA_CERT", "")
    return Path(value) if value else _tsa_default_dir() / "tsa.pem"


def tsa_key_path() -> Path:
    value = _get("ELICENSE_TSA_KEY", "")
    return Path(value) if value else _tsa_default_dir() / "tsa.key.pem"


def tsa_key_password() -> str:
    return str(_get("ELICENSE_TSA_KEY_PASSWORD", "") or "")
