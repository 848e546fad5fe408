"""``manage.py load_demo``: reference data, demo people and their EDS keys.

Idempotent: run it on every start; it adds what is missing. Prints the demo
log-ins. Every value it creates is a demo value.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
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


def demo_users():
    """(username, fields, groups, description) of every demo user."""
    alive, companies = _people()
    person, company = alive[1], companies[0]
    head = next(p for p in alive if p["iin"] == company["head_iin"])
    return [
        ("aigul", dict(kind="applicant", iin=person["iin"], last_name=person["last_name"], first_name=person["first_name"],
                       patronymic=person["patronymic"]), [], "applicant, individual"),
        ("dala-telecom", dict(kind="applicant", iin=head["iin"], bin=company["bin"], organisation_name=company["name"],
                              last_name=head["last_name"], first_name=head["first_name"]), [],
         "applicant, legal entity (first head)"),
        ("committee-officer", dict(kind="officer", unit="committee", last_name="Сәрсенов", first_name="Нұрлан"),
         ["provider"], "Committee officer (S1, S2)"),
        ("almaty-inspector", dict(kind="officer", unit="inspection-almaty-city", last_name="Омарова", first_name="Дина"),
         ["provider"], "Almaty city Inspection officer (S3, S4)"),
        ("astana-inspector", dict(kind="officer", unit="inspection-astana", last_name="Қасымов", first_name="Арман"),
         ["provider"], "Astana Inspection officer (S3, S4)"),
        ("clerk", dict(kind="officer", unit="committee", last_name="Бекова", first_name="Сәуле"), ["office_clerk"],
         "Committee office clerk (S2 2015)"),
        ("head", dict(kind="officer", unit="committee", last_name="Ахметов", first_name="Ерлан"), ["head"],
         "head of the Committee (S2 2015)"),
        ("unit-head", dict(kind="officer", unit="committee", last_name="Жұмабаева", first_name="Гүлнар"), ["unit_head"],
         "head of the structural unit (S2 2015)"),
        ("executor", dict(kind="officer", unit="committee", last_name="Ли", first_name="Виктор"), ["executor"],
         "responsible executor (S2 2015)"),
        ("psc-operator", dict(kind="psc_operator", last_name="Тоқтарова", first_name="Айым"), [],
         "public service centre operator"),
        ("admin", dict(kind="administrator", is_staff=True, is_superuser=True), [], "administrator"),
    ]


class Command(BaseCommand):
    help = "Load reference data, demo users and their EDS keys (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-keys", action="store_true", help="skip the demo PKI")

    @transaction.atomic
    def handle(self, *args, no_keys=False, **options):
        load_reference_data()
        now = timezone.now()
        for username, fields, groups, _ in demo_users():
            fields = dict(fields)
            unit = fields.pop("unit", None)
            if unit:
                fields["provider_unit"] = ProviderUnit.objects.get(code=unit)
            if fields["kind"] == "applicant":
                fields["portal_registered_at"] = now
            user, created = User.objects.get_or_create(username=username, defaults=fields)
            if created:
                user.set_password(PASSWORD)
                user.save()
            for name in groups:
                user.groups.add(Group.objects.get_or_create(name=name)[0])
        if not no_keys:
            self._keys()
        self.stdout.write(self.summary())

    def _keys(self):
        directory = Path(settings.ELICENSE_TRUST_DIR)
        pki = demo_pki.load_pki(directory) if (directory / "roots").exists() else demo_pki.make_pki(directory)
        demo_pki.write_crls(pki)  # fresh CRLs at every start
        if trust.uses_database():  # the trust store every server reads (docs/signatures.md)
            trust.import_directory(directory, replace=True)
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

    @staticmethod
    def summary() -> str:
        lines = [f"Demo log-ins (password for all: {PASSWORD}; EDS key files in "
                 f"{Path(settings.ELICENSE_TRUST_DIR) / 'users'}, password {KEY_PASSWORD}):"]
        for username, _, _, description in demo_users():
            lines.append(f"  {username:<18} {description}")
        return "\n".join(lines)
