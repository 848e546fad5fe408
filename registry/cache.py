"""The public verification's answers, kept in the shared cache (docs/registry.md "Verification answers").

A QR code is read far more often than the registry changes: the answer for a number (document or record) is
built once (registry.public.verification: its look-ups, the record's history, the audit chain's backing) and
kept in Django's cache per language, shared by every app server (ELICENSE_CACHE, docs/deployment.md).

An answer is never shown after the registry changed it: every change of a record writes a RecordEvent
(registry/actions.py; the history is append-only), and RecordEvent.save forgets, at once and again when the
transaction has committed, the answers of the record's number and of all its documents' numbers; signing a document and
renewing its validation data change its hash, and forget its number the same way (documents/actions.py,
documents/renewal.py). An answer lives at most ELICENSE_VERIFICATION_CACHE_SECONDS (default 30), which bounds
how long a change made behind the system's back — an edited row the audit chain no longer backs — can go
unreported. Numbers nothing has yet ("not found") are not kept: a document made a moment later is found at once.
"""
from __future__ import annotations

import logging

import redis
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

# Part of every key: a release that changes the answer's shape reads none of the earlier answers.
FORMAT = 1
# A cache that cannot be reached (Redis down, a full disk) never fails a verification: the answer is built.
# Forgetting that fails leaves an answer that expires within ELICENSE_VERIFICATION_CACHE_SECONDS.
UNREACHABLE = (OSError, redis.exceptions.RedisError)
log = logging.getLogger(__name__)


def _key(number: str, language: str) -> str:
    return f"verification:{FORMAT}:{language}:{number}"


def _keys(numbers) -> list[str]:
    return [_key(n, code) for n in numbers if n for code, _name in settings.LANGUAGES]


def answer(number: str, build) -> dict:
    """The answer for ``number`` in the active language: the kept one, or ``build(number)`` (kept if found)."""
    seconds = float(getattr(settings, "ELICENSE_VERIFICATION_CACHE_SECONDS", 30))
    if seconds <= 0:
        return build(number)
    key = _key(number, translation.get_language() or settings.LANGUAGE_CODE)
    try:
        kept = cache.get(key)
    except UNREACHABLE as exc:
        log.warning("verification cache unreachable, answer built: %s", exc)
        return build(number)
    if kept is not None:
        return kept
    result = build(number)
    if result.get("found"):
        try:
            cache.set(key, result, seconds)
        except UNREACHABLE as exc:
            log.warning("verification cache unreachable, answer not kept: %s", exc)
    return result


def _delete(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except UNREACHABLE as exc:
        log.warning("verification cache unreachable, %d answers expire on their own: %s", len(keys), exc)


def forget(numbers) -> None:
    """Forget the answers of these numbers, in every language: now, and again once the current transaction
    commits (an answer another process built from the state before the commit is gone then too)."""
    keys = _keys(set(numbers))
    if keys:
        _delete(keys)
        transaction.on_commit(lambda: _delete(keys))


def forget_record(record_id: int) -> None:
    """Forget the answers of a record's number and of every document that made one of its versions (now, and
    again after the commit, as ``forget``)."""
    Record, RecordDocument = apps.get_model("registry", "Record"), apps.get_model("registry", "RecordDocument")
    numbers = set(Record.objects.filter(pk=record_id).values_list("number", flat=True))
    for document, by_document in RecordDocument.objects.filter(record_id=record_id).values_list(
            "document__number", "by_document__number"):
        numbers.update(n for n in (document, by_document) if n)
    forget(numbers)


def forget_document(number: str) -> None:
    """A document's hash changed (signed, validation data renewed): forget its answers and those of the record
    it made a version of (a record's number answers with its current document's hash)."""
    RecordDocument = apps.get_model("registry", "RecordDocument")
    forget([number])
    for record_id in set(RecordDocument.objects.filter(document__number=number).values_list("record_id", flat=True)) | set(
            RecordDocument.objects.filter(by_document__number=number).values_list("record_id", flat=True)):
        forget_record(record_id)
