"""Human-readable numbers, unique, given inside the caller's transaction.

One counter row per series and year, incremented with a single
``UPDATE … RETURNING`` (the row stays locked by the caller's transaction, so two
concurrent transactions never give the same number; on SQLite the write lock
taken at BEGIN IMMEDIATE serialises them). The year's first number creates the row.
"""
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from applications.models import NumberCounter

DOCUMENT_PREFIXES = {
    "licence": "LIC",
    "order": "ORD",
    "permit": "PRM",
    "refusal": "REF",
    "receipt": "RCP",
    "refusal_receipt": "RRC",
    "hearing_notice": "HNT",  # the notice of an intended refusal (hearings/, docs/refusals.md)
    "incoming": "INC",
}
# The kinds of document the system issues: every numbered series but the paper application's incoming number.
DOCUMENT_KINDS = frozenset(DOCUMENT_PREFIXES) - {"incoming"}


def _next(series: str, year: int) -> int:
    assert transaction.get_connection().in_atomic_block, "numbers are given inside the registering transaction"
    table = NumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last_value = last_value + 1 WHERE series = %s AND year = %s "
                       "RETURNING last_value", [series, year])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    try:
        with transaction.atomic():  # the year's first number
            NumberCounter.objects.create(series=series, year=year, last_value=1)
        return 1
    except IntegrityError:  # another transaction created it first: take the next one
        return _next(series, year)


def next_registration_number(service: str, now=None) -> str:
    """E.g. S1-2026-000042: the service, the year of registration, the sequence in that year."""
    year = timezone.localtime(now).year
    return f"{service}-{year}-{_next(service, year):06d}"


def next_document_number(kind: str, now=None) -> str:
    year = timezone.localtime(now).year
    prefix = DOCUMENT_PREFIXES[kind]
    return f"{prefix}-{year}-{_next(kind, year):06d}"
