"""``manage.py load_demo``: reference data, demo people and their EDS keys.

Idempotent: run it on every start; it adds what is missing. Prints the demo
log-ins. Every value it creates is a demo value.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from integrations import pki as demo_pki
from integrations import trust
from integrations.registry import LocalRegistry
from services.models import ProviderUnit
from services.reference_data import load_reference_data

PASSWORD = "demo-pass-2026"
KEY_PASSWORD = "Qwerty12"


def _people():
    registry = LocalRegistry()
    alive = [p for p in registry._individuals.values() if p["status"] == "alive"]
    companies = [c for c in registry._entities.values() if c.get("status") == "active" and "legal_form" in c]
    return alive, companies


def position(kk: str, ru: str) -> dict:
    """A demo officer's position, as the documents they sign print it."""
    return {"position_kk": kk, "position_ru": ru}


def demo_users():
    """(username, fields, groups, description) of every demo user."""
    alive, companies = _people()
    person, company = alive[1], companies[0]
    head = next(p for p in alive if p["iin"] == company["head_iin"])
    return [
        ("aigul", dict(kind="applicant", iin=person["iin"], last_name=person["last_name"], first_name=person["first_name"],
                       patronymic=person["patronymic"]), [], "applicant, individual"),
        ("dala-telecom", dict(kind="applicant", iin=head["iin"], bin=company["bin"], organisation_name=company["name"],
                              address=company.get("address", ""), company_role="first_head",
                              last_name=head["last_name"], first_name=head["first_name"]), [],
         "applicant, legal entity (first head)"),
        ("committee-officer", dict(kind="officer", unit="committee", last_name="Сәрсенов", first_name="Нұрлан",
                                    **position("Лицензиялау басқармасының басшысы", "Руководитель управления лицензирования")),
         ["provider"], "Committee officer (S1, S2)"),
        ("almaty-inspector", dict(kind="officer", unit="inspection-almaty-city", last_name="Омарова", first_name="Дина",
                                   **position("Инспекция басшысы", "Руководитель инспекции")),
         ["provider"], "Almaty city Inspection officer (S3, S4)"),
        ("astana-inspector", dict(kind="officer", unit="inspection-astana", last_name="Қасымов", first_name="Арман",
                                   **position("Инспекция басшысы", "Руководитель инспекции")),
         ["provider"], "Astana Inspection officer (S3, S4)"),
        ("clerk", dict(kind="officer", unit="committee", last_name="Бекова", first_name="Сәуле",
                       **position("Кеңсе маманы", "Специалист канцелярии")), ["office_clerk"],
         "Committee office clerk (S2 2015)"),
        ("head", dict(kind="officer", unit="committee", last_name="Ахметов", first_name="Ерлан",
                      **position("Комитет төрағасы", "Председатель Комитета")), ["head"],
         "head of the Committee (S2 2015)"),
        ("unit-head", dict(kind="officer", unit="committee", last_name="Жұмабаева", first_name="Гүлнар",
                           **position("Құрылымдық бөлімшенің басшысы", "Руководитель структурного подразделения")), ["unit_head"],
         "head of the structural unit (S2 2015)"),
        ("executor", dict(kind="officer", unit="committee", last_name="Ли", first_name="Виктор",
                          **position("Бас сарапшы", "Главный эксперт")), ["executor"],
         "responsible executor (S2 2015)"),
        ("psc-operator", dict(kind="psc_operator", last_name="Тоқтарова", first_name="Айым",
                               **position("ХҚО операторы", "Оператор ЦОН")), [],
         "public service centre operator"),
        ("admin", dict(kind="administrator", is_staff=True, is_superuser=True), [], "administrator"),
    ]


def demo_newcomers():
    """(key name, person, certificate role, company) of people in the registry simulator with no account: their EDS
    keys let one try registration on the portal (``DEMO_EDS_USER=newcomer scripts/run``; docs/registration.md)."""
    alive, companies = _people()
    free = [p for p in alive if p["iin"] not in {fields.get("iin") for _, fields, _, _ in demo_users()}]
    heads = {c["head_iin"] for c in companies}
    person = next(p for p in free if p["iin"] not in heads)
    employee = next(p for p in free if p is not person)
    return [("newcomer", person, "individual", None), ("dala-employee", employee, "employee", companies[0])]


def demo_officer_iin(n: int) -> str:
    """A demo officer's IIN (an officer's EDS names their IIN): born 1 February 1980, the n-th."""
    from core.identifiers import complete

    for tail in range(10):
        iin = complete(f"8002013{n:03d}{tail}")
        if iin:
            return iin
    raise ValueError(n)


