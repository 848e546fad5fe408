"""manage.py validate_document NUMBER|FILE — validate a signed result offline as docs/documents.md says: pyHanko's
AdES validation against the trust store's roots only, then the document timestamps' integrity; print what they say.
--at ISO: validate as of that time; --root PEM (repeatable): other trust roots; --pretty-print."""
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents import renewal


class Command(BaseCommand):
    help = __doc__.split("\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("document", help="a document number, or the path of a PDF")
        parser.add_argument("--at", default=None, help="ISO 8601 validation time (default: now)")
        parser.add_argument("--root", action="append", default=None, help="trust root PEM (default: the trust store's)")
        parser.add_argument("--pretty-print", action="store_true")

    def handle(self, *args, document, at=None, root=None, pretty_print=False, **options):
        from applications.models import ResultDocument
        from integrations import trust

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(document)
            if not path.is_file():
                row = ResultDocument.objects.filter(number=document.strip().upper()).exclude(pdf_sha256="").first()
                if row is None:
                    raise CommandError(f"no signed document {document!r} and no such file")
                path = Path(tmp) / f"{row.number}.pdf"
                with row.pdf.open("rb") as handle:
                    path.write_bytes(handle.read())
            roots = root
            if not roots:
                roots = []
                for i, (_name, data) in enumerate(trust.material("roots")):
                    target = Path(tmp) / f"root-{i}.pem"
                    target.write_bytes(data)
                    roots.append(str(target))
            try:
                adesverify = renewal.pyhanko_command(path, roots, at=at, pretty=pretty_print)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            failed = []
            for label, cmd in (("pyhanko sign adesverify", adesverify),
                               ("timestamp check", renewal.timestamp_check_command(path))):
                self.stdout.write("$ " + " ".join(cmd))
                result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=settings.BASE_DIR)
                self.stdout.write(result.stdout.rstrip())
                if result.returncode != 0:
                    self.stderr.write(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "")
                    failed.append(f"{label}: exit code {result.returncode}")
            if failed:
                raise CommandError("validation failed (" + ", ".join(failed) + ")")
