"""The outside systems' actions: the trust store's changes — adding a root, an intermediate CA or a CRL from an
administrator's upload (PEM or DER), removing an item, and refreshing the CRLs from the CAs' distribution
points. Each change writes its audit row (docs/signatures.md)."""
from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit import actions as audit
from core.errors import DomainError
from integrations import trust
from integrations.models import TrustItem
from integrations.signatures.crls import (
    distribution_points,
    issuing_distribution_point,
    read_crls,
    unsupported_scope,
)
from integrations.signatures.trust_store import crl_is_newer, crl_signed_by, is_ca_certificate

log = logging.getLogger("integrations.signatures")
MAX_UPLOAD = 1024 * 1024
MAX_CRL_DOWNLOAD = 32 * 1024 * 1024  # the NCA's full CRLs are a few megabytes


class TrustFileRefused(DomainError):
    """An uploaded trust file that cannot be taken: nothing is changed."""

    code = "trust_file_refused"
    status = 422
    default_message = _("The file is not a certificate or revocation list of the chosen kind.")


REFUSALS = {
    "too_large": _("The file is too large (at most 1 MB)."),
    "unreadable": _("The file is not one certificate or revocation list in PEM or DER form of the chosen kind."),
    "not_self_signed": _("A trusted root must be a self-signed CA certificate."),
    "not_a_ca": _("The certificate is not a CA certificate."),
    "self_signed_intermediate": _("This is a self-signed certificate: add it as a trusted root, not as an "
                                  "intermediate CA."),
    "no_root": _("This intermediate CA does not chain to a trusted root of the store: add its root first."),
    "gost": _("GOST certificates are not supported."),
    "partial_crl": _("This is a delta or partitioned CRL; the trust store needs the CA's full CRL."),
}


def _refuse(reason: str, **details) -> TrustFileRefused:
    return TrustFileRefused(REFUSALS[reason], code=f"trust_{reason}", reason=reason, **details)


def _trust_dir() -> Path:
    return Path(settings.ELICENSE_TRUST_DIR)


def _one_certificate(content: bytes) -> x509.Certificate:
    try:
        if b"-----BEGIN" in content:
            certs = x509.load_pem_x509_certificates(content)
            if len(certs) != 1:
                raise ValueError("not one certificate")
            return certs[0]
        return x509.load_der_x509_certificate(content)
    except ValueError:
        raise _refuse("unreadable") from None


def _one_crl(content: bytes) -> x509.CertificateRevocationList:
    try:
        crls = read_crls(content)
    except ValueError:
        raise _refuse("unreadable") from None
    if len(crls) != 1:
        raise _refuse("unreadable")
    return crls[0]


def check_trust_file(kind: str, content: bytes) -> tuple[str, object]:
    """What an upload of ``kind`` ("root", "intermediate", "crl") holds, checked: (folder, parsed object).
    Raises :class:`TrustFileRefused` with a localised message."""
    from integrations.signatures.certificates import certificate_gost_oid

    if kind not in trust.FOLDER:
        raise _refuse("unreadable")
    if len(content) > MAX_UPLOAD:
        raise _refuse("too_large")
    if kind == TrustItem.Kind.CRL:
        crl = _one_crl(content)
        if unsupported_scope(crl):
            raise _refuse("partial_crl")
        return "crls", crl
    cert = _one_certificate(content)
    if certificate_gost_oid(cert):
        raise _refuse("gost")
    if not is_ca_certificate(cert):
        raise _refuse("not_a_ca")
    self_signed = cert.issuer == cert.subject
    if kind == TrustItem.Kind.ROOT:
        if not self_signed:
            raise _refuse("not_self_signed")
        try:
            cert.verify_directly_issued_by(cert)
        except Exception:  # noqa: BLE001 - a broken self-signature: not a root
            raise _refuse("not_self_signed") from None
        return "roots", cert
    if self_signed:
        raise _refuse("self_signed_intermediate")
    if trust.current_store().chain(cert) is None:
        raise _refuse("no_root")
    return "intermediates", cert


