"""Production mode (``ELICENSE_ENV=production``, ADR 0011, docs/deployment.md): what the system refuses to run with.

Development settings and demo material must never serve the public: debug pages, a known secret key, SQLite,
any host, cookies sent over plain HTTP, HTTPS without HSTS, the demo PKI (its CA keys sit beside its roots, so anyone with the
folder can issue a "valid" EDS), officers' signing keys issued by the server, a system seal or TSA that is missing or
demo material (``make_demo_seal``), the simulators' development
secrets, the bare benchmark endpoints. Each is an ``Error`` naming the setting:

* a system check (``manage.py check --deploy``; scripts/serve runs it with ``--fail-level ERROR``);
* a hard refusal in ``WebConfig.ready()`` when ELICENSE_ENV=production, so that no process — gunicorn's
  workers, the background worker, a management command — starts with them.
"""
from __future__ import annotations

import re
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from documents import conf as documents_conf
from integrations.signatures import TrustStore

# The demo PKI (integrations/pki.py) names itself so in every CA certificate it makes.
DEMO_PKI_ORGANISATION = "E-licensing demo PKI"
# Where scripts/run and manage.py make_demo_pki write it by default.
DEMO_PKI_DIR = Path(settings.BASE_DIR) / "var" / "pki"
DEVELOPMENT_SECRET = re.compile(r"^dev-.*-secret$")
OUTSIDE_SYSTEM_SECRETS = ("ELICENSE_REGISTRY_SECRET", "ELICENSE_PAYMENTS_SECRET", "ELICENSE_DOCUMENTS_SECRET")


def _error(number: int, setting: str, message: str, hint: str | None = None) -> checks.Error:
    return checks.Error(f"{setting}: {message}", hint=hint, id=f"elicense.E{number:03d}")


def is_demo_ca(cert: x509.Certificate) -> bool:
    names = [*cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME),
             *cert.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    return any(attr.value == DEMO_PKI_ORGANISATION for attr in names)


def _demo_material(directory: Path) -> list[str]:
    """Why ``directory`` is (part of) the demo PKI, if it is."""
    reasons = []
    if directory.resolve().is_relative_to(DEMO_PKI_DIR.resolve()):
        reasons.append(f"{directory} is in the demo PKI's folder {DEMO_PKI_DIR} (scripts/run, make_demo_pki)")
    for folder in (directory, directory.parent):
        if (folder / "private").is_dir():
            reasons.append(f"{folder / 'private'} exists (the demo PKI's CA private keys)")
            break
    if (directory / "users").is_dir() and any((directory / "users").glob("*.p12")):
        reasons.append(f"{directory / 'users'} holds demo EDS keys (*.p12)")
    return reasons


