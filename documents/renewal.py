"""Validation that lasts: the scheduled renewal of the signed results' long-term validation material.

A result is PAdES B-LTA (``documents.signing``): the signature, its timestamp, the chain and CRLs at signing
time in the DSS, and a document timestamp. An offline validator (``pyhanko sign adesverify``, ETSI EN 319 102-1)
checks the **last** document timestamp at the validation time — its TSA certificate chain must be valid then and
the CRLs for it in the PDF must still be fresh (pyHanko: validation time ≤ the CRL's nextUpdate) — and every
older signature and timestamp in the past, from the proof of existence the newer timestamps give the material
that was embedded before them. So two things expire, and the job renews each before it does:

* **revocation data** (the demo PKI's CRLs: 7 days) → *refresh*: the fresh CRLs of every CA that issued a
  certificate of the document (signer, timestamps, DSS) that is still valid (a CRL issued after a certificate's
  end would make an AdES time slide fail it), fetched from the certificates' CRL distribution points
  over HTTP (``integrations.actions.refresh_crls``, which keeps the good ones in the trust store; when a point
  does not answer, the trust store's current CRL), added to the DSS in an incremental update — when the CRLs the
  PDF holds for the last timestamp's chain expire within ``ELICENSE_RENEW_BEFORE_DAYS`` (2);
* **the last timestamp's certificates** (the TSA's, its CA's) → *timestamp*: pyHanko's LTA update
  (``PdfTimeStamper.update_archival_timestamp_chain``: the last timestamp is validated now, fresh CRLs for it go
  into the DSS, then a new document timestamp by the project's TSA covers everything) — when a certificate of
  the last timestamp's chain expires within ``ELICENSE_RENEW_TIMESTAMP_BEFORE_DAYS`` (365) and the TSA's
  current certificate outlives it (otherwise the renewal fails: the TSA needs a new certificate first).
  Before the LTA update the new TSA's chain goes into the DSS, so that the new timestamp gives its CA
  certificates a proof of existence.

What pyHanko 0.38's validation needs of the PKI besides (measured, docs/adr/0019): the signer's issuing CA and
the first timestamp's TSA certificate still valid at the validation date — the job cannot renew those.

Each renewal is an incremental update — the earlier bytes are untouched, so every copy handed out before is a
prefix of the new file — stored in place of the PDF with its new SHA-256, in one transaction with an audit
entry (``administrative change``, ``change: document_validation_renewed``) holding the hash before and after:
the audit log is the document's renewal history (:func:`history`, :func:`known_hashes`). Documents are renewed
one by one; one that fails is reported and the others go on; a run twice at the same time renews nothing twice
(the stored hash is the guard). ``manage.py renew_validation [--dry-run] [--at ISO]``; scheduled daily as
``documents.renewal.renew_validation`` (``ELICENSE_PERIODIC_TASKS``, ``ELICENSE_RENEW_EVERY``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from applications.models import ResultDocument
from registry import cache as registry_cache

log = logging.getLogger(__name__)

SUBJECT_TYPE = "applications.resultdocument"
CHANGE = "document_validation_renewed"
REFRESH, TIMESTAMP = "refresh", "timestamp"


def renew_before() -> dt.timedelta:
    return dt.timedelta(days=float(getattr(settings, "ELICENSE_RENEW_BEFORE_DAYS", 2)))


def timestamp_before() -> dt.timedelta:
    return dt.timedelta(days=float(getattr(settings, "ELICENSE_RENEW_TIMESTAMP_BEFORE_DAYS", 365)))


class RenewalFailed(Exception):
    """This document could not be renewed now (it is left as it was)."""


# -- what a signed PDF carries -------------------------------------------------------------------------------
@dataclass
class Facts:
    """A signed PDF's long-term validation state, as an offline validator would meet it."""

    timestamps: int  # document timestamps
    last_timestamp_at: dt.datetime | None
    tsa_certificate: asn1_x509.Certificate | None  # the last document timestamp's
    chain: list[asn1_x509.Certificate]  # the TSA certificate and its CAs, up to a self-signed root when known
    timestamp_expires: dt.datetime | None  # the earliest notAfter on that chain
    revocation_until: dt.datetime | None  # the earliest, over the chain's non-root certificates, of the latest
    #                                       nextUpdate of a DSS CRL by the certificate's issuer (None: none held)
    certificates: list[asn1_x509.Certificate] = field(default_factory=list)  # every certificate of the document
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)  # the DSS's

    def due(self, now: dt.datetime) -> str | None:
        """What the document needs at ``now``: TIMESTAMP, REFRESH or nothing."""
        if self.timestamp_expires is None or self.timestamp_expires - now <= timestamp_before():
            return TIMESTAMP
        if self.revocation_until is None or self.revocation_until - now <= renew_before():
            return REFRESH
        return None


