"""The regulation's step table (appendix 3, "table 1"/"table 2"), generated from a BPMN file.

Pure functions over the same files the engine runs (no database). The rules
are in docs/process-definitions.md ("Step tables"):

* one row per flow node that carries a `step` property, in document order;
  nodes that carry `part_of_step` instead (checks, gateways, the decision
  task of a "register and process" step, the refusal after a receipt) belong
  to that step's row and make no row of their own;
* actor = the name of the node's lane; action = the node's name; ends_with
  and norm = its properties;
* next = where the flows lead from the node, through gateways and through
  the step's own supporting nodes, up to the next node of another step,
  worded "<step> <flow name>[ and <flow name>…]" for every branch and joined
  with "; " (branches to end events are left out; no branch at all is "—").
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
DEFAULT_DEFINITIONS_DIR = Path(__file__).resolve().parent.parent / "services" / "definitions"
NO_VALUE = "—"
METADATA_KEYS = ("service", "channel", "version", "valid_from", "regulation", "deadline", "refusal_deadline")
_NOT_FLOW_NODES = {"laneSet", "sequenceFlow", "extensionElements", "documentation"}


@dataclass(frozen=True)
class Row:
    step: str
    actor: str
    action: str
    ends_with: str
    norm: str
    next: str

    COLUMNS = ("step", "actor", "action", "ends_with", "norm", "next")


@dataclass(frozen=True)
class _Node:
    id: str
    tag: str
    name: str
    lane_id: str
    properties: dict


@dataclass(frozen=True)
class _Flow:
    id: str
    source: str
    target: str
    name: str


class _Model:
    """The parts of one BPMN process the table needs."""

    def __init__(self, path: Path | str):
        root = etree.parse(str(path)).getroot()
        process = root.find("bpmn:process", NS)
        if process is None:
            raise ValueError(f"{path}: no bpmn:process")
        self.process = process
        self.lane_names: dict[str, str] = {}
        lane_of: dict[str, str] = {}
        for lane in process.iterfind(".//bpmn:lane", NS):
            self.lane_names[lane.get("id")] = lane.get("name") or lane.get("id")
            for ref in lane.iterfind("bpmn:flowNodeRef", NS):
                lane_of[ref.text.strip()] = lane.get("id")
        self.nodes: dict[str, _Node] = {}
        self.flows: list[_Flow] = []
        for element in process:
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            if tag == "sequenceFlow":
                self.flows.append(_Flow(element.get("id"), element.get("sourceRef"), element.get("targetRef"),
                                        (element.get("name") or "").strip()))
            elif tag not in _NOT_FLOW_NODES and element.get("id"):
                nid = element.get("id")
                self.nodes[nid] = _Node(nid, tag, (element.get("name") or "").strip(), lane_of.get(nid, ""),
                                        properties_of(element))
        self.outgoing: dict[str, list[_Flow]] = {nid: [] for nid in self.nodes}
        for flow in self.flows:
            self.outgoing[flow.source].append(flow)


def properties_of(element) -> dict[str, str]:
    """The `spiffworkflow:properties` of an element (process or flow node)."""
    return {
        p.get("name"): p.get("value")
        for p in element.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


def definition_metadata(path: Path | str) -> dict[str, str]:
    """The process-level properties (service, channel, version, valid_from, regulation, deadline,
    refusal_deadline when present) plus `process_id` and `name`."""
    model = _Model(path)
    props = properties_of(model.process)
    meta = {key: props[key] for key in METADATA_KEYS if key in props}
    meta["process_id"] = model.process.get("id")
    meta["name"] = model.process.get("name") or ""
    return meta


def definitions_dir() -> Path:
    try:
        from django.conf import settings

        configured = getattr(settings, "ELICENSE_DEFINITIONS_DIR", None)
    except Exception:  # settings not configured: plain library use
        configured = None
    return Path(configured) if configured else DEFAULT_DEFINITIONS_DIR


def iter_definition_files(directory: Path | str | None = None) -> Iterator[Path]:
    """Every `<SERVICE>/<channel>-<version>.bpmn` under ELICENSE_DEFINITIONS_DIR, sorted."""
    base = Path(directory) if directory is not None else definitions_dir()
    yield from sorted(base.glob("*/*.bpmn"))


def find_definition(service: str, channel: str, version: str | None = None,
                    directory: Path | str | None = None) -> Path:
    """The file of a service's channel: the given version, or the newest one."""
    candidates = []
    for path in iter_definition_files(directory):
        if path.parent.name != service:
            continue
        file_channel, _, file_version = path.stem.partition("-")
        if file_channel == channel and (version is None or file_version == str(version)):
            candidates.append((file_version, path))
    if not candidates:
        wanted = f"{service} {channel}" + (f" {version}" if version else "")
        raise LookupError(f"no process definition for {wanted}")
    return max(candidates)[1]


def _step_of(node: _Node) -> str:
    return node.properties.get("step", "")


def _next_text(model: _Model, node: _Node, order: dict[str, int]) -> str:
    own_step = _step_of(node)
    branches: dict[str, list[str]] = {}  # target step -> branch wordings

    def walk(node_id: str, words: tuple[str, ...], seen: frozenset[str]) -> None:
        for flow in model.outgoing.get(node_id, []):
            path_words = words + ((flow.name,) if flow.name else ())
            target = model.nodes[flow.target]
            if flow.target in seen:
                continue
            target_step = target.properties.get("step") or ""
            if not target_step and target.properties.get("part_of_step", own_step) != own_step:
                target_step = target.properties["part_of_step"]
            if target_step:
                wording = " and ".join(path_words)
                branches.setdefault(target_step, [])
                if wording not in branches[target_step]:
                    branches[target_step].append(wording)
            elif target.tag != "endEvent":
                walk(flow.target, path_words, seen | {flow.target})

    walk(node.id, (), frozenset({node.id}))
    if not branches:
        return NO_VALUE
    parts = []
    for step in sorted(branches, key=lambda s: order.get(s, len(order))):
        for wording in branches[step]:
            parts.append(f"{step} {wording}".strip())
    return "; ".join(parts)


def step_table(path: Path | str) -> list[Row]:
    """The step table of one BPMN file: one Row per node with a `step` property, in document order."""
    model = _Model(path)
    stepped = [n for n in model.nodes.values() if _step_of(n)]
    order = {}
    for n in stepped:
        if _step_of(n) in order:
            raise ValueError(f"{path}: step {_step_of(n)} is carried by more than one node")
        order[_step_of(n)] = len(order)
    return [
        Row(
            step=_step_of(n),
            actor=model.lane_names.get(n.lane_id, ""),
            action=n.name,
            ends_with=n.properties.get("ends_with") or NO_VALUE,
            norm=n.properties.get("norm") or NO_VALUE,
            next=_next_text(model, n, order),
        )
        for n in stepped
    ]


def to_markdown(rows: list[Row]) -> str:
    header = "| step | who | action | ends with | norm | next |"
    lines = [header, "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        cells = [getattr(r, c).replace("|", "\\|") for c in Row.COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def to_json(rows: list[Row], metadata: dict | None = None) -> str:
    data = {"steps": [asdict(r) for r in rows]}
    if metadata is not None:
        data = {"definition": metadata, **data}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