def check_production(app_configs=None, **kwargs) -> list[checks.Error]:
    errors = []
    if settings.DEBUG:
        errors.append(_error(1, "DEBUG", "debug mode is on (ELICENSE_DEBUG=1): tracebacks and settings would "
                                         "be shown to the public", "unset ELICENSE_DEBUG"))

    try:
        key = settings.SECRET_KEY or ""
    except ImproperlyConfigured:  # Django refuses an empty key on access
        key = ""
    if not key or key.startswith(("insecure-", "django-insecure")) or len(key) < 50 or len(set(key)) < 5:
        errors.append(_error(2, "SECRET_KEY", "missing, the development key or too weak (ELICENSE_SECRET_KEY)",
                             "set ELICENSE_SECRET_KEY to 50 or more random characters, e.g. "
                             "python -c 'import secrets; print(secrets.token_urlsafe(50))'"))

    for alias, database in settings.DATABASES.items():
        if database["ENGINE"].endswith("sqlite3"):
            errors.append(_error(3, f"DATABASES[{alias!r}]", "SQLite is for development only (DATABASE_URL)",
                                 "set DATABASE_URL=postgres://…"))

    if "*" in settings.ALLOWED_HOSTS:
        errors.append(_error(4, "ALLOWED_HOSTS", "'*' accepts any Host header (ELICENSE_ALLOWED_HOSTS)",
                             "list the public host names in ELICENSE_ALLOWED_HOSTS"))

    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"):
        if not getattr(settings, name, False):
            errors.append(_error(5, name, "cookies would be sent over plain HTTP or readable by scripts "
                                          "(ELICENSE_INSECURE_COOKIES=1?)", "unset ELICENSE_INSECURE_COOKIES"))

    trust_dir = Path(settings.ELICENSE_TRUST_DIR)
    reasons = _demo_material(trust_dir)
    store = TrustStore.for_directory(trust_dir)
    demo_cas = [ca.cert.subject.rfc4514_string() for ca in store.cas.values() if is_demo_ca(ca.cert)]
    if demo_cas:
        reasons.append(f"it trusts the demo PKI's CAs ({'; '.join(demo_cas)})")
    if reasons:
        errors.append(_error(6, "ELICENSE_TRUST_DIR", "the demo PKI: " + "; ".join(reasons),
                             "point ELICENSE_TRUST_DIR at a folder holding only the NCA's roots, intermediates "
                             "and CRLs (docs/signatures.md)"))

    tsa_dir = documents_conf.tsa_dir()
    reasons = _demo_material(tsa_dir)
    tsa_cert = tsa_dir / "tsa.pem"
    try:
        if tsa_cert.is_file() and is_demo_ca(x509.load_pem_x509_certificate(tsa_cert.read_bytes())):
            reasons.append(f"{tsa_cert} was issued by the demo PKI")
    except (OSError, ValueError):
        pass
    if reasons:
        errors.append(_error(7, "ELICENSE_TSA_DIR", "the timestamp authority's key is demo material: "
                                                    + "; ".join(reasons),
                             "set ELICENSE_TSA_DIR to the TSA's own certificate and key, or ELICENSE_TSA_URL"))

    if documents_conf.demo_officer_keys():
        errors.append(_error(8, "ELICENSE_DEMO_OFFICER_KEYS", "the server would issue officers' signing keys "
                                                              "from the demo PKI", "set ELICENSE_DEMO_OFFICER_KEYS=0"))

    for name in OUTSIDE_SYSTEM_SECRETS:
        value = getattr(settings, name, "") or ""
        if not value or DEVELOPMENT_SECRET.match(value):
            errors.append(_error(9, name, "empty or the simulators' development secret (dev-…-secret)",
                                 f"set {name} to the secret agreed with the outside system"))

    behind_https = getattr(settings, "ELICENSE_BEHIND_HTTPS_PROXY", False) or getattr(settings, "SECURE_SSL_REDIRECT",
                                                                                       False)
    if behind_https and int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0) <= 0:
        errors.append(_error(11, "SECURE_HSTS_SECONDS", "served over HTTPS without HSTS: a browser could be "
                                                        "downgraded to plain HTTP (ELICENSE_HSTS_SECONDS=0)",
                             "set ELICENSE_HSTS_SECONDS=31536000 (ADR 0014)"))

    # The system's own seal and TSA (documents.seal, ADR 0018): configured, readable, fit for use, not demo.
    from documents import seal

    for setting, message, hint in seal.production_problems():
        errors.append(_error(12 if setting.startswith("ELICENSE_SEAL") else 13, setting, message, hint))

    if getattr(settings, "ELICENSE_CACHE", "") == "file":
        errors.append(_error(14, "ELICENSE_CACHE", "a folder of this machine is not shared by app servers on "
                                                   "other machines: one would show a verification answer another "
                                                   "has made stale", "set ELICENSE_CACHE=redis (or none)"))
    if getattr(settings, "ELICENSE_BENCH_ENDPOINTS", False):
        errors.append(_error(10, "ELICENSE_BENCH_ENDPOINTS", "the bare benchmark endpoints (/bench/…) are for "
                                                             "benchmarks only", "unset ELICENSE_BENCH_ENDPOINTS"))
    return errors


def refuse_unless_fit_for_production() -> None:
    """WebConfig.ready() under ELICENSE_ENV=production: stop the process on any error above."""
    errors = check_production()
    if errors:
        lines = "\n".join(f"  - {e.msg}" + (f" ({e.hint})" if e.hint else "") for e in errors)
        raise ImproperlyConfigured(f"ELICENSE_ENV=production refuses to start:\n{lines}")