def write_officer_keys(pki, folder: Path, password: str = KEY_PASSWORD) -> list[Path]:
    """DEMO ONLY: each officer's own signing EDS (an employee certificate of their unit's BIN with the right to
    sign) as ``<folder>/<username>_sign.p12`` — the folder the NCALayer stand-in reads, standing for the
    officer's own token. Never written to the database: the system holds no officer key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for user in User.objects.filter(kind=User.Kind.OFFICER).exclude(iin="").select_related("provider_unit"):
        unit = user.provider_unit
        path = folder / f"{user.username}_sign.p12"
        if unit is None or not unit.signing_bin or path.exists():
            continue
        cert, key = demo_pki.issue(pki, iin=user.iin, bin=unit.signing_bin, org=unit.name_ru,
                                   surname=(user.last_name or user.username).upper(),
                                   given_name=(user.first_name or "OFFICER").upper(), purpose="sign",
                                   role="signing_right")
        data = pkcs12.serialize_key_and_certificates(
            path.stem.encode(), key, cert, [pki.ca_cert, pki.root_cert],
            serialization.BestAvailableEncryption(password.encode()))
        path.write_bytes(data)
        path.chmod(0o600)
        (folder / f"{path.stem}.pem").write_bytes(demo_pki.cert_pem(cert))
        written.append(path)
    return written


class Command(BaseCommand):
    help = "Load reference data, demo users and their EDS keys (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-keys", action="store_true", help="skip the demo PKI")

    @transaction.atomic
    def handle(self, *args, no_keys=False, **options):
        load_reference_data()
        call_command("load_numbering_plan", demo=True, stdout=self.stdout)  # the demo numbering plan (numbering/)
        call_command("load_frequency_table", stdout=self.stdout)  # the demo table of frequency allocations (spectrum/)
        now = timezone.now()
        for index, (username, fields, groups, _) in enumerate(demo_users(), start=1):
            fields = dict(fields)
            unit = fields.pop("unit", None)
            if unit:
                fields["provider_unit"] = ProviderUnit.objects.get(code=unit)
            if fields["kind"] == "applicant":
                fields["portal_registered_at"] = now
            user, created = User.objects.get_or_create(username=username, defaults=fields)
            if not created and fields.get("position_ru") and not user.position_ru:  # made before positions
                User.objects.filter(pk=user.pk).update(position_kk=fields["position_kk"], position_ru=fields["position_ru"])
            if created:
                user.set_password(PASSWORD)
                user.save()
            for name in groups:
                user.groups.add(Group.objects.get_or_create(name=name)[0])
            if user.kind == User.Kind.OFFICER and not user.iin:  # an officer's EDS names their IIN (demo value)
                User.objects.filter(pk=user.pk).update(iin=demo_officer_iin(index))
        if not no_keys:
            self._keys()
        self.stdout.write(self.summary())

    def _keys(self):
        directory = Path(settings.ELICENSE_TRUST_DIR)
        pki = demo_pki.load_pki(directory) if (directory / "roots").exists() else demo_pki.make_pki(directory)
        demo_pki.write_crls(pki)  # fresh CRLs at every start
        if trust.uses_database():  # the trust store every server reads (docs/signatures.md)
            trust.import_directory(directory, replace=True)
        call_command("make_demo_seal")  # the system's own seal and TSA, in their own folder (documents.seal)
        write_officer_keys(pki, pki.users_dir)
        for user in User.objects.filter(kind=User.Kind.APPLICANT).exclude(iin=""):
            role = "first_head" if user.bin else "individual"
            for purpose in ("sign", "auth"):
                name = f"{user.username}_{purpose}"
                if (pki.users_dir / f"{name}.p12").exists():
                    continue
                cert, key = demo_pki.issue(
                    pki, iin=user.iin, bin=user.bin or None, org=user.organisation_name or None,
                    surname=user.last_name.upper() or "DEMO", given_name=user.first_name.upper() or "DEMO",
                    purpose=purpose, role=role,
                )
                demo_pki.save_user(pki, cert, key, password=KEY_PASSWORD, name=name)
        for username, person, role, company in demo_newcomers():
            for purpose in ("sign", "auth"):
                name = f"{username}_{purpose}"
                if (pki.users_dir / f"{name}.p12").exists():
                    continue
                cert, key = demo_pki.issue(
                    pki, iin=person["iin"], bin=company["bin"] if company else None,
                    org=company["name"] if company else None, surname=person["last_name"].upper(),
                    given_name=person["first_name"].upper(), purpose=purpose, role=role)
                demo_pki.save_user(pki, cert, key, password=KEY_PASSWORD, name=name)

    @staticmethod
    def summary() -> str:
        lines = [f"Demo log-ins (password for all: {PASSWORD}; EDS key files in "
                 f"{Path(settings.ELICENSE_TRUST_DIR) / 'users'}, password {KEY_PASSWORD}):"]
        for username, _, _, description in demo_users():
            lines.append(f"  {username:<18} {description}")
        lines.append("EDS keys of people not registered yet (DEMO_EDS_USER=<name> scripts/run, then register on "
                     "the portal): " + ", ".join(f"{name} ({role})" for name, _, role, _ in demo_newcomers()))
        return "\n".join(lines)
