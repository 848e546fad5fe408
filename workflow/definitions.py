"""The process definitions: BPMN files in the directories registered with `add_directory` (the services
app registers each service's definitions/ folder), parsed once per process and cached.

A released definition is immutable: the engine stores a file's exact bytes (ProcessDefinition.text) when the
first request is filed under it, and a request runs from that copy whenever the file on disk has changed or
is gone (`definition_by_process_id(process_id, sha256)`); workflow/checks.py refuses, at start-up, a file
changed after requests were filed under it.

See docs/process-definitions.md for the conventions the files follow.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

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

    @functools.cached_property
    def term(self) -> Norm | None:
        """A user task's own term (``term``, e.g. "3 working days"): the time its actor has, counted from
        when the task opens — not from the request's receipt, as a step's norm in days is. The task is due at
        its end; what happens after is the definition's and its actions' to say."""
        text = self.properties.get("term", "")
        return parse_norm(text) if text else None


@dataclass(frozen=True)
class Flow:
    bpmn_id: str
    source: str
    target: str
    name: str


@dataclass
class Definition:
    """One process definition, read from its file (``path``) or from the copy stored when a request was
    first filed under it (``path`` None). ``text`` is the exact bytes ``sha256`` is the hash of."""

    process_id: str
    name: str
    sha256: str
    metadata: dict
    nodes: dict[str, Node]
    flows: list[Flow]
    lane_names: dict[str, str]
    path: Path | None = None
    text: bytes = field(default=b"", repr=False)
    _spec: object = field(default=None, repr=False)

    def outgoing(self, node_id: str) -> list[Flow]:
        return [f for f in self.flows if f.source == node_id]

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
        """The engine's process spec, parsed (and schema-validated) from ``text`` on first use; one per
        sha256, whether the definition was read from the file or from its stored copy."""
        if self._spec is None:
            self._spec = _specs.get(self.sha256)
            if self._spec is None:
                parser = SpiffBpmnParser(validator=VALIDATOR)
                parser.add_bpmn_xml(etree.fromstring(self.text), filename=str(self.path or self.process_id))
                self._spec = _specs[self.sha256] = parser.get_spec(self.process_id)
        return self._spec


_specs: dict[str, object] = {}  # sha256 → the parsed spec


def properties_of(element) -> dict:
    """The `spiffworkflow:properties` of an element (process or flow node)."""
    return {
        p.get("name"): p.get("value")
        for p in element.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


METADATA_KEYS = ("service", "channel", "version", "valid_from", "regulation", "deadline", "refusal_deadline")


def read_definition(path: Path | str) -> Definition:
    """Everything the system reads from a BPMN file besides the engine's own spec."""
    path = Path(path)
    return parse_definition(path.read_bytes(), path)