def add_trust_item(*, kind: str, content: bytes, actor=None, request=None) -> str:
    """Add one root, intermediate CA or CRL (PEM or DER, as uploaded) to the trust store, checked first
    (:func:`check_trust_file`); returns its ``<folder>/<name>``. Audited.

    A CRL is named by its issuer, so a later upload of that CA's CRL replaces the earlier one (the trust store
    keeps the newest per CA anyway); a certificate is named by its content. The store is the database's trust
    items (every app server sees the new item at its next check); with ``ELICENSE_TRUST_STORE=directory`` a
    file in the folder, written beside and renamed, so the trust store never reads half of it."""
    content = bytes(content)
    sub, parsed = check_trust_file(kind, content)
    suffix = ".pem" if b"-----BEGIN" in content else (".crl" if sub == "crls" else ".der")
    if sub == "crls":
        name = "uploaded-" + hashlib.sha256(parsed.issuer.public_bytes()).hexdigest()[:16] + suffix
        facts = {"issuer": parsed.issuer.rfc4514_string(), "this_update": parsed.last_update_utc.isoformat(),
                 "next_update": parsed.next_update_utc.isoformat() if parsed.next_update_utc else None}
    else:
        name = "uploaded-" + hashlib.sha256(content).hexdigest()[:16] + suffix
        facts = {"subject": parsed.subject.rfc4514_string(), "not_after": parsed.not_valid_after_utc.isoformat()}
    with transaction.atomic():
        if trust.uses_database():
            # A same-issuer CRL uploaded as PEM before and as DER now: the former goes.
            if sub == "crls":
                for other in TrustItem.objects.filter(kind=kind, source="upload", name__startswith=name[:-len(suffix)]):
                    if other.name != name:
                        other.delete()
            trust.put(kind=trust.KIND[sub], name=name, content=content, source="upload", actor=actor)
        else:
            target = _trust_dir() / sub
            target.mkdir(parents=True, exist_ok=True)
            tmp = target / (name + ".tmp")
            tmp.write_bytes(content)
            tmp.replace(target / name)
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, request=request,
                     subject=("integrations.trustitem", f"{sub}/{name}"),
                     data={"change": "trust_item_added", "item": f"{sub}/{name}",
                           "sha256": hashlib.sha256(content).hexdigest(), **facts})
    return f"{sub}/{name}"


def add_trust_file(*, kind: str, pem: bytes, actor=None) -> str:
    """The former name of :func:`add_trust_item` (``kind`` "crl" or "root")."""
    return add_trust_item(kind=kind, content=pem, actor=actor)


def remove_trust_item(item_id: int, actor=None, request=None) -> str | None:
    """Delete one trust item (database store); returns its ``<folder>/<name>``, None if it was gone already."""
    with transaction.atomic():
        item = TrustItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            return None
        item.delete()
        trust.changed()
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, request=request,
                     subject=("integrations.trustitem", item_id), data={
                         "change": "trust_item_removed", "item": f"{trust.FOLDER.get(item.kind, item.kind)}/{item.name}",
                         "sha256": item.sha256})
    return f"{trust.FOLDER.get(item.kind, item.kind)}/{item.name}"


# -- CRL refresh from the distribution points ------------------------------------------------------------
FETCHED_PREFIX = "fetch:"


@dataclass
class RefreshReport:
    urls: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # "url: issuer #number"
    unchanged: list[str] = field(default_factory=list)  # the CRL we hold is as new
    failed: list[str] = field(default_factory=list)  # "url: why" (the copy held stays)

    def __str__(self) -> str:
        return (f"{len(self.urls)} CRL URLs: {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.failed)} failed")


def crl_urls(store=None) -> list[str]:
    """Where the trust store's CRLs are published, in order, without repeats: ``settings.ELICENSE_CRL_URLS``,
    the URL each CRL fetched before came from, each CRL's own issuing distribution point, and the CRL
    distribution points of every CA certificate of the store (where its issuer's CRL is)."""
    store = store if store is not None else trust.current_store()
    urls = list(getattr(settings, "ELICENSE_CRL_URLS", ()) or ())
    if trust.uses_database():
        urls += [s[len(FETCHED_PREFIX):] for s in TrustItem.objects.filter(
            kind=TrustItem.Kind.CRL, source__startswith=FETCHED_PREFIX).order_by("name").values_list("source", flat=True)]
    for listed in store.crls_by_issuer.values():
        for crl in listed:
            urls += issuing_distribution_point(crl)
    for ca in store.cas.values():
        urls += distribution_points(ca.cert)
    return list(dict.fromkeys(u for u in urls if u))


