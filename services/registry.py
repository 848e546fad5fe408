"""The services the system offers, found in one place.

A service is one package (``services/s1/`` … ``services/s4/``) holding everything that is that
service: its process definitions (``definitions/<channel>-<version>.bpmn``), its request forms per
sub-kind (``forms.py``), its reference data (``reference_data.py``: fees, documents, qualification
checklist), its result-document layouts (``layouts.py``) and its labels (``labels.py``). The
package's ``SERVICE`` (a :class:`Service`) ties them together. The packages in force are listed in
``settings.ELICENSE_SERVICES``; the rest of the system asks this module, never a service code.

Adding a service means adding a package and naming it in ``ELICENSE_SERVICES`` (or, in tests,
:func:`registered`).
"""
from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise

from core.errors import DomainError

# Who provides a service (ProviderUnit.Kind): the Committee, or the Inspection of the region where the
# radio-frequency resource is used (the request then names its region).
COMMITTEE, INSPECTION = "committee", "inspection"
# When a paid service is paid (regulation §2-3): before the applicant signs, or after the officer's check.
BEFORE_SIGNING, AFTER_CHECK = "before", "after"


class UnknownService(DomainError):
    code = "unknown_service"
    status = 422


@dataclass(frozen=True)
class SubKind:
    """One kind of request of a service (issue, re-issue …), with its form."""

    code: str
    label: str | Promise
    form: type
    # A sub-kind that acts on an existing registry record instead of creating one: "reissue" / "duplicate".
    record_action: str = ""


@dataclass(frozen=True)
class Service:
    code: str
    name: str | Promise  # short name (a request's service)
    title: str | Promise  # the state service as the catalogue names it
    official_name: tuple[str, str]  # Kazakh, Russian: as the regulation names it (result documents)
    provider: str  # COMMITTEE or INSPECTION
    sub_kinds: tuple[SubKind, ...]
    result_kind: str  # the registry record it ends with: licence / order / permit
    result_label: str | Promise  # the record's name in the public registry
    package: str  # the service's package, e.g. "services.s1"
    payment: str = ""  # "" (free), BEFORE_SIGNING or AFTER_CHECK
    # The form fields that make the scope of the registry record the result creates …
    registry_scope: tuple[str, ...] = ()
    # … and those of them the public registry shows (default: all of them). Never an individual's address.
    public_scope: tuple[str, ...] | None = None
    # The scope of a registry record as one line of text (the public registry and its CSV).
    scope_text: Callable[[dict], str] | None = None
    # Layouts of the result documents this service makes: result kind → build(ctx) -> Layout.
    layouts: dict[str, Callable] = field(default_factory=dict)
    # The channels in which the provider's responsible executor drafts the result's content at their review and
    # the head signs that draft (the 2015 office chain: applications/office_chain.py).
    drafted_in_office: tuple[str, ...] = ()

    @property
    def public_scope_keys(self) -> tuple[str, ...]:
        """The scope keys anyone may see: the service's public ones, its region and sub-kind."""
        keys = self.registry_scope if self.public_scope is None else self.public_scope
        return (*keys, "region", "sub_kind")

    @property
    def regional(self) -> bool:
        """The request names the region of use, and goes to that region's Inspection."""
        return self.provider == INSPECTION

    @property
    def paid(self) -> bool:
        return bool(self.payment)

    @property
    def path(self) -> Path:
        return Path(importlib.import_module(self.package).__file__).parent

    @property
    def definitions_dir(self) -> Path:
        return self.path / "definitions"

    def sub_kind(self, code: str) -> SubKind:
        for sub_kind in self.sub_kinds:
            if sub_kind.code == code:
                return sub_kind
        raise UnknownService(code="unknown_sub_kind")

    def has_sub_kind(self, code: str) -> bool:
        return any(s.code == code for s in self.sub_kinds)

    def sub_kind_label(self, code: str):
        return self.sub_kind_labels().get(code, code)

    def sub_kind_labels(self) -> dict[str, str | Promise]:
        return {s.code: s.label for s in self.sub_kinds}

    def form(self, sub_kind: str, data: dict | None = None):
        return self.sub_kind(sub_kind).form(data)

    def provider_unit(self, region=None):
        """The unit that handles a request (spec §1-2): the Committee, or the region's Inspection."""
        from services.models import ProviderUnit

        if self.provider == COMMITTEE:
            return ProviderUnit.objects.filter(kind=ProviderUnit.Kind.COMMITTEE).first()
        if region is None:
            return None
        return ProviderUnit.objects.filter(kind=ProviderUnit.Kind.INSPECTION, region=region).first()

    def module(self, name: str):
        """One of the service's own modules (reference_data, labels …), or None if it has none."""
        try:
            return importlib.import_module(f"{self.package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{self.package}.{name}":
                raise
            return None


_services: dict[str, Service] | None = None
_extra: dict[str, Service] = {}  # registered by tests (registered())


def _load() -> dict[str, Service]:
    global _services
    if _services is None:
        loaded = {}
        for package in settings.ELICENSE_SERVICES:
            service = importlib.import_module(f"{package}.service").SERVICE
            loaded[service.code] = service
        _services = loaded
    return {**_services, **_extra}


def all_services() -> list[Service]:
    """Every service, in the order of their codes."""
    return [s for _code, s in sorted(_load().items())]


def get(code: str) -> Service:
    try:
        return _load()[code]
    except KeyError:
        raise UnknownService() from None


def find(code: str) -> Service | None:
    return _load().get(code)


def choices() -> list[tuple[str, str | Promise]]:
    """(code, name) of every service: the choices of a request's service."""
    return [(s.code, s.name) for s in all_services()]


def definition_dirs() -> list[Path]:
    return [s.definitions_dir for s in all_services()]


@contextlib.contextmanager
def registered(service: Service):
    """A service known for the duration of the block (tests: a fake service defined in a test folder)."""
    from workflow import definitions

    _extra[service.code] = service
    definitions.add_directory(service.definitions_dir)
    try:
        yield service
    finally:
        _extra.pop(service.code, None)
        definitions.remove_directory(service.definitions_dir)


# -- a service's own rules and its registries ------------------------------------------------------
# Two optional modules of a service's package, called by the actions (never by a page):
#   checks.py:  check(app, form) -> list of reasons (localised text); called when the request's form is taken
#               (applications.actions.validate_form: finishing or entering the request) and again when an officer
#               approves (applications.actions.decide): a reason refuses the step, saying why;
#   results.py: recorded(record, form, document); called by registry.actions.record_result inside the issuing
#               transaction, once the record exists (a service's resource registry records what was permitted).
def check_request(app, form: dict) -> list[str]:
    """The reasons the service's own rules (``checks.check``) refuse the request's form; empty when none."""
    checks = get(app.service).module("checks")
    return list(checks.check(app, form)) if checks is not None else []


def panel(app, name: str, *args) -> dict | None:
    """A panel a service's ``pages.py`` adds to a generic page (``pages.<name>(app, *args)``: a dict with its
    ``template`` and context, or None): ``fill_panel(app, data, params)`` on the portal's filling page (e.g. the
    free numbering blocks to pick from), ``check_panel(app)`` on the back-office request page (the officer's check)."""
    pages = get(app.service).module("pages")
    show = getattr(pages, name, None) if pages is not None else None
    return show(app, *args) if show is not None else None


def result_recorded(record, form: dict, document) -> None:
    """Tell the service that its result's registry record was created (``results.recorded``)."""
    service = find(record.service)
    results = service.module("results") if service is not None else None
    if results is not None:
        results.recorded(record, form, document)
