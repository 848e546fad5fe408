"""From a ResultDocument row to its signed PDF: layout → reportlab → pyHanko PAdES (B-LTA).

A licence, permit or order is rendered from what was decided, never from live rows: its registry version
(``registry.models.RecordDocument``) gives the holder (the version's snapshot), the form values the document
prints (taken from the signed revision, plus a re-issue's changes) and the validity; a duplicate is its
source version's content, marked as a duplicate, with its own number and date (:class:`VersionContext`)."""
from __future__ import annotations

import hashlib
import importlib
import logging
import time

from django.core.files.base import ContentFile

from documents import conf
from documents.context import Context
from documents.pdf import render
from documents.seal import seal_identity
from documents.signing import sign_pdf
from registry import cache as registry_cache
from services import registry as services

log = logging.getLogger(__name__)
DUPLICATE_MARK = ("ТЕЛНҰСҚА", "ДУБЛИКАТ")


class _Applicant:
    """The request as a layout reads it, with the holder and the sub-kind of the version printed."""

    def __init__(self, app, version):
        self._app, self._version = app, version

    def __getattr__(self, name):
        return getattr(self._app, name)

    @property
    def applicant_bin(self):
        return self._version.holder_bin

    @property
    def applicant_iin(self):
        return self._version.holder_iin or self._app.applicant_iin

    @property
    def applicant_name(self):
        return self._version.holder_name

    @property
    def sub_kind(self):
        return self._version.sub_kind or self._app.sub_kind


class VersionContext(Context):
    """The context of a registry document: what its version says (a duplicate: its source's), not the
    request's live form or the holder row."""

    def __init__(self, document, entry, signer_name: str):
        super().__init__(document, signer_name=signer_name, licence_number=entry.record.number)
        self.entry = entry
        self.shown = entry.content_version  # a duplicate reproduces its source version
        self.form = dict(self.shown.content)
        if self.shown.holder_name:  # a version written before snapshots keeps the request's own values
            self.app = _Applicant(self.app, self.shown)

    @property
    def variant(self) -> str:
        role = self.shown.role
        return "reissue" if role == "reissue" else ""

    @property
    def holder_name(self) -> str:
        return self.shown.holder_name or super().holder_name

    @property
    def address(self) -> str:
        return self.shown.holder_address if self.shown.holder_name else super().address

    @property
    def valid_until(self) -> str:
        if self.shown.valid_until is not None:
            return self.date(self.shown.valid_until)
        return Context.valid_until.func(self)


def context_of(document, signer_name: str) -> Context:
    entry = getattr(document, "registry_entry", None)
    if entry is None:
        return Context(document, signer_name=signer_name)
    return VersionContext(document, entry, signer_name)


def layout_of(document, signer_name: str = ""):
    """The layout the document is drawn from (the tests compare a duplicate's with its source's)."""
    ctx = context_of(document, signer_name)
    layout = layout_builder(document.kind, document.application.service)(ctx)
    if isinstance(ctx, VersionContext) and ctx.entry.role == "duplicate":
        layout.mark = DUPLICATE_MARK
    return ctx, layout


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
    """Make the document's PDF: sealed and stored (the system's documents), or prepared for its officer's
    signature (``prepare``); False if there was nothing to do (made meanwhile, or prepared already).

    Runs outside any transaction that holds the request (a task, documents.tasks): the slow part (render,
    sign, timestamp) holds no lock; the PDF is stored only if the document has none yet."""
    if document.signer_id is not None:
        from documents.certificates import office_certificate
        from documents.models import SigningSession

        if SigningSession.objects.filter(document=document).exists():
            return False
        certificate = office_certificate(document.signer, this_login=False)
        if certificate is None:  # prepared when the officer asks for the bytes (documents.actions.signing_request)
            return False
        return prepare(document, certificate)
    user = None
    identity = seal_identity()  # the system's own seal, configured on its own (documents.seal)
    started = time.perf_counter()
    name = (user.full_name() if user is not None else "") or identity.common_name
    ctx, layout = layout_of(document, name)
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
    registry_cache.forget_document(document.number)  # its verification answers show its hash
    log.info("document %s: render %.0f ms, sign %.0f ms", document.number, (rendered - started) * 1000,
             (time.perf_counter() - rendered) * 1000)
    return True


def prepare(document, certificate) -> bool:
    """Render the officer's document and prepare it for their signature with ``certificate`` (pyHanko's
    interrupted signing: the stamp names the certificate's holder and serial); the prepared PDF, its reserved
    region and its byte-range digest are kept in a ``SigningSession``. No key is involved."""
    from django.db import transaction
    from django.utils import timezone

    from documents.certificates import serial_of, session_holder
    from documents.models import SigningSession
    from documents.signing import prepare_pdf

    started = time.perf_counter()
    name = document.signer.full_name() or session_holder(certificate)
    ctx, layout = layout_of(document, name)
    pdf = render(layout, number=document.number, verify_url=verify_url(document.number))
    prepared = prepare_pdf(pdf, certificate, number=document.number, reason=f"{layout.title[1]} {document.number}",
                           location=ctx.city[1], signer_name=session_holder(certificate) or name,
                           position=" / ".join(dict.fromkeys(p for p in ctx.signer_position if p)))
    from cryptography.hazmat.primitives.serialization import Encoding

    with transaction.atomic():
        if type(document).objects.select_for_update().filter(pk=document.pk, pdf_sha256="").first() is None:
            return False
        old = SigningSession.objects.filter(document=document).first()
        if old is not None and old.serial == serial_of(certificate):
            # Prepared meanwhile for the same certificate (the worker and the officer's page at once): that one
            # stands, its bytes may already be in the officer's NCALayer; this rendering is dropped.
            return False
        if old is not None:
            old.prepared_pdf.delete(save=False)
            old.delete()
        session = SigningSession(document=document, certificate_pem=certificate.public_bytes(Encoding.PEM).decode(),
                                 serial=serial_of(certificate), reserved_start=prepared.start,
                                 reserved_end=prepared.end, digest=prepared.digest.hex(), prepared_at=timezone.now())
        session.prepared_pdf.save(f"{document.number}.prepared.pdf", ContentFile(prepared.pdf), save=False)
        session.save()
    log.info("document %s prepared for %s: %.0f ms", document.number, session.serial,
             (time.perf_counter() - started) * 1000)
    return True
