"""The translated names of what the process definitions name in English (nodes, lanes, processes), for
the diagram and the steps in the page's language: each service's ``labels.BPMN``, merged."""
from __future__ import annotations

from pathlib import Path

from services import registry

SKIPPED_ELEMENTS = {"definitions", "property"}


def bpmn_labels() -> dict:
    """Every service's BPMN names → their lazy translations."""
    merged = {}
    for service in registry.all_services():
        labels = service.module("labels")
        merged.update(getattr(labels, "BPMN", {}))
    return merged


def definition_names(directory: Path | str | None = None) -> set[str]:
    """The names in the definitions of a directory (default: every service's)."""
    from lxml import etree

    from workflow.definitions import iter_definition_files

    names = set()
    for path in iter_definition_files(directory):
        for el in etree.parse(str(path)).iter():
            if isinstance(el.tag, str) and el.get("name") and el.tag.split("}")[-1] not in SKIPPED_ELEMENTS:
                names.add(el.get("name").strip())
    return names
