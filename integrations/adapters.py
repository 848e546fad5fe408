"""Which implementation serves each outside-system interface.

settings.ELICENSE_ADAPTERS names a class per interface (registry, payments,
documents, signatures); one instance per process is made on first use. Tests
swap an implementation with `override_settings` followed by `reset()`.
"""
import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from core.errors import Unavailable


class AdapterUnavailable(Unavailable):
    """The outside system could not be reached (or kept failing); the step waits and is retried."""


@functools.cache
def _instance(name: str):
    return import_string(settings.ELICENSE_ADAPTERS[name])()


def registry():
    return _instance("registry")


def registry_lookup(iin: str, bin_: str):
    """The Legal-entities registry for a BIN, else the Individuals registry for the IIN (may raise
    AdapterUnavailable)."""
    return registry().legal_entity(bin_) if bin_ else registry().individual(iin)


def payments():
    return _instance("payments")


def documents():
    return _instance("documents")


def signatures():
    return _instance("signatures")


def reset():
    _instance.cache_clear()


@receiver(setting_changed)
def _on_setting_changed(setting, **kwargs):
    if setting in ("ELICENSE_ADAPTERS", "ELICENSE_TRUST_DIR") or setting.startswith("ELICENSE_REGISTRY") \
            or setting.startswith("ELICENSE_PAYMENTS") or setting.startswith("ELICENSE_DOCUMENTS") \
            or setting.startswith("ELICENSE_ADAPTER_"):
        reset()