def parse_definition(text: bytes, path: Path | None = None) -> Definition:
    """The definition in these bytes (a file's, or the copy stored in the database: ``path`` None)."""
    root = etree.fromstring(text)
    process = root.find("bpmn:process", NS)
    if process is None:
        raise ValueError(f"{path or 'stored definition'}: no bpmn:process")
    lanes, lane_names = {}, {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        lane_names[lane.get("id")] = lane.get("name") or lane.get("id")
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[ref.text.strip()] = lane.get("id")
    nodes, flows = {}, []
    for element in process:
        if not isinstance(element.tag, str) or element.get("id") is None:
            continue
        tag = etree.QName(element).localname
        if tag == "sequenceFlow":
            flows.append(Flow(element.get("id"), element.get("sourceRef"), element.get("targetRef"),
                              (element.get("name") or "").strip()))
        elif tag not in ("laneSet", "extensionElements", "documentation"):
            node_id = element.get("id")
            nodes[node_id] = Node(node_id, tag, (element.get("name") or "").strip(), lanes.get(node_id, ""),
                                  properties_of(element))
    return Definition(
        path=path, text=text, process_id=process.get("id"), name=process.get("name") or "",
        sha256=hashlib.sha256(text).hexdigest(), metadata=properties_of(process), nodes=nodes, flows=flows,
        lane_names=lane_names,
    )


def definition_metadata(path: Path | str) -> dict[str, str]:
    """The process-level properties plus `process_id` and `name`."""
    definition = read_definition(path)
    meta = {key: definition.metadata[key] for key in METADATA_KEYS if key in definition.metadata}
    return {**meta, "process_id": definition.process_id, "name": definition.name}


_directories: list[Path] = []


def add_directory(directory: Path | str) -> None:
    """Definitions are read from this directory too (`<channel>-<version>.bpmn` files)."""
    directory = Path(directory)
    if directory not in _directories:
        _directories.append(directory)
        all_definitions.cache_clear()


def remove_directory(directory: Path | str) -> None:
    directory = Path(directory)
    if directory in _directories:
        _directories.remove(directory)
        all_definitions.cache_clear()


def iter_definition_files(directory: Path | str | None = None) -> list[Path]:
    """Every `<channel>-<version>.bpmn` in the directory (default: every registered directory), sorted."""
    directories = [Path(directory)] if directory else _directories
    return sorted(path for d in directories for path in d.glob("*.bpmn"))


def find_definition(service: str, channel: str, version: str | None = None,
                    directory: Path | str | None = None) -> Path:
    """The file of a service's channel: the given version, or the newest one."""
    candidates = []
    for path in iter_definition_files(directory):
        file_channel, _, file_version = path.stem.partition("-")
        if file_channel == channel and version in (None, file_version) and _service_of(path) == service:
            candidates.append((file_version, path))
    if not candidates:
        raise LookupError(f"no process definition for {service} {channel}" + (f" {version}" if version else ""))
    return max(candidates)[1]


def _service_of(path: Path) -> str:
    return read_definition(path).metadata.get("service", "")


@functools.cache
def all_definitions() -> tuple[Definition, ...]:
    return tuple(read_definition(p) for p in iter_definition_files())


def definition_for(service: str, channel: str, on: datetime.date) -> Definition | None:
    """The version of a service's channel in force on a date: the newest valid_from not after it."""
    candidates = [
        d for d in all_definitions() if d.service == service and d.channel == channel and d.valid_from <= on
    ]
    return max(candidates, key=lambda d: d.valid_from, default=None)


def definition_by_process_id(process_id: str, sha256: str | None = None) -> Definition:
    """The definition a request filed under (process_id, sha256) runs: the file on disk if it still has those
    bytes, else the copy stored when the first request was filed (read once per sha256). Without a sha256:
    the file on disk, or, if there is none any more, the newest stored copy."""
    for d in all_definitions():
        if d.process_id == process_id and (sha256 is None or d.sha256 == sha256):
            return d
    definition = _stored.get(sha256) if sha256 else None
    if definition is None:
        definition = _stored_definition(process_id, sha256)
    if definition is None or definition.process_id != process_id:
        raise LookupError(process_id)
    return definition


_stored: dict[str, Definition] = {}  # sha256 → the definition built from its stored copy


def _stored_definition(process_id: str, sha256: str | None) -> Definition | None:
    from workflow.models import ProcessDefinition

    rows = ProcessDefinition.objects.filter(process_id=process_id).exclude(text=b"")
    if sha256:
        rows = rows.filter(sha256=sha256)
    text = rows.order_by("-loaded_at", "-pk").values_list("text", flat=True).first()
    if text is None:
        return None
    text = bytes(text)
    definition = parse_definition(text)
    if definition.sha256 != (sha256 or definition.sha256):
        raise ValueError(f"the stored copy of {process_id} does not have the sha256 {sha256}")
    _stored[definition.sha256] = definition
    return definition


def clear_caches() -> None:
    """Forget every parsed definition and spec (what a restart does): the files are read again."""
    all_definitions.cache_clear()
    _stored.clear()
    _specs.clear()
