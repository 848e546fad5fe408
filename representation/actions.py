"""Recording and revoking powers of attorney, and checking that a representative acts within one (one function
per action; each atomic, each writing its audit row).

Who records one: the principal on the portal — a person for themself, a company's head or employee with the
right to sign (an account acting for the company: ``accounts.User.bin``, as in
``applications.queries.applicant_filter``) for the company — or the provider's staff from a paper request.
"""
from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications import uploads
from audit import actions as audit
from core.identifiers import IdentifierError, parse_bin, parse_iin
from representation.errors import (
    AlreadyRevoked,
    InvalidPowerOfAttorney,
    NotCovered,
    NotEntitledToGrant,
    PowerOfAttorneyNotFound,
)
from representation.models import PowerOfAttorney

# The provider's officers, the PSC's operators (a representative comes with the paper documents) and administrators.
STAFF_KINDS = (User.Kind.OFFICER, User.Kind.PSC_OPERATOR, User.Kind.ADMINISTRATOR)


def _digits(value, parse, field) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        return ""
    try:
        return parse(value).value
    except IdentifierError as err:
        raise InvalidPowerOfAttorney(err.message, code="power_of_attorney_invalid", fields={field: [str(err.message)]}) \
            from None


def _may_record_for(actor, principal_iin: str, principal_bin: str) -> str:
    """How ``actor`` records a power of attorney for this principal ("portal" or "staff"), or refused."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotEntitledToGrant()
    if actor.is_superuser or actor.kind in STAFF_KINDS:
        return PowerOfAttorney.RecordedVia.STAFF
    if actor.kind != User.Kind.APPLICANT or actor.portal_registered_at is None:
        raise NotEntitledToGrant()
    if actor.bin:  # an account acting for a company (its head, or an employee with the right to sign)
        if principal_bin != actor.bin or principal_iin or not getattr(actor, "may_sign_for_company", True):
            raise NotEntitledToGrant()
    elif principal_iin != actor.iin or principal_bin:  # a person's own account, for the person
        raise NotEntitledToGrant()
    return PowerOfAttorney.RecordedVia.PORTAL


def _scan(uploaded):
    """The scan through the project's upload checks (a real parser, the malware scanner); a PDF only."""
    if uploaded is None:
        raise InvalidPowerOfAttorney(_("Attach the scan of the power of attorney (PDF)."), code="scan_missing")
    inspected = uploads.inspect(uploaded)
    if inspected.content_type != "application/pdf":
        raise InvalidPowerOfAttorney(_("The scan of the power of attorney must be a PDF."), code="scan_not_pdf")
    return inspected


def _representative_account(iin: str):
    """The representative's own portal account, if they have one (a person's account before a company's)."""
    accounts = User.objects.filter(kind=User.Kind.APPLICANT, iin=iin, is_active=True).order_by("bin", "pk")
    return accounts.first()


def grant(actor, *, representative_iin: str, representative_name: str = "", scope: dict,
          valid_from: datetime.date, valid_to: datetime.date, document_number: str, document_date: datetime.date,
          scan, principal_iin: str = "", principal_bin: str = "", principal_name: str = "",
          kind: str = "", request=None) -> PowerOfAttorney:
    """Record a power of attorney. On the portal the principal is the actor themself (their IIN, or the BIN of
    the company their account acts for) and the name is the account's; staff give the principal. ``kind``
    defaults to what the regulation asks for the principal; another kind is refused."""
    if actor is not None and getattr(actor, "kind", "") == User.Kind.APPLICANT and not principal_iin \
            and not principal_bin:
        principal_iin, principal_bin = ("", actor.bin) if actor.bin else (actor.iin, "")
    principal_iin = _digits(principal_iin, parse_iin, "principal_iin")
    principal_bin = _digits(principal_bin, parse_bin, "principal_bin")
    representative_iin = _digits(representative_iin, parse_iin, "representative_iin")
    via = _may_record_for(actor, principal_iin, principal_bin)
    if via == PowerOfAttorney.RecordedVia.PORTAL:
        principal_name = actor.organisation_name or actor.full_name() or principal_name
    inspected = _scan(scan)
    content = inspected.content
    digest = hashlib.sha256(content).hexdigest()
    poa = PowerOfAttorney(
        principal_iin=principal_iin, principal_bin=principal_bin, principal_name=(principal_name or "").strip()[:300],
        representative_iin=representative_iin, representative_name=(representative_name or "").strip()[:300],
        representative_user=_representative_account(representative_iin) if representative_iin else None,
        scope=scope, valid_from=valid_from, valid_to=valid_to,
        kind=kind or PowerOfAttorney.kind_for(principal_bin),
        document_number=(document_number or "").strip()[:60], document_date=document_date,
        scan_name=inspected.name, sha256=digest, recorded_via=via, recorded_by=actor,
    )
    try:
        poa.full_clean(exclude=["scan", "sha256", "recorded_by", "representative_user"])
    except ValidationError as err:
        messages = [str(m) for ms in err.message_dict.values() for m in ms]
        raise InvalidPowerOfAttorney(" ".join(messages), fields=err.message_dict) from None
    if document_date > timezone.localdate():
        raise InvalidPowerOfAttorney(_("The document's date is in the future."), fields={
            "document_date": [str(_("The document's date is in the future."))]})
    with transaction.atomic():
        poa.scan.save(digest, ContentFile(content), save=False)
        poa.save()
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=poa, request=request, data={
            "change": "power_of_attorney_granted", "principal": poa.principal_id_number,
            "representative_iin": poa.representative_iin, "scope": poa.scope, "kind": poa.kind,
            "valid_from": poa.valid_from, "valid_to": poa.valid_to, "document_number": poa.document_number,
            "recorded_via": poa.recorded_via, "scan_sha256": digest})
    return poa


