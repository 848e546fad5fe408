"""Production mode refuses development settings and demo material (web/production.py, ADR 0011): each refusal
by the check functions, and in subprocesses the hard refusal at start-up (manage.py, gunicorn) and a correctly
configured production environment that passes ``manage.py check --deploy --fail-level ERROR``."""
import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from simulators.harness import free_port
from web.production import check_production

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
SECRET = secrets.token_urlsafe(50)


def _real_trust_dir(directory: Path) -> Path:
    """A trust store that is not the demo PKI: one self-signed root (EC, fast), no private keys beside it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test national root"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test NCA")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (directory / "roots").mkdir(parents=True)
    (directory / "roots" / "root.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return directory


def _real_seal_and_tsa(seal_dir: Path, tsa_dir: Path) -> None:
    """The system's own seal and TSA certificate (EC, fast) as a real CA would issue them: not demo material."""
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = dt.datetime.now(dt.UTC)
    for folder, name, tsa in ((seal_dir, "seal", False), (tsa_dir, "tsa", True)):
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"E-licensing {name}"),
                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test NCA")])
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(2).not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                                crl_sign=False, encipher_only=False, decipher_only=False), critical=True))
        if tsa:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.pem").write_bytes(builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
        (folder / f"{name}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def production_environment(tmp_path: Path) -> dict:
    trust = _real_trust_dir(tmp_path / "trust")
    _real_seal_and_tsa(tmp_path / "seal", tmp_path / "tsa")
    return {
        "ELICENSE_ENV": "production",
        "ELICENSE_SECRET_KEY": SECRET,
        "DATABASE_URL": "postgres://elicense@127.0.0.1:1/elicense",  # never connected to by these checks
        "ELICENSE_ALLOWED_HOSTS": "elicense.example.kz",
        "ELICENSE_TRUST_DIR": str(trust),
        "ELICENSE_TSA_DIR": str(tmp_path / "tsa"),
        "ELICENSE_SEAL_DIR": str(tmp_path / "seal"),
        "ELICENSE_DEMO_OFFICER_KEYS": "0",
        "ELICENSE_REGISTRY_SECRET": secrets.token_hex(16),
        "ELICENSE_PAYMENTS_SECRET": secrets.token_hex(16),
        "ELICENSE_DOCUMENTS_SECRET": secrets.token_hex(16),
        "ELICENSE_VAR_DIR": str(tmp_path / "var"),
    }


@pytest.fixture
def production(settings, tmp_path):
    """The test settings made fit for production; each test then breaks one thing."""
    env = production_environment(tmp_path)
    settings.DEBUG = False
    settings.SECRET_KEY = SECRET
    settings.DATABASES = {"default": {**settings.DATABASES["default"], "ENGINE": "django.db.backends.postgresql"}}
    settings.ALLOWED_HOSTS = ["elicense.example.kz"]
    settings.ELICENSE_TRUST_DIR = Path(env["ELICENSE_TRUST_DIR"])
    settings.ELICENSE_TSA_DIR = env["ELICENSE_TSA_DIR"]
    settings.ELICENSE_SEAL_DIR = env["ELICENSE_SEAL_DIR"]
    settings.ELICENSE_DEMO_OFFICER_KEYS = "0"
    for name in ("ELICENSE_REGISTRY_SECRET", "ELICENSE_PAYMENTS_SECRET", "ELICENSE_DOCUMENTS_SECRET"):
        setattr(settings, name, env[name])
    settings.ELICENSE_BENCH_ENDPOINTS = False
    settings.ELICENSE_CACHE = "redis"
    return settings


def _ids(errors):
    return sorted({(e.id, e.msg.split(":")[0]) for e in errors})


def test_a_correctly_configured_production_passes(production):
    assert check_production() == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"DEBUG": True}, [("elicense.E001", "DEBUG")]),
    ({"SECRET_KEY": "insecure-development-key-do-not-use-in-production"}, [("elicense.E002", "SECRET_KEY")]),
    ({"SECRET_KEY": ""}, [("elicense.E002", "SECRET_KEY")]),
    ({"SECRET_KEY": "short"}, [("elicense.E002", "SECRET_KEY")]),
    ({"ALLOWED_HOSTS": ["elicense.example.kz", "*"]}, [("elicense.E004", "ALLOWED_HOSTS")]),
    ({"SESSION_COOKIE_SECURE": False}, [("elicense.E005", "SESSION_COOKIE_SECURE")]),
    ({"CSRF_COOKIE_SECURE": False}, [("elicense.E005", "CSRF_COOKIE_SECURE")]),
    ({"ELICENSE_DEMO_OFFICER_KEYS": "1"}, [("elicense.E008", "ELICENSE_DEMO_OFFICER_KEYS")]),
    ({"ELICENSE_REGISTRY_SECRET": "dev-registry-secret"}, [("elicense.E009", "ELICENSE_REGISTRY_SECRET")]),
    ({"ELICENSE_PAYMENTS_SECRET": "dev-payments-secret"}, [("elicense.E009", "ELICENSE_PAYMENTS_SECRET")]),
    ({"ELICENSE_DOCUMENTS_SECRET": ""}, [("elicense.E009", "ELICENSE_DOCUMENTS_SECRET")]),
    ({"ELICENSE_BENCH_ENDPOINTS": True}, [("elicense.E010", "ELICENSE_BENCH_ENDPOINTS")]),
    ({"ELICENSE_CACHE": "file"}, [("elicense.E014", "ELICENSE_CACHE")]),
    ({"ELICENSE_BEHIND_HTTPS_PROXY": True, "SECURE_HSTS_SECONDS": 0}, [("elicense.E011", "SECURE_HSTS_SECONDS")]),
    ({"SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 0}, [("elicense.E011", "SECURE_HSTS_SECONDS")]),
    ({"ELICENSE_BEHIND_HTTPS_PROXY": True, "SECURE_HSTS_SECONDS": 31536000}, []),
])
def test_each_development_setting_is_refused(production, change, expected):
    for name, value in change.items():
        setattr(production, name, value)
    assert _ids(check_production()) == expected