def _certs_of(signed_data) -> list[asn1_x509.Certificate]:
    return [c.chosen for c in (signed_data["certificates"] or ()) if c.name == "certificate"]


def _gen_time(signed_data) -> dt.datetime:
    return signed_data["encap_content_info"]["content"].parsed["gen_time"].native


def _self_signed(cert: asn1_x509.Certificate) -> bool:
    return cert.subject == cert.issuer


def _chain(cert, pool: list[asn1_x509.Certificate]) -> list[asn1_x509.Certificate]:
    chain, current = [cert], cert
    while not _self_signed(current) and len(chain) < 8:
        aki = current.authority_key_identifier
        issuers = [c for c in pool if c.subject == current.issuer
                   and (aki is None or c.key_identifier is None or c.key_identifier == aki)]
        if not issuers:
            break
        current = max(issuers, key=lambda c: c["tbs_certificate"]["validity"]["not_after"].native)
        chain.append(current)
    return chain


def _trust_certificates() -> list[asn1_x509.Certificate]:
    """The trust store's roots and intermediates (PEM, maybe several, or DER), to build chains with."""
    from asn1crypto import pem

    from integrations import trust

    found = []
    for sub in ("roots", "intermediates"):
        for _name, data in trust.material(sub):
            ders = [der for _t, _h, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            found.extend(asn1_x509.Certificate.load(der) for der in ders)
    return found


def inspect(pdf: bytes, pool: list[asn1_x509.Certificate] | None = None) -> Facts:
    """Read a signed PDF's signatures, timestamps and DSS (``pool``: more CA certificates to build chains)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    reader = PdfFileReader(io.BytesIO(pdf))
    certs: dict[bytes, asn1_x509.Certificate] = {}
    for sig in reader.embedded_signatures:
        for c in _certs_of(sig.signed_data):
            certs[c.sha256] = c
        for attr in sig.signer_info["unsigned_attrs"] or ():
            if attr["type"].native == "signature_time_stamp_token":
                for token in attr["values"]:
                    for c in _certs_of(token["content"]):
                        certs[c.sha256] = c
    crls: list[asn1_crl.CertificateList] = []
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        for ref in dss.certs.values():
            c = asn1_x509.Certificate.load(ref.get_object().data)
            certs[c.sha256] = c
        crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
    except NoDSSFoundError:
        pass
    timestamps = reader.embedded_timestamp_signatures
    facts = Facts(timestamps=len(timestamps), last_timestamp_at=None, tsa_certificate=None, chain=[],
                  timestamp_expires=None, revocation_until=None, certificates=list(certs.values()), crls=crls)
    if not timestamps:
        return facts
    last = timestamps[-1]
    facts.last_timestamp_at = _gen_time(last.signed_data)
    facts.tsa_certificate = last.signer_cert
    facts.chain = _chain(last.signer_cert, [*certs.values(), *(pool or ())])
    facts.timestamp_expires = min(c["tbs_certificate"]["validity"]["not_after"].native for c in facts.chain)
    until = []
    for cert in facts.chain:
        if _self_signed(cert):
            continue
        updates = [c["tbs_cert_list"]["next_update"].native for c in crls
                   if c.issuer == cert.issuer and c["tbs_cert_list"]["next_update"].native is not None]
        until.append(max(updates) if updates else None)
    facts.revocation_until = None if (not until or None in until) else min(until)
    return facts


# -- fresh revocation data ---------------------------------------------------------------------------------------
def _distribution_points(certs: list[asn1_x509.Certificate]) -> list[str]:
    urls = []
    for c in certs:
        for point in c.crl_distribution_points or ():
            for name in point["distribution_point"].chosen if point["distribution_point"].name == "full_name" else ():
                if name.name == "uniform_resource_identifier" and name.native.lower().startswith(("http://", "https://")):
                    urls.append(name.native)
    return list(dict.fromkeys(urls))


def _crl_issuer_cert(crl, pool):
    from cryptography import x509

    from integrations.signatures.trust_store import crl_signed_by

    parsed = x509.load_der_x509_crl(crl.dump())
    for cert in pool:
        if cert.subject == crl.issuer and crl_signed_by(parsed, x509.load_der_x509_certificate(cert.dump())):
            return cert
    return None


def fresh_crls(certs: list[asn1_x509.Certificate], pool: list[asn1_x509.Certificate], now: dt.datetime,
               *, fetch: bool = True, fetched: set | None = None) -> tuple[list[asn1_crl.CertificateList], list[str]]:
    """The newest CRL, valid at ``now``, of every CA that issued one of ``certs`` still valid: first fetched from
    their distribution points into the trust store (``integrations.actions.refresh_crls``; what cannot be fetched
    keeps the trust store's copy), then read from the trust store. ``fetched``: the URLs fetched already in this
    run (not fetched again). Returns the CRLs and what failed."""
    from documents.signing import validation_context

    problems = []
    urls = [u for u in _distribution_points(certs) if fetched is None or u not in fetched]
    if fetch and urls:
        from integrations.actions import refresh_crls

        report = refresh_crls(urls=urls)
        problems.extend(report.failed)
        if fetched is not None:
            fetched.update(report.urls)
    candidates = list(validation_context().crls)
    best: dict[bytes, asn1_crl.CertificateList] = {}
    # Only for the CAs of certificates still valid now: a CRL issued after a certificate expired says nothing of
    # it (CAs drop expired certificates from their CRLs), and an AdES validator's time slide would take it as the
    # latest word on that certificate and slide its control time past the certificate's end.
    live = [c for c in certs if not _self_signed(c) and c["tbs_certificate"]["validity"]["not_after"].native > now]
    issuers = {c.issuer.dump() for c in live}
    for crl in candidates:
        tbs = crl["tbs_cert_list"]
        this_update, next_update = tbs["this_update"].native, tbs["next_update"].native
        key = crl.issuer.dump()
        if key not in issuers or this_update > now or (next_update is not None and next_update <= now):
            continue
        if _crl_issuer_cert(crl, pool) is None:
            continue
        held = best.get(key)
        if held is None or held["tbs_cert_list"]["this_update"].native < this_update:
            best[key] = crl
    missing = [c.issuer.human_friendly for c in live if c.issuer.dump() not in best]
    problems.extend(f"no current CRL for {name}" for name in dict.fromkeys(missing))
    return list(best.values()), problems


def _context(certs, crls, now):
    from pyhanko_certvalidator import ValidationContext

    from documents.signing import validation_context

    base = validation_context()  # the trust roots, intermediates and TSA certificate of signing time
    roots = list(base.path_builder.trust_manager.iter_certs())
    others = [c for c in base.certificate_registry if not any(c.sha256 == r.sha256 for r in roots)]
    return ValidationContext(trust_roots=roots, other_certs=[*others, *certs], crls=crls, moment=now,
                             allow_fetching=False, revocation_mode="hard-fail")


# -- one document -----------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    number: str
    action: str | None  # REFRESH, TIMESTAMP or None (nothing due)
    done: bool = False
    sha256_before: str = ""
    sha256_after: str = ""
    problem: str = ""
    facts: Facts | None = None

    def __str__(self) -> str:
        if self.problem:
            return f"{self.number}: FAILED ({self.action}): {self.problem}"
        if self.action is None:
            f = self.facts
            return (f"{self.number}: nothing due (timestamp chain until {_iso(f.timestamp_expires)}, "
                    f"revocation data until {_iso(f.revocation_until)})")
        verb = "renewed" if self.done else "due"
        return f"{self.number}: {verb} ({self.action}) {self.sha256_before[:12]} -> {self.sha256_after[:12] or '…'}"


def _iso(value):
    return value.isoformat() if value else "-"


def _current_tsa_chain(pool):
    from cryptography.hazmat.primitives.serialization import Encoding

    from documents.tsa import tsa_certificates

    # the built-in TSA's (the one documents.tsa.timestamper uses)
    cert = asn1_x509.Certificate.load(tsa_certificates()[0].public_bytes(Encoding.DER))
    return _chain(cert, pool)


def renewed_pdf(pdf: bytes, action: str, now: dt.datetime, *, fetch: bool = True,
                fetched: set | None = None) -> tuple[bytes, Facts]:
    """The PDF with fresh revocation data (REFRESH) or an LTA update (TIMESTAMP) appended; raises RenewalFailed."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import DocumentSecurityStore

    from documents.tsa import timestamper

    pool = _trust_certificates()
    facts = inspect(pdf, pool)
    certs = list(facts.certificates)
    if action == TIMESTAMP:
        tsa_chain = _current_tsa_chain(pool)
        tsa_expires = min(c["tbs_certificate"]["validity"]["not_after"].native for c in tsa_chain)
        if facts.timestamp_expires is not None and tsa_expires <= facts.timestamp_expires + dt.timedelta(days=1):
            raise RenewalFailed(f"the TSA's certificate chain (until {tsa_expires.isoformat()}) does not outlive "
                                f"the last timestamp's (until {facts.timestamp_expires.isoformat()}): "
                                "give the TSA a new certificate first")
        certs.extend(c for c in tsa_chain if all(c.sha256 != d.sha256 for d in certs))
    crls, problems = fresh_crls(certs, [*certs, *pool], now, fetch=fetch, fetched=fetched)
    needed = {c.issuer.dump() for c in facts.chain if not _self_signed(c)}
    if not needed <= {c.issuer.dump() for c in crls}:
        raise RenewalFailed("no current revocation data for the last timestamp's certificates: " + "; ".join(problems))
    if problems:
        log.info("renewal: %s", "; ".join(problems))
    out = io.BytesIO()
    if action == TIMESTAMP:
        # First the new TSA's chain and the fresh CRLs into the DSS, so that the new timestamp covers them (a
        # validator needs a proof of existence of that chain's CA certificates from before any later timestamp);
        # then pyHanko's LTA update: the last timestamp validated now, its validation data, a new timestamp.
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=certs, crls=crls)
        staged = io.BytesIO()
        writer.write(staged)
        reader = PdfFileReader(staged)
        from documents.signing import loop_free

        loop_free(signers.PdfTimeStamper(timestamper()).update_archival_timestamp_chain,
                  reader, _context(certs, crls, now), in_place=False, output=out)
    else:
        held = {c.dump() for c in facts.crls}
        new = [c for c in crls if c.dump() not in held]
        if not new:
            raise RenewalFailed("the CRLs obtainable now are those the document holds already")
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        DocumentSecurityStore.supply_dss_in_writer(writer, None, crls=new)
        writer.write(out)
    renewed = out.getvalue()
    if not renewed.startswith(pdf):  # an incremental update never changes a byte of before
        raise RenewalFailed("the update is not incremental")
    after = inspect(renewed, pool)
    if after.due(now) is not None:
        raise RenewalFailed(f"still due after the update ({after.due(now)})")
    return renewed, after


def _read(document) -> bytes:
    with document.pdf.open("rb") as handle:
        return handle.read()


def renew(document, *, now: dt.datetime | None = None, dry_run: bool = False, fetch: bool = True,
          fetched: set | None = None) -> Outcome:
    """Renew one document's validation material if due at ``now`` (default: now). Idempotent: a document not
    due, or renewed meanwhile by another run, is left alone."""
    from audit import actions as audit

    now = now or timezone.now()
    pdf = _read(document)
    digest = hashlib.sha256(pdf).hexdigest()
    outcome = Outcome(number=document.number, action=None, sha256_before=digest)
    if digest != document.pdf_sha256:
        outcome.problem = "the stored file does not have the recorded SHA-256"
        return outcome
    outcome.facts = inspect(pdf, _trust_certificates())
    outcome.action = outcome.facts.due(now)
    if outcome.action is None or dry_run:
        return outcome
    try:
        renewed, after = renewed_pdf(pdf, outcome.action, now, fetch=fetch, fetched=fetched)
    except RenewalFailed as exc:
        outcome.problem = str(exc)
        return outcome
    new_digest = hashlib.sha256(renewed).hexdigest()
    field_ = document._meta.get_field("pdf")
    old_name = document.pdf.name
    with transaction.atomic():
        locked = ResultDocument.objects.select_for_update().filter(pk=document.pk, pdf_sha256=digest).first()
        if locked is None:
            outcome.problem = "changed meanwhile (renewed by another run)"
            return outcome
        stored = field_.storage.save(field_.generate_filename(locked, f"{locked.number}.pdf"), ContentFile(renewed))
        transaction.on_commit(lambda: field_.storage.delete(old_name) if old_name != stored else None)
        ResultDocument.objects.filter(pk=locked.pk).update(pdf=stored, pdf_sha256=new_digest)
        registry_cache.forget_document(locked.number)  # its verification answers show its hash
        audit.record(audit.Kind.ADMIN_CHANGE, subject=locked, data={
            "change": CHANGE, "document": locked.number, "renewal": outcome.action,
            "sha256_before": digest, "sha256_after": new_digest, "size_before": len(pdf), "size_after": len(renewed),
            "document_timestamps": after.timestamps, "last_timestamp_at": _iso(after.last_timestamp_at),
            "timestamp_chain_until": _iso(after.timestamp_expires), "revocation_until": _iso(after.revocation_until),
        })
    document.pdf.name, document.pdf_sha256 = stored, new_digest
    outcome.done, outcome.sha256_after, outcome.facts = True, new_digest, after
    log.info("%s", outcome)
    return outcome


def history(document) -> list[dict]:
    """The document's renewals, oldest first (from the audit log)."""
    from audit.models import AuditEntry

    rows = AuditEntry.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(document.pk),
                                     kind=AuditEntry.Kind.ADMIN_CHANGE, data__change=CHANGE).order_by("at", "id")
    return [dict(row.data, at=row.at.isoformat()) for row in rows]


