"""The process definitions: BPMN files under settings.ELICENSE_DEFINITIONS_DIR,
parsed once per process and cached.

See docs/process-definitions.md for the conventions the files follow.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from core.norms import Norm, parse_norm

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}


@dataclass(frozen=True)
class Node:
    """What the system needs to know of one flow node besides the engine's spec."""

    bpmn_id: str
    tag: str  # the BPMN element: userTask, serviceTask, exclusiveGateway, endEvent ...
    name: str
    lane: str
    properties: dict

    @property
    def step(self) -> str:
        return self.properties.get("step") or self.properties.get("part_of_step", "")

    @property
    def action_kind(self) -> str:
        return self.properties.get("action_kind", "")

    @functools.cached_property
    def norm(self) -> Norm | None:
        text = self.properties.get("norm", "")
        return parse_norm(text) if text else None


@dataclass
class Definition:
    path: Path
    process_id: str
    sha256: str
    metadata: dict
    nodes: dict[str, Node]
    _spec: object = field(default=None, repr=False)

    @property
    def service(self) -> str:
        return self.metadata["service"]

    @property
    def channel(self) -> str:
        return self.metadata["channel"]

    @property
    def version(self) -> str:
        return self.metadata["version"]

    @property
    def valid_from(self) -> datetime.date:
        return datetime.date.fromisoformat(self.metadata["valid_from"])

    @property
    def deadline(self) -> Norm:
        return parse_norm(self.metadata["deadline"])

    @property
    def spec(self):
        """The engine's process spec, parsed (and schema-validated) on first use."""
        if self._spec is None:
            parser = SpiffBpmnParser(validator=VALIDATOR)
            parser.add_bpmn_file(str(self.path))
            self._spec = parser.get_spec(self.process_id)
        return self._spec


def _properties(element) -> dict:
    return {
        p.get("name"): p.get("value")
        for p in element.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


def read_definition(path: Path) -> Definition:
    raw = path.read_bytes()
    root = etree.fromstring(raw)
    process = root.find("bpmn:process", NS)
    lanes = {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[ref.text.strip()] = lane.get("id")
    nodes = {}
    for element in process:
        if not isinstance(element.tag, str) or element.get("id") is None:
            continue
        tag = etree.QName(element).localname
        if tag in ("laneSet", "sequenceFlow", "extensionElements"):
            continue
        nodes[element.get("id")] = Node(element.get("id"), tag, element.get("name") or "", lanes.get(element.get("id"), ""), _properties(element))
    return Definition(path, process.get("id"), hashlib.sha256(raw).hexdigest(), _properties(process), nodes)


@functools.cache
def all_definitions() -> tuple[Definition, ...]:
    directory = Path(settings.ELICENSE_DEFINITIONS_DIR)
    return tuple(read_definition(p) for p in sorted(directory.glob("*/*.bpmn")))


def definition_for(service: str, channel: str, on: datetime.date) -> Definition | None:
    """The version of a service's channel in force on a date: the newest valid_from not after it."""
    candidates = [
        d for d in all_definitions() if d.service == service and d.channel == channel and d.valid_from <= on
    ]
    return max(candidates, key=lambda d: d.valid_from, default=None)


def definition_by_process_id(process_id: str, sha256: str | None = None) -> Definition:
    for d in all_definitions():
        if d.process_id == process_id and (sha256 is None or d.sha256 == sha256):
            return d
    raise LookupError(process_id)