def test_sqlite_is_refused(production):
    production.DATABASES = {"default": {**production.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3"}}
    assert _ids(check_production()) == [("elicense.E003", "DATABASES['default']")]


def test_the_demo_pki_as_trust_store_is_refused(production, pki):
    production.ELICENSE_TRUST_DIR = pki.directory  # the demo PKI: private/ beside the roots, demo CAs
    errors = check_production()
    (error,) = [e for e in errors if e.id == "elicense.E006"]
    assert error.msg.startswith("ELICENSE_TRUST_DIR: the demo PKI")
    assert "private" in error.msg and "demo PKI's CAs" in error.msg and "demo EDS keys" not in error.msg


def test_a_trust_store_with_a_private_folder_or_demo_keys_is_refused(production):
    trust = Path(production.ELICENSE_TRUST_DIR)
    (trust / "users").mkdir()
    (trust / "users" / "IIN123_sign.p12").write_bytes(b"demo")
    assert _ids(check_production()) == [("elicense.E006", "ELICENSE_TRUST_DIR")]
    (trust / "users" / "IIN123_sign.p12").unlink()
    (trust / "private").mkdir()
    assert _ids(check_production()) == [("elicense.E006", "ELICENSE_TRUST_DIR")]


def test_a_tsa_key_in_the_demo_pki_is_refused(production, pki):
    production.ELICENSE_TSA_DIR = str(pki.directory / "tsa")  # no TSA there, or the demo PKI's: refused either way
    assert _ids(check_production()) == [("elicense.E007", "ELICENSE_TSA_DIR"), ("elicense.E013", "ELICENSE_TSA_CERT")]


def test_production_needs_the_system_seal_and_a_tsa(production, tmp_path):
    """The seal and the TSA are configured key material of their own (documents.seal, ADR 0018)."""
    production.ELICENSE_SEAL_DIR = str(tmp_path / "nowhere")
    errors = check_production()
    assert _ids(errors) == [("elicense.E012", "ELICENSE_SEAL_CERT")]
    assert "is missing" in errors[0].msg and "ELICENSE_SEAL_KEY" in errors[0].hint
    production.ELICENSE_SEAL_DIR = str(tmp_path / "seal")
    production.ELICENSE_TSA_DIR = str(tmp_path / "no-tsa")
    assert _ids(check_production()) == [("elicense.E013", "ELICENSE_TSA_CERT")]
    production.ELICENSE_TSA_URL = "https://tsa.example.kz/tsp"  # an external RFC 3161 TSA instead
    assert _ids(check_production()) == []
    production.ELICENSE_SEAL_PKCS11_URI = "pkcs11:token=seal;object=seal"  # documented, not supported: refused
    (error,) = check_production()
    assert error.id == "elicense.E012" and "not supported" in error.msg


def test_production_refuses_a_demo_seal_and_tsa(db, production, tmp_path, settings):
    from django.core.management import call_command

    settings.ELICENSE_TRUST_STORE = "directory"  # no database here: the own CA's root goes into the folder
    settings.ELICENSE_TRUST_DIR = tmp_path / "trust"
    call_command("make_demo_seal", "--dir", str(tmp_path / "demo-seal"), stdout=open(os.devnull, "w"))
    production.ELICENSE_SEAL_DIR = str(tmp_path / "demo-seal")
    production.ELICENSE_TSA_DIR = ""
    errors = check_production()
    # The seal and the TSA are demo material, and the trust folder now trusts the demo seal's own CA.
    assert _ids(errors) == [("elicense.E006", "ELICENSE_TRUST_DIR"), ("elicense.E012", "ELICENSE_SEAL_CERT"),
                            ("elicense.E013", "ELICENSE_TSA_CERT")]
    assert all("demo material" in e.msg for e in errors if e.id != "elicense.E006")


def _run(command, env, timeout=60):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ELICENSE_", "DATABASE_URL", "DJANGO_"))}
    return subprocess.run(command, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=timeout)


def test_production_environment_passes_the_deploy_check(tmp_path):
    done = _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
                production_environment(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "elicense.E" not in done.stdout + done.stderr


def test_production_mode_refuses_to_start_on_development_settings(tmp_path):
    env = {**production_environment(tmp_path), "ELICENSE_DEBUG": "1", "DATABASE_URL": "sqlite:///x.sqlite3",
           "ELICENSE_REGISTRY_SECRET": "dev-registry-secret"}
    del env["ELICENSE_SECRET_KEY"]
    done = _run([sys.executable, "manage.py", "migrate", "--check"], env)
    assert done.returncode != 0
    assert "ImproperlyConfigured: ELICENSE_ENV=production refuses to start:" in done.stderr
    for name in ("DEBUG", "SECRET_KEY", "DATABASES['default']", "ELICENSE_REGISTRY_SECRET"):
        assert f"  - {name}: " in done.stderr, (name, done.stderr)


def test_gunicorn_does_not_start_in_production_mode_on_demo_material(tmp_path):
    env = {**production_environment(tmp_path), "ELICENSE_DEMO_OFFICER_KEYS": "1",
           "ELICENSE_WEB_BIND": f"127.0.0.1:{free_port()}", "ELICENSE_WEB_WORKERS": "1"}
    done = _run([sys.executable, "-m", "gunicorn", "-c", "elicense/gunicorn_conf.py"], env, timeout=60)
    assert done.returncode != 0
    assert "ELICENSE_DEMO_OFFICER_KEYS: the server would issue officers' signing keys" in done.stdout + done.stderr
