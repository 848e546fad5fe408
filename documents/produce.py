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

SIGNING_KINDS = ("officer", "psc_operator", "administrator")


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


def signer_for(actor):
    """The deciding officer (or PSC operator); automatic steps and applicants' actions: the system seal."""
    if actor is not None and getattr(actor, "kind", "") in SIGNING_KINDS:
        return actor
    return None


def produce(document, actor=None, *, licence_number: str | None = None) -> None:
    user = signer_for(actor)
    identity = signing_identity(user)
    started = time.perf_counter()
    name = (user.full_name() if user is not None else "") or identity.common_name
    ctx = Context(document, signer_name=name, licence_number=licence_number)
    layout = layout_builder(document.kind, document.application.service)(ctx)
    if ctx.variant == "duplicate" and layout.mark is None:
        layout.mark = ("ТЕЛНҰСҚА", "ДУБЛИКАТ")
    pdf = render(layout, number=document.number, verify_url=verify_url(document.number))
    rendered = time.perf_counter()
    signed = sign_pdf(pdf, identity, number=document.number, reason=f"{layout.title[1]} {document.number}",
                      location=ctx.city[1], signer_name=name)
    document.pdf.save(f"{document.number}.pdf", ContentFile(signed), save=False)
    document.pdf_sha256 = hashlib.sha256(signed).hexdigest()
    document.signer_name = name
    document.save(update_fields=["pdf", "pdf_sha256", "signer_name"])
    log.info("document %s: render %.0f ms, sign %.0f ms", document.number, (rendered - started) * 1000,
             (time.perf_counter() - rendered) * 1000)