def known_hashes(document) -> list[str]:
    """Every SHA-256 this document's file has had, the current first, the signed original last: a copy handed
    out before a renewal is a prefix of the current file and has one of these."""
    earlier = [entry["sha256_before"] for entry in reversed(history(document))]
    return [document.pdf_sha256, *earlier]


# -- every document -------------------------------------------------------------------------------------------
@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def renewed(self):
        return [o for o in self.outcomes if o.done]

    @property
    def failed(self):
        return [o for o in self.outcomes if o.problem]

    @property
    def due(self):
        return [o for o in self.outcomes if o.action and not o.problem]

    def __str__(self) -> str:
        return (f"{len(self.outcomes)} signed documents: {len(self.renewed)} renewed, "
                f"{len(self.due) - len(self.renewed)} due and not renewed (dry run), {len(self.failed)} failed")


def renew_all(*, now: dt.datetime | None = None, dry_run: bool = False, numbers: list[str] | None = None) -> Report:
    """Every signed result, one by one: one document's failure is reported and the others go on."""
    report = Report()
    fetched: set[str] = set()  # each distribution point once per run
    qs = ResultDocument.objects.exclude(pdf_sha256="").order_by("issued_at", "pk")
    if numbers:
        qs = qs.filter(number__in=numbers)
    for document in qs.iterator(chunk_size=200):
        try:
            outcome = renew(document, now=now, dry_run=dry_run, fetched=fetched)
        except Exception as exc:  # noqa: BLE001 - one document's failure never stops the others
            log.exception("renewal of %s failed", document.number)
            outcome = Outcome(number=document.number, action="?", problem=f"{type(exc).__name__}: {exc}")
        if outcome.problem:
            log.warning("%s", outcome)
        report.outcomes.append(outcome)
    return report