def _fetch(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "e-licensing-crl-refresh",
                                                   "Accept": "application/pkix-crl, */*"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, see crl_urls
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")
        data = response.read(MAX_CRL_DOWNLOAD + 1)
    if len(data) > MAX_CRL_DOWNLOAD:
        raise OSError("larger than the limit")
    return data


def refresh_crls(*, urls: list[str] | None = None, timeout: float | None = None) -> RefreshReport:
    """Fetch the CRLs of the trust store from their distribution points (:func:`crl_urls`, plus ``urls``) over
    HTTP, each with ``timeout`` seconds (``settings.ELICENSE_CRL_FETCH_TIMEOUT``, default 10). A fetched CRL
    (DER or PEM) is kept only if a CA of the store with its issuer name signed it and it is newer than the one
    the store holds for that CA (CRL number, else thisUpdate); it becomes the trust item
    ``crls/fetched-<hash of the URL>.crl`` (source ``fetch:<url>``), audited. Anything else — no answer, an
    HTTP error, garbage, a bad signature, an older CRL — changes nothing: the last good copy stays, and the
    verifier still fails closed once it is past its next update."""
    from integrations.signatures import TrustStore

    timeout = float(timeout if timeout is not None else getattr(settings, "ELICENSE_CRL_FETCH_TIMEOUT", 10))
    store = trust.current_store()
    report = RefreshReport(urls=list(dict.fromkeys([*(urls or ()), *crl_urls(store)])))
    held: dict[bytes, x509.CertificateRevocationList | None] = {fp: ca.crl for fp, ca in store.cas.items()}
    for url in report.urls:
        if not url.lower().startswith(("http://", "https://")):
            report.failed.append(f"{url}: not an http(s) URL")
            continue
        try:
            data = _fetch(url, timeout)
            crls = read_crls(data)
        except (OSError, ValueError, urllib.error.URLError) as exc:
            report.failed.append(f"{url}: {type(exc).__name__}: {exc}")
            log.warning("CRL refresh: %s: %s (the CRL held stays)", url, exc)
            continue
        for crl in crls:
            scope = unsupported_scope(crl)
            if scope:
                report.failed.append(f"{url}: a {scope}, not used (the trust store takes full CRLs)")
                continue
            signers = [ca for ca in store.by_subject.get(crl.issuer, ()) if crl_signed_by(crl, ca.cert)]
            if not signers:
                report.failed.append(f"{url}: no CA of the trust store with the name {crl.issuer.rfc4514_string()} "
                                     "signed it (add its CA certificate as a root or an intermediate)")
                log.warning("CRL refresh: %s: not signed by a CA of the trust store, not kept", url)
                continue
            if not any(crl_is_newer(crl, held.get(ca.fingerprint)) for ca in signers):
                report.unchanged.append(f"{url}: {crl.issuer.rfc4514_string()}")
                continue
            _keep_fetched(url, crl)
            for ca in signers:
                held[ca.fingerprint] = crl
            report.updated.append(f"{url}: {crl.issuer.rfc4514_string()}")
    if report.updated and not trust.uses_database():
        TrustStore.clear_cache()
    return report


def _keep_fetched(url: str, crl: x509.CertificateRevocationList) -> None:
    from cryptography.hazmat.primitives import serialization

    der = crl.public_bytes(serialization.Encoding.DER)
    name = "fetched-" + hashlib.sha256(url.encode()).hexdigest()[:16] + ".crl"
    with transaction.atomic():
        if trust.uses_database():
            trust.put(kind=TrustItem.Kind.CRL, name=name, content=der, source=FETCHED_PREFIX + url)
        else:
            target = _trust_dir() / "crls"
            target.mkdir(parents=True, exist_ok=True)
            (target / (name + ".tmp")).write_bytes(der)
            (target / (name + ".tmp")).replace(target / name)
        number = None
        try:
            number = str(crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number)
        except x509.ExtensionNotFound:
            pass
        audit.record(audit.Kind.ADMIN_CHANGE, subject=("integrations.trustitem", f"crls/{name}"), data={
            "change": "crl_refreshed", "item": f"crls/{name}", "url": url, "issuer": crl.issuer.rfc4514_string(),
            "crl_number": number, "this_update": crl.last_update_utc.isoformat(),
            "next_update": crl.next_update_utc.isoformat() if crl.next_update_utc else None,
            "sha256": hashlib.sha256(der).hexdigest()})
