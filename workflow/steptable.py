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

from workflow.definitions import Definition, Node, read_definition

NO_VALUE = "—"


@dataclass(frozen=True)
class Row:
    step: str
    actor: str
    action: str
    ends_with: str
    norm: str
    next: str

    COLUMNS = ("step", "actor", "action", "ends_with", "norm", "next")


def _step_of(node: Node) -> str:
    return node.properties.get("step", "")


def _next_text(model: Definition, node: Node, order: dict[str, int]) -> str:
    own_step = _step_of(node)
    branches: dict[str, list[str]] = {}  # target step -> branch wordings

    def walk(node_id: str, words: tuple[str, ...], seen: frozenset[str]) -> None:
        for flow in model.outgoing(node_id):
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

    walk(node.bpmn_id, (), frozenset({node.bpmn_id}))
    if not branches:
        return NO_VALUE
    parts = []
    for step in sorted(branches, key=lambda s: order.get(s, len(order))):
        for wording in branches[step]:
            parts.append(f"{step} {wording}".strip())
    return "; ".join(parts)


def step_table(path: Path | str | Definition) -> list[Row]:
    """The step table of one BPMN file (or definition): one Row per node with a `step` property, in document
    order."""
    model = path if isinstance(path, Definition) else read_definition(path)
    stepped = [n for n in model.nodes.values() if _step_of(n)]
    order = {}
    for n in stepped:
        if _step_of(n) in order:
            raise ValueError(f"{path}: step {_step_of(n)} is carried by more than one node")
        order[_step_of(n)] = len(order)
    return [
        Row(
            step=_step_of(n),
            actor=model.lane_names.get(n.lane, ""),
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
