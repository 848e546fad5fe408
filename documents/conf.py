"""Settings of the documents app, read from Django settings with environment defaults.

| setting | environment | default | meaning |
| --- | --- | --- | --- |
| ELICENSE_PUBLIC_URL | same | http://127.0.0.1:8000 | base of the verification URL printed in the QR code |
| ELICENSE_TSA_URL | same | "" | RFC 3161 timestamp service; empty: the project TSA called in-process |
| ELICENSE_TSA_DIR | same | <trust dir>/tsa | TSA certificate and key (demo: issued from the demo PKI on first use) |
| ELICENSE_FONT_DIR | same | /usr/share/fonts/truetype/dejavu | DejaVu Sans TrueType fonts (Debian fonts-dejavu-core) |
| ELICENSE_DEMO_OFFICER_KEYS | same | 1 | issue officers' signing keys from the demo PKI when they have none (never in production) |
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
