"""``manage.py make_demo_pki``: write the demo PKI (trust store + user keys).

    manage.py make_demo_pki [--dir DIR] [--iin IIN ...] [--bin BIN|- ...]
                            [--role ROLE] [--json FILE] [--password PW]
                            [--crl-days N] [--force] [--refresh-crl]

* ``--dir`` defaults to ``settings.ELICENSE_TRUST_DIR``. If the folder already
  holds a demo PKI it is reused (users are added); ``--force`` makes a new one.
* Each ``--iin`` is one person. The i-th ``--bin`` belongs to the i-th
  ``--iin`` (``-`` for none: an individual). A person with a BIN gets the
  ``--role`` role (default ``first_head``).
* ``--json FILE``: a list of objects ``{"iin", "bin"?, "org"?, "surname"?,
  "given_name"?, "role"?, "purposes"? (default ["sign", "auth"]),
  "password"?}``.
* Every person gets a signing and an authentication certificate, written as
  ``users/IIN<iin>[_BIN<bin>]_<purpose>.p12`` (password ``--password``,
  default ``Qwerty12`` like the NCA's test keys) and ``.pem``.
* ``--refresh-crl`` only re-issues the CRLs of an existing PKI (they expire
  after ``--crl-days``; the verifier fails closed on a stale CRL).
* The folder's roots, intermediates and CRLs are then imported into the trust
  store in the database (as ``import_trust_dir --replace`` does), unless
  ``ELICENSE_TRUST_STORE=directory`` (the verifier then reads the folder).

The demo-data loader should call :mod:`integrations.pki` directly
(``make_pki``/``load_pki``/``issue``/``save_user``) rather than this command.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from integrations import pki as demo_pki
from integrations import trust

DEFAULT_PASSWORD = "Qwerty12"
ROLES = ("individual", "first_head", "signing_right", "employee")


def _identities(options) -> list[dict]:
    people = []
    iins = options["iin"] or []
    bins = options["bin"] or []
    if len(bins) > len(iins):
        raise CommandError("each --bin belongs to the --iin at the same position: more --bin than --iin given")
    for i, iin in enumerate(iins):
        bin_ = bins[i] if i < len(bins) and bins[i] not in ("-", "") else None
        people.append({"iin": iin, "bin": bin_})
    if options["json"]:
        try:
            data = json.loads(Path(options["json"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['json']}: {exc}") from exc
        if not isinstance(data, list):
            raise CommandError("the JSON file must hold a list of objects")
        people.extend(data)
    return people


class Command(BaseCommand):
    help = "Write the demo PKI (root CA, issuing CA, CRLs) and PKCS#12 keys for given identities."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="target folder (default: settings.ELICENSE_TRUST_DIR)")
        parser.add_argument("--iin", action="append", help="a person's IIN (repeat)")
        parser.add_argument("--bin", action="append", help="BIN for the --iin at the same position, '-' for none")
        parser.add_argument("--role", default="first_head", choices=ROLES[1:], help="role of people with a BIN")
        parser.add_argument("--json", help="JSON file with a list of identities")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="PKCS#12 password")
        parser.add_argument("--crl-days", type=int, default=30, help="CRL validity in days")
        parser.add_argument("--force", action="store_true", help="replace an existing PKI in the folder")
        parser.add_argument("--refresh-crl", action="store_true", help="only re-issue the CRLs")

    def handle(self, *args, **options):
        directory = Path(options["dir"] or settings.ELICENSE_TRUST_DIR)
        existing = (directory / "private" / "state.json").exists()
        if options["refresh_crl"]:
            if not existing:
                raise CommandError(f"no demo PKI in {directory}")
            pki = demo_pki.load_pki(directory)
            pki.crl_validity = dt.timedelta(days=options["crl_days"])
            demo_pki.write_crls(pki)
            self.stdout.write(f"CRLs re-issued in {directory}")
            self._import(directory)
            return
        people = _identities(options)
        if existing and not options["force"]:
            pki = demo_pki.load_pki(directory)
            self.stdout.write(f"reusing the demo PKI in {directory}")
        else:
            if options["force"]:
                for sub in ("roots", "intermediates", "crls", "private", "users"):
                    shutil.rmtree(directory / sub, ignore_errors=True)
            pki = demo_pki.make_pki(directory, crl_validity=dt.timedelta(days=options["crl_days"]))
            self.stdout.write(f"demo PKI written to {directory}")
        for n, person in enumerate(people, 1):
            try:
                self._issue(pki, person, n, options)
            except (KeyError, TypeError, ValueError) as exc:
                raise CommandError(f"identity {person!r}: {exc}") from exc
        self._import(directory)

    def _import(self, directory: Path) -> None:
        if trust.uses_database():
            self.stdout.write(f"trust store: {trust.import_directory(directory, replace=True)}")

    def _issue(self, pki, person: dict, n: int, options) -> None:
        iin = str(person["iin"]).strip()
        bin_ = (str(person["bin"]).strip() if person.get("bin") else "") or None
        role = person.get("role") or (options["role"] if bin_ else "individual")
        password = person.get("password") or options["password"]
        for purpose in person.get("purposes") or ("sign", "auth"):
            cert, key = demo_pki.issue(
                pki,
                iin=iin,
                bin=bin_,
                org=person.get("org"),
                surname=person.get("surname") or "DEMO",
                given_name=person.get("given_name") or f"USER{n}",
                purpose=purpose,
                role=role,
                key=None,  # NCA users have separate signing and authentication keys
            )
            path = demo_pki.save_user(pki, cert, key, password=password)
            self.stdout.write(f"  {path.relative_to(pki.directory)}  ({role}, {purpose})")
