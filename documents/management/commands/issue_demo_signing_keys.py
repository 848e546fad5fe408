"""DEMO ONLY: the system seal and the timestamp authority's certificate (kept by the server), and every
officer's own signing EDS written as ``<username>_sign.p12`` into the demo keys folder the NCALayer stand-in
reads (default ``ELICENSE_TRUST_DIR/users``, as for the demo applicants) — never into the database: the system
holds no officer key; officers sign through NCALayer.
"""
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.management.commands.load_demo import KEY_PASSWORD, write_officer_keys
from integrations import pki as demo_pki


class Command(BaseCommand):
    help = "DEMO ONLY: the system seal, the TSA, and the demo officers' EDS files (.p12) for the NCALayer stand-in."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="folder for the officers' .p12 files (default: ELICENSE_TRUST_DIR/users)")
        parser.add_argument("--password", default=KEY_PASSWORD, help="the .p12 files' password")

    def handle(self, *args, dir=None, password=KEY_PASSWORD, **options):  # noqa: A002 - the option's name
        call_command("make_demo_seal")
        trust_dir = Path(settings.ELICENSE_TRUST_DIR)
        pki = demo_pki.load_pki(trust_dir)
        written = write_officer_keys(pki, Path(dir) if dir else pki.users_dir, password)
        self.stdout.write(f"demo officer EDS files written: {len(written)} (system seal and TSA ready)")
