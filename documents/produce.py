"""From a ResultDocument row to its signed PDF: layout → reportlab → pyHanko PAdES (B-LTA)."""
from __future__ import annotations

import hashlib
import importlib
import logging
import time

from django.core.files.base import ContentFile

from documents import conf
from documents.context import Context
from documents.keys import signing_identity
from documents.pdf import render
from documents.signing import sign_pdf
from services import registry as services

log = logging.getLogger(__name__)



def layout_builder(kind: str, service_code: str):
    """The service's own layout of this kind (its package's layouts.LAYOUTS), else the common one
    (documents/layouts/<kind>.py: receipts, refusals)."""
    service = services.get(service_code)
    own = getattr(service.module("layouts"), "LAYOUTS", {})
    if kind in own:
        return own[kind]
    return importlib.import_module(f"documents.layouts.{kind}").build


def verify_url(number: str) -> str:
    return f"{conf.public_url()}/verify/{number}/"


def produce(document) -> bool:
    """Render and sign the document's PDF and store it; False if another worker stored it first.

    Runs outside any transaction that holds the request (a task, documents.tasks): the slow part (render,
    sign, timestamp) holds no lock; the PDF is stored only if the document has none yet."""
    user = document.signer
    identity = signing_identity(user)
    started = time.perf_counter()
    name = (user.full_name() if user is not None else "") or identity.common_name
    entry = getattr(document, "registry_entry", None)
    ctx = Context(document, signer_name=name, licence_number=entry.record.number if entry is not None else None)
    layout = layout_builder(document.kind, document.application.service)(ctx)
    if ctx.variant == "duplicate" and layout.mark is None:
        layout.mark = ("ТЕЛНҰСҚА", "ДУБЛИКАТ")
    pdf = render(layout, number=document.number, verify_url=verify_url(document.number))
    rendered = time.perf_counter()
    signed = sign_pdf(pdf, identity, number=document.number, reason=f"{layout.title[1]} {document.number}",
                      location=ctx.city[1], signer_name=name)
    field = document._meta.get_field("pdf")
    stored = field.storage.save(field.generate_filename(document, f"{document.number}.pdf"), ContentFile(signed))
    digest = hashlib.sha256(signed).hexdigest()
    won = type(document).objects.filter(pk=document.pk, pdf_sha256="").update(
        pdf=stored, pdf_sha256=digest, signer_name=name)
    if not won:  # made meanwhile by another worker: keep theirs
        field.storage.delete(stored)
        return False
    document.pdf.name, document.pdf_sha256, document.signer_name = stored, digest, name
    log.info("document %s: render %.0f ms, sign %.0f ms", document.number, (rendered - started) * 1000,
             (time.perf_counter() - rendered) * 1000)
    return True
