"""The result documents' background work: making a document's signed PDF, and the sweep that finds
documents still without one (a lost message, a crashed worker) and enqueues them again."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from applications.models import ResultDocument


@task()
def produce_document(document_id: int) -> bool:
    """Render and seal (the system's documents) or prepare for the officer's signature (theirs) one document;
    nothing if it has its PDF or is prepared already (idempotent)."""
    from documents.produce import produce

    document = (ResultDocument.objects.select_related("application", "signer", "registry_entry__record")
                .filter(pk=document_id, pdf_sha256="").first())
    if document is None:
        return False
    return produce(document)


def enqueue_pending(application_id: int) -> int:
    """Enqueue the documents of a request that have no PDF yet (called after the issuing transaction)."""
    ids = list(ResultDocument.objects.filter(application_id=application_id, pdf_sha256="").values_list("pk", flat=True))
    for document_id in ids:
        produce_document.enqueue(document_id)
    return len(ids)


@task()
def produce_missing_documents() -> int:
    """Periodic: documents issued more than ELICENSE_DOCUMENT_SWEEP_AFTER seconds ago still without a PDF
    (and not prepared: those wait for their officer's signature)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.ELICENSE_DOCUMENT_SWEEP_AFTER)
    ids = list(ResultDocument.objects.filter(pdf_sha256="", issued_at__lte=cutoff, signing_session=None)
               .order_by("issued_at").values_list("pk", flat=True)[:500])
    for document_id in ids:
        produce_document.enqueue(document_id)
    return len(ids)