def may_manage(actor, poa: PowerOfAttorney) -> bool:
    """Whether ``actor`` may revoke ``poa``: its principal (as for recording it), or staff."""
    try:
        _may_record_for(actor, poa.principal_iin, poa.principal_bin)
    except NotEntitledToGrant:
        return False
    return True


def revoke(actor, poa_id: int, *, reason: str = "", request=None) -> PowerOfAttorney:
    """Revoke a power of attorney from now on: requests already signed under it stay as they are; an unsigned
    one can no longer be signed under it."""
    with transaction.atomic():
        poa = PowerOfAttorney.objects.select_for_update().filter(pk=poa_id).first()
        if poa is None or not may_manage(actor, poa):
            raise PowerOfAttorneyNotFound()
        if poa.revoked_at is not None:
            raise AlreadyRevoked()
        poa.revoked_at, poa.revoked_by = timezone.now(), actor
        poa.revocation_reason = (reason or "").strip()[:500]
        poa.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=poa, request=request, data={
            "change": "power_of_attorney_revoked", "principal": poa.principal_id_number,
            "representative_iin": poa.representative_iin, "reason": poa.revocation_reason})
    return poa


# -- a representative acting ------------------------------------------------------------------------------
def check_acting(actor, poa: PowerOfAttorney, service: str, sub_kind: str,
                 on: datetime.date | None = None) -> None:
    """Refuse (NotCovered, with the reason the representative reads) unless ``actor`` may act under ``poa`` for
    ``service`` / ``sub_kind`` on the day ``on`` (today)."""
    on = on or timezone.localdate()
    if actor is None or not getattr(actor, "iin", "") or actor.iin != poa.representative_iin:
        raise NotCovered(_("You are not the representative named in this power of attorney."),
                         code="representation_not_representative")
    if poa.revoked_at is not None:
        raise NotCovered(_("The power of attorney No. %(number)s has been revoked: no request can be filed or "
                           "signed under it.") % {"number": poa.document_number}, code="representation_revoked")
    if on < poa.valid_from:
        raise NotCovered(_("The power of attorney No. %(number)s is valid only from %(date)s.")
                         % {"number": poa.document_number, "date": poa.valid_from.strftime("%d.%m.%Y")},
                         code="representation_not_yet_valid")
    if on > poa.valid_to:
        raise NotCovered(_("The power of attorney No. %(number)s expired on %(date)s: no request can be filed or "
                           "signed under it.") % {"number": poa.document_number,
                                                  "date": poa.valid_to.strftime("%d.%m.%Y")},
                         code="representation_expired")
    if not poa.covers(service, sub_kind):
        raise NotCovered(_("The power of attorney No. %(number)s does not cover this service.")
                         % {"number": poa.document_number}, code="representation_out_of_scope")


def acting_fields(actor, poa_id, service: str, sub_kind: str) -> dict:
    """A representative starts a request under power of attorney ``poa_id``: checked (check_acting), the
    request's fields that say for whom and by whom — the principal as the applicant."""
    poa = PowerOfAttorney.objects.filter(pk=poa_id).first() if str(poa_id).isdigit() else None
    if poa is None:  # answered as for someone else's: nothing said of which powers of attorney exist
        raise NotCovered(_("You are not the representative named in this power of attorney."),
                         code="representation_not_representative")
    check_acting(actor, poa, service, sub_kind)
    if poa.representative_user_id is None:  # the representative's account, now known
        PowerOfAttorney.objects.filter(pk=poa.pk, representative_user__isnull=True).update(representative_user=actor)
    return {"applicant_iin": poa.principal_iin, "applicant_bin": poa.principal_bin,
            "applicant_name": poa.principal_name, "representative_user": actor, "power_of_attorney": poa}


def check_request_acting(application, actor, on: datetime.date | None = None) -> None:
    """At signing: a request filed by a representative is signed only while the power of attorney is still in
    force on the signing day and covers its service (NotCovered otherwise); any other request passes."""
    if application.power_of_attorney_id is None:
        return
    poa = PowerOfAttorney.objects.get(pk=application.power_of_attorney_id)
    check_acting(actor, poa, application.service, application.sub_kind, on)
