"""What a person sees of the powers of attorney: those they hold (as representative) and those given in their
name (as principal), and for whom they may file a request today."""
from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from representation.models import PowerOfAttorney


def as_principal(user) -> Q:
    """The powers of attorney given in ``user``'s name: the company's for an account acting for a company (its
    BIN), else the person's own (the IIN)."""
    if getattr(user, "bin", ""):
        return Q(principal_bin=user.bin)
    if getattr(user, "iin", ""):
        return Q(principal_iin=user.iin, principal_bin="")
    return Q(pk__in=[])


def held_by(user) -> Q:
    """The powers of attorney ``user`` holds as the representative (by their IIN)."""
    return Q(representative_iin=user.iin) if getattr(user, "iin", "") else Q(pk__in=[])


def in_force(on: datetime.date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(revoked_at__isnull=True, valid_from__lte=on, valid_to__gte=on)


def for_whom(user, service: str, sub_kind: str = "", on: datetime.date | None = None) -> list[PowerOfAttorney]:
    """The powers of attorney under which ``user`` may start a request of ``service`` (``sub_kind``) today:
    held by them, in force, not revoked, and covering it."""
    if not getattr(user, "iin", ""):
        return []
    found = PowerOfAttorney.objects.filter(held_by(user), in_force(on), scope__has_key=service).order_by(
        "principal_name", "pk")
    return [poa for poa in found if poa.covers(service, sub_kind)]


def visible_to(user):
    """The powers of attorney ``user`` may see on the portal: given in their name, or held by them."""
    return PowerOfAttorney.objects.filter(as_principal(user) | held_by(user))
