"""What a restore must give back, read from the configured database and storage (core/tests/test_backup.py).

``facts()`` is called in the test process on the original; ``python -m core.tests.restore_check <pdf dir>`` prints
the same as JSON for the database and storage its environment names (the restored ones), writing every result
PDF into <pdf dir> for pyHanko. Signatures are re-verified with applications.signing.reverify, the public
verification is registry.public.verification, and the audit chain is checked by ``manage.py verify_audit``.
"""
from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path


def facts(pdf_dir: Path | None = None) -> dict:
    from django.apps import apps
    from django.core.management import CommandError, call_command

    from applications.models import Application, Attachment, ResultDocument, Revision, Signature
    from applications.signing import reverify, signed_signature
    from registry import public
    from registry.models import Record

    counts = {m.__name__: m.objects.count() for m in (Application, Revision, Signature, Attachment, ResultDocument,
                                                       Record)}
    signatures = {}
    for app in Application.objects.order_by("id"):
        signature = signed_signature(app)
        if signature is not None:
            check = reverify(app, signature)
            signatures[app.number or str(app.pk)] = [check["valid"], check["reason"], check["content_unchanged"]]
    attachments = {}
    for a in Attachment.objects.order_by("id"):
        with a.file.open("rb") as f:
            attachments[a.file.name] = [hashlib.sha256(f.read()).hexdigest(), a.sha256]
    documents, verifications = {}, {}
    for doc in ResultDocument.objects.exclude(pdf="").order_by("id"):
        with doc.pdf.open("rb") as f:
            data = f.read()
        documents[doc.number] = [hashlib.sha256(data).hexdigest(), doc.pdf_sha256]
        if pdf_dir is not None:
            (pdf_dir / f"{doc.number}.pdf").write_bytes(data)
        verifications[doc.number] = json.loads(json.dumps(public.verification(doc.number), default=str))
    audit = None
    if apps.is_installed("audit"):
        out = io.StringIO()
        try:
            call_command("verify_audit", "--no-extend", stdout=out)
            audit = [True, out.getvalue().strip()]
        except CommandError as err:
            audit = [False, str(err)]
    return {"counts": counts, "signatures": signatures, "attachments": attachments, "documents": documents,
            "verifications": verifications, "audit": audit}


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(facts(Path(sys.argv[1]) if len(sys.argv) > 1 else None), sort_keys=True))