@task()
def renew_validation() -> int:
    """Periodic (daily): renew what is due; returns how many documents were renewed."""
    return len(renew_all().renewed)


# -- the check anyone can run -----------------------------------------------------------------------------------
def pyhanko_command(pdf_path, roots: list, *, at: dt.datetime | str | None = None, pretty: bool = False,
                    offline: bool = True, launcher: list[str] | None = None) -> list[str]:
    """The command line of the independent check (docs/documents.md "Validation that lasts"): pyHanko's AdES
    validation (ETSI EN 319 102-1, with the LTA chain) against the given trust roots only, at ``at``; offline:
    run in a network namespace of its own (``unshare -rn``), so nothing can be fetched. ``launcher``: the argv that
    starts pyhanko instead of its script (the tests': the same command line with the process clock moved)."""
    import shutil
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("pyhanko")
    cmd = [*(launcher or [str(exe) if exe.exists() else "pyhanko"]), "sign", "adesverify"]
    for root in roots:
        cmd += ["--trust", str(root)]
    cmd.append("--trust-replace")
    if at is not None:
        cmd += ["--validation-time", at.isoformat() if isinstance(at, dt.datetime) else str(at)]
    if pretty:
        cmd.append("--pretty-print")
    cmd.append(str(pdf_path))
    if offline:
        unshare = shutil.which("unshare")
        if unshare is None:
            raise RuntimeError("offline validation needs unshare (util-linux) to cut the network")
        cmd = [unshare, "-rn", "--", *cmd]
    return cmd


def timestamp_check_command(pdf_path) -> list[str]:
    """The check's second command: every document timestamp intact (documents/timestamp_check.py; pyhanko's
    command line judges the regular signatures only). Run from the project's folder."""
    import sys

    return [sys.executable, "-m", "documents.timestamp_check", str(pdf_path)]
