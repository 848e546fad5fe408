"""``manage.py make_demo_seal [--dir DIR] [--issuer-dir DIR] [--force] [--crl-days N]``: DEMO ONLY — issue a demo
system seal and a demo TSA certificate into the seal folder (default ELICENSE_SEAL_DIR, ``var/seal``), from the
demo PKI of ELICENSE_TRUST_DIR (or ``--issuer-dir``) when there is one, else from a CA of its own whose
certificate and CRL are added to the trust store (documents/demo_seal.py). Existing files are kept unless
``--force``. Production refuses the result (web/production.py); set ELICENSE_SEAL_CERT/KEY and
ELICENSE_TSA_CERT/KEY (or ELICENSE_TSA_URL) to the system's real ones there.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand

from documents.demo_seal import issue_demo_seal


class Command(BaseCommand):
    help = "DEMO ONLY: issue a demo system seal and TSA certificate into the seal folder."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="the seal folder (default ELICENSE_SEAL_DIR, var/seal)")
        parser.add_argument("--issuer-dir", default=None, help="a demo PKI folder to issue from "
                                                               "(default ELICENSE_TRUST_DIR, if it is one)")
        parser.add_argument("--force", action="store_true", help="issue anew even if the files exist")
        parser.add_argument("--crl-days", type=int, default=365, help="validity of the own CA's CRL")

    def handle(self, *args, **options):
        made = issue_demo_seal(options["dir"], issuer_dir=options["issuer_dir"], force=options["force"],
                               crl_days=options["crl_days"])
        if not made.created:
            self.stdout.write(f"demo seal: kept the files in {made.directory} (--force to issue anew)")
            return
        self.stdout.write(f"demo seal: {made.seal_cert.subject.rfc4514_string()} and "
                          f"{made.tsa_cert.subject.rfc4514_string()} issued by the {made.issuer} into {made.directory}")
        for item in made.trust_added:
            self.stdout.write(f"  trust store: added {item}")
