"""Human-readable numbers, unique, given inside the caller's transaction.

One counter row per series and year, taken with select_for_update so that two
concurrent transactions never give the same number (on SQLite the write lock
taken at BEGIN IMMEDIATE serialises them).
"""
from django.db import transaction
from django.utils import timezone

from applications.models import NumberCounter

DOCUMENT_PREFIXES = {
    "licence": "LIC",
    "order": "ORD",
    "permit": "PRM",
    "refusal": "REF",
    "receipt": "RCP",
    "refusal_receipt": "RRC",
    "incoming": "INC",
}


def _next(series: str, year: int) -> int:
    assert transaction.get_connection().in_atomic_block, "numbers are given inside the registering transaction"
    counter, _ = NumberCounter.objects.select_for_update().get_or_create(series=series, year=year)
    counter.last_value += 1
    NumberCounter.objects.filter(pk=counter.pk).update(last_value=counter.last_value)
    return counter.last_value


def next_registration_number(service: str, now=None) -> str:
    """E.g. S1-2026-000042: the service, the year of registration, the sequence in that year."""
    year = timezone.localtime(now).year
    return f"{service}-{year}-{_next(service, year):06d}"


def next_document_number(kind: str, now=None) -> str:
    year = timezone.localtime(now).year
    prefix = DOCUMENT_PREFIXES[kind]
    return f"{prefix}-{year}-{_next(kind, year):06d}"
