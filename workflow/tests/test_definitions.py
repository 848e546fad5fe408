"""The process definitions (services/<service>/definitions/*.bpmn) against the conventions
(docs/process-definitions.md) and against the regulations' step tables
(workflow/tests/regulation_tables.py). No database."""
from __future__ import annotations

import ast
import itertools
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from workflow import definitions, steptable
from workflow.tests import regulation_tables

REPO = Path(__file__).resolve().parents[2]
SERVICES = REPO / "services"  # each service's definitions: services/<service>/definitions/*.bpmn
DOC = REPO / "docs" / "process-definitions.md"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
EXPECTED_FILES = {
    "S1/portal-2012.bpmn", "S1/staff-2012.bpmn",
    "S2/portal-2012.bpmn", "S2/staff-2012.bpmn",
    "S2/portal-2015.bpmn", "S2/staff-2015.bpmn", "S2/psc-2015.bpmn",
    "S3/portal-2012.bpmn", "S3/staff-2012.bpmn",
    "S4/portal-2012.bpmn", "S4/staff-2012.bpmn",
    # the hearing before a refusal on the substance (docs/refusals.md)
    "S1/portal-2026.bpmn", "S3/portal-2026.bpmn", "S4/portal-2026.bpmn",
}


def service_of(path: Path) -> str:
    """S1 for services/s1/definitions/portal-2012.bpmn."""
    return path.parents[1].name.upper()


def file_of(name: str) -> Path:
    """services/s1/definitions/portal-2012.bpmn for S1/portal-2012.bpmn."""
    service, file_name = name.split("/")
    return SERVICES / service.lower() / "definitions" / file_name


FILES = sorted(file_of(f) for f in EXPECTED_FILES)
RESULT_KIND = {"S1": "licence", "S2": "order", "S3": "permit", "S4": "permit"}
TASKS = ("userTask", "serviceTask")
SIZES = {"userTask": (100, 80), "serviceTask": (100, 80), "startEvent": (36, 36), "endEvent": (36, 36),
         "exclusiveGateway": (50, 50)}
NORM_RE = re.compile(r"^(—|(≤ )?\d+(\.\d+)?(–\d+(\.\d+)?)? (s|min|minutes?|hours?|calendar days?|working days?))$")


def ids(paths):
    return [f"{service_of(p)}/{p.name}" for p in paths]


# --------------------------------------------------------------------------- the conventions doc
def _doc_table(heading_row: str) -> dict[str, str]:
    """First column (backticked) -> second column of the doc's table whose header starts so."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading_row))
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[1]
    return rows


def documented_lanes() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Lanes (actors)", 1)[1].split("\n## ", 1)[0]
    paragraph = section.split("\n\n")[2]
    return set(re.findall(r"`([a-z_]+)`", paragraph))


def documented_action_kinds() -> dict[str, set[str]]:
    return {kind: set(re.findall(r"[a-z_]+", lanes)) for kind, lanes in _doc_table("| action_kind |").items()}


def documented_operations() -> set[str]:
    return set(_doc_table("| operation |"))


# --------------------------------------------------------------------------- helpers
class Bpmn:
    def __init__(self, path: Path):
        self.path = path
        self.root = etree.parse(str(path)).getroot()
        self.process = self.root.find("bpmn:process", NS)
        self.flows = self.process.findall("bpmn:sequenceFlow", NS)
        self.nodes = [
            e for e in self.process
            if isinstance(e.tag, str) and etree.QName(e).localname not in
            ("laneSet", "sequenceFlow", "extensionElements", "documentation")
        ]
        self.by_id = {e.get("id"): e for e in self.nodes}
        self.lanes = self.process.findall(".//bpmn:lane", NS)
        self.lane_of = {ref.text.strip(): lane.get("id") for lane in self.lanes
                        for ref in lane.findall("bpmn:flowNodeRef", NS)}

    def tag(self, e):
        return etree.QName(e).localname

    def props(self, e):
        return definitions.properties_of(e)

    def operator(self, e):
        return e.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)

    def params(self, e):
        op = self.operator(e)
        return {p.get("id"): p.get("value") for p in op.findall("spiffworkflow:parameters/spiffworkflow:parameter", NS)}

    def outgoing(self, node_id):
        return [f for f in self.flows if f.get("sourceRef") == node_id]

    def incoming(self, node_id):
        return [f for f in self.flows if f.get("targetRef") == node_id]

    @property
    def process_id(self):
        return self.process.get("id")


@pytest.fixture(params=FILES, ids=ids(FILES))
def bpmn(request):
    return Bpmn(request.param)


# --------------------------------------------------------------------------- files and schema
def test_the_expected_files_and_only_those():
    found = {f"{service_of(p)}/{p.name}" for d in SERVICES.glob("*/definitions") for p in definitions.iter_definition_files(d)}
    assert found == EXPECTED_FILES
    assert list(definitions.iter_definition_files()) == FILES  # the directories the services registered


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_validates_against_the_spiff_schema_and_parses(path):
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(path))
    service, (channel, version) = service_of(path), path.stem.split("-")
    spec = parser.get_spec(f"{service}_{channel}_{version}")
    assert spec.task_specs


def test_process_metadata(bpmn):
    service, (channel, version) = service_of(bpmn.path), bpmn.path.stem.split("-")
    assert bpmn.process_id == f"{service}_{channel}_{version}"
    assert bpmn.process.get("isExecutable") == "true"
    assert len(bpmn.root.findall("bpmn:process", NS)) == 1
    meta = definitions.definition_metadata(bpmn.path)
    assert (meta["service"], meta["channel"], meta["version"]) == (service, channel, version)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["valid_from"])
    assert meta["regulation"]
    assert NORM_RE.match(meta["deadline"]) and meta["deadline"] != "—"
    expected_deadline = {"S1": "15 calendar days", "S2": "30 calendar days", "S3": "60 calendar days",
                         "S4": "16 calendar days"}[service] if version in ("2012", "2026") else "29 working days"
    assert meta["deadline"] == expected_deadline
    assert meta.get("refusal_deadline") == ("2 working days" if version == "2015" else None)


# --------------------------------------------------------------------------- diagram interchange
def test_every_element_has_its_diagram_shape_or_edge(bpmn):
    plane = bpmn.root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    collaboration = bpmn.root.find("bpmn:collaboration", NS)
    assert plane.get("bpmnElement") == collaboration.get("id")
    participant = collaboration.find("bpmn:participant", NS)
    assert participant.get("processRef") == bpmn.process_id
    shapes = {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}
    assert participant.get("id") in shapes
    for lane in bpmn.lanes:
        assert lane.get("id") in shapes, lane.get("id")
    for node in bpmn.nodes:
        shape = shapes[node.get("id")]
        bounds = shape.find("dc:Bounds", NS)
        size = (int(float(bounds.get("width"))), int(float(bounds.get("height"))))
        assert size == SIZES[bpmn.tag(node)], node.get("id")
        if bpmn.tag(node) == "exclusiveGateway":
            assert shape.get("isMarkerVisible") == "true"
    assert set(shapes) == {n.get("id") for n in bpmn.nodes} | {lane.get("id") for lane in bpmn.lanes} | {participant.get("id")}
    for flow in bpmn.flows:
        edge = edges[flow.get("id")]
        points = edge.findall("di:waypoint", NS)
        assert len(points) >= 2, flow.get("id")
        if flow.get("name"):
            assert edge.find("bpmndi:BPMNLabel/dc:Bounds", NS) is not None, flow.get("id")
    assert set(edges) == {f.get("id") for f in bpmn.flows}


def _bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def test_diagram_is_tidy(bpmn):
    """Nodes sit inside their lane's band; edges are orthogonal, start and end on their nodes'
    borders and cross no other node."""
    plane = bpmn.root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    boxes = {s.get("bpmnElement"): _bounds(s) for s in plane.findall("bpmndi:BPMNShape", NS)}
    for node_id, lane_id in bpmn.lane_of.items():
        x, y, w, h = boxes[node_id]
        lx, ly, lw, lh = boxes[lane_id]
        assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, node_id
    for flow in bpmn.flows:
        edge = plane.find(f"bpmndi:BPMNEdge[@bpmnElement='{flow.get('id')}']", NS)
        pts = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        for (x1, y1), (x2, y2) in itertools.pairwise(pts):
            assert x1 == x2 or y1 == y2, flow.get("id")

        def on_border(point, box):
            px, py = point
            x, y, w, h = box
            return (x <= px <= x + w and py in (y, y + h)) or (y <= py <= y + h and px in (x, x + w))

        assert on_border(pts[0], boxes[flow.get("sourceRef")]), flow.get("id")
        assert on_border(pts[-1], boxes[flow.get("targetRef")]), flow.get("id")
        for node in bpmn.nodes:
            if node.get("id") in (flow.get("sourceRef"), flow.get("targetRef")):
                continue
            x, y, w, h = boxes[node.get("id")]
            for (x1, y1), (x2, y2) in itertools.pairwise(pts):
                crosses = (x1 == x2 and x < x1 < x + w and max(min(y1, y2), y) < min(max(y1, y2), y + h)) or \
                          (y1 == y2 and y < y1 < y + h and max(min(x1, x2), x) < min(max(x1, x2), x + w))
                assert not crosses, (flow.get("id"), node.get("id"))
    labels = {e.getparent().getparent().get("bpmnElement"): tuple(float(e.get(k)) for k in ("x", "y", "width", "height"))
              for e in plane.iterfind(".//bpmndi:BPMNLabel/dc:Bounds", NS)}
    nodes = {n.get("id"): boxes[n.get("id")] for n in bpmn.nodes}

    def overlap(a, b):
        return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]

    for owner, label in labels.items():
        for node_id, box in nodes.items():
            assert node_id == owner or not overlap(label, box), (owner, node_id)
        for other, other_label in labels.items():
            assert other == owner or not overlap(label, other_label), (owner, other)


# --------------------------------------------------------------------------- lanes and nodes
def test_lanes_are_the_documented_actors(bpmn):
    lanes = documented_lanes()
    assert {"applicant", "provider", "executor", "psc"} <= lanes
    for lane in bpmn.lanes:
        assert lane.get("id") in lanes
        assert lane.get("name")
    for node in bpmn.nodes:
        assert node.get("id") in bpmn.lane_of, f"{node.get('id')} is in no lane"
    assert len(bpmn.lane_of) == len(bpmn.nodes)


def test_every_task_carries_its_step_properties(bpmn):
    for node in bpmn.nodes:
        if bpmn.tag(node) not in TASKS:
            continue
        props = bpmn.props(node)
        assert ("step" in props) != ("part_of_step" in props), node.get("id")
        assert props.get("clause"), node.get("id")
        assert NORM_RE.match(props.get("norm", "")), (node.get("id"), props.get("norm"))
        assert node.get("name"), node.get("id")
        if "step" in props:
            assert props.get("ends_with"), node.get("id")
        if "refusal_norm" in props:
            assert NORM_RE.match(props["refusal_norm"])


def test_part_of_step_refers_to_a_step_of_the_same_file(bpmn):
    steps = {bpmn.props(n).get("step") for n in bpmn.nodes} - {None}
    for node in bpmn.nodes:
        part = bpmn.props(node).get("part_of_step")
        if part is not None:
            assert part in steps, node.get("id")


def test_user_tasks_use_documented_action_kinds_and_lanes(bpmn):
    kinds = documented_action_kinds()
    lanes = documented_lanes()
    for node in bpmn.process.findall("bpmn:userTask", NS):
        kind = bpmn.props(node).get("action_kind")
        assert kind in kinds, (node.get("id"), kind)
        lane = bpmn.lane_of[node.get("id")]
        assert lane in lanes
        assert lane in kinds[kind], (node.get("id"), kind, lane)
    for node in bpmn.process.findall("bpmn:serviceTask", NS):
        assert "action_kind" not in bpmn.props(node), node.get("id")


def test_service_tasks_use_documented_operations(bpmn):
    operations = documented_operations()
    for node in bpmn.process.findall("bpmn:serviceTask", NS):
        op = bpmn.operator(node)
        assert op is not None, node.get("id")
        name = op.get("id")
        assert name in operations, (node.get("id"), name)
        assert op.get("resultVariable"), node.get("id")
        # SpiffWorkflow finds flow nodes by id: no node may share its id with an operator or parameter
        assert name not in bpmn.by_id
        params = bpmn.params(node)
        for pid, value in params.items():
            assert pid not in bpmn.by_id
            ast.parse(value, mode="eval")
        if name == "refuse":
            assert re.fullmatch(r"'[a-z_]+'", params["reason"]), node.get("id")
        if name == "issue_result":
            assert ast.literal_eval(params["kind"]) == RESULT_KIND[service_of(bpmn.path)]
        if name == "issue_receipt":
            assert ast.literal_eval(params["kind"]) in ("receipt", "refusal_receipt")
        if name in ("refuse", "issue_result"):
            (out,) = bpmn.outgoing(node.get("id"))
            assert bpmn.tag(bpmn.by_id[out.get("targetRef")]) == "endEvent", node.get("id")


def test_end_events_close_a_refusal_or_a_result(bpmn):
    ends = bpmn.process.findall("bpmn:endEvent", NS)
    assert ends
    for end in ends:
        (flow,) = bpmn.incoming(end.get("id"))
        source = bpmn.by_id[flow.get("sourceRef")]
        assert bpmn.operator(source).get("id") in ("refuse", "issue_result"), end.get("id")
    results = [n for n in bpmn.process.findall("bpmn:serviceTask", NS) if bpmn.operator(n).get("id") == "issue_result"]
    assert len(results) == 1
    (start,) = bpmn.process.findall("bpmn:startEvent", NS)
    assert not bpmn.incoming(start.get("id"))


def test_gateways_name_and_condition_their_branches(bpmn):
    for gateway in bpmn.process.findall("bpmn:*", NS):
        if "Gateway" not in bpmn.tag(gateway):
            continue
        assert bpmn.tag(gateway) == "exclusiveGateway"
        default = gateway.get("default")
        outgoing = bpmn.outgoing(gateway.get("id"))
        assert len(outgoing) >= 2, gateway.get("id")
        for flow in outgoing:
            assert flow.get("name"), flow.get("id")
            condition = flow.find("bpmn:conditionExpression", NS)
            if flow.get("id") == default:
                assert condition is None
            else:
                assert condition is not None and condition.text.strip(), flow.get("id")
                ast.parse(condition.text.strip(), mode="eval")
    for flow in bpmn.flows:
        if bpmn.tag(bpmn.by_id[flow.get("sourceRef")]) != "exclusiveGateway":
            assert flow.find("bpmn:conditionExpression", NS) is None, flow.get("id")


# --------------------------------------------------------------------------- running every branch
OUTCOMES = {
    "check_authorisation": lambda fail, p: {"ok": "auth" not in fail, "reason": "auth" if "auth" in fail else ""},
    "check_payment": lambda fail, p: {"paid": "payment" not in fail, "status": "declined" if "payment" in fail else "paid"},
    "check_certificate": lambda fail, p: {"valid": "certificate" not in fail, "reason": ""},
    "verify_signature": lambda fail, p: {"valid": "signature" not in fail, "reason": ""},
    "lookup_registry": lambda fail, p: {"found": "registry" not in fail,
                                        "status": "not_found" if "registry" in fail else "found"},
    "register_request": lambda fail, p: {"number": "TEST-1"},
    "forward_to_provider": lambda fail, p: {"forwarded": True},
    "issue_receipt": lambda fail, p: {"kind": p["kind"]},
    "refuse": lambda fail, p: {"reason": p["reason"]},
    "issue_result": lambda fail, p: {"kind": p["kind"]},
    "notify_intended_refusal": lambda fail, p: {"hearing": 1, "ground": p["ground"]},
    "record_hearing_outcome": lambda fail, p: {"recorded": True, "answered": True},
}
COMPLETIONS = {
    "fill": lambda fail: {"form_complete": True},
    "pay": lambda fail: {"payment_reported": "declined" if "payment" in fail else "paid"},
    "choose_certificate": lambda fail: {"certificate_chosen": True},
    "sign": lambda fail: {"signed": True},
    "enter_application": lambda fail: {"applicant_entered": True},
    "attach_scans": lambda fail: {"scans_attached": True},
    "decide": lambda fail: ({"decision": "refuse", "refusal_reasons": ["test"]} if "decision" in fail
                            else {"decision": "approve", "refusal_reasons": []}),
    "psc_intake": lambda fail: {"document_set": "incomplete" if "document_set" in fail else "complete"},
    "register_incoming": lambda fail: {"incoming_number": "IN-1"},
    "put_on_portal": lambda fail: {},
    "assign_unit": lambda fail: {},
    "assign_executor": lambda fail: {"executor_id": 1},
    "sign_result": lambda fail: {},
    "answer_hearing": lambda fail: {"hearing_answered": True},
}
CHECK_OF = {"check_authorisation": "auth", "check_payment": "payment", "check_certificate": "certificate",
            "verify_signature": "signature", "lookup_registry": "registry", "decide": "decision",
            "psc_intake": "document_set"}


class _StubEngine(PythonScriptEngine):
    def __init__(self, fail, calls):
        super().__init__()
        self.fail, self.calls = fail, calls

    def call_service(self, task, operation_name, operation_params):
        params = {k: v["value"] for k, v in operation_params.items()}
        self.calls.append((task.task_spec.name, operation_name, params))
        return json.dumps(OUTCOMES[operation_name](self.fail, params))


def _run(path: Path, fail: set[str]):
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(path))
    calls = []
    workflow = BpmnWorkflow(parser.get_spec(Bpmn(path).process_id), script_engine=_StubEngine(fail, calls))
    for _ in range(100):
        workflow.do_engine_steps()
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            break
        for task in ready:
            kind = task.task_spec.extensions["properties"]["action_kind"]
            task.data.update(COMPLETIONS[kind](fail))
            task.run()
    assert workflow.is_completed(), path
    return calls


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_every_branch_runs_to_its_refusal_or_result(path):
    bpmn = Bpmn(path)
    checks = {CHECK_OF[bpmn.operator(n).get("id")] for n in bpmn.process.findall("bpmn:serviceTask", NS)
              if bpmn.operator(n).get("id") in CHECK_OF}
    checks |= {CHECK_OF[bpmn.props(n)["action_kind"]] for n in bpmn.process.findall("bpmn:userTask", NS)
               if bpmn.props(n)["action_kind"] in CHECK_OF}
    endings = set()
    happy = _run(path, set())
    node, operation, params = happy[-1]
    assert (operation, params) == ("issue_result", {"kind": RESULT_KIND[service_of(path)]})
    endings.add(node)
    expected_reason = {"auth": "authorisation_refused", "payment": "not_paid", "certificate": "signature_not_confirmed",
                       "signature": "signature_not_confirmed", "registry": "registry_data_unavailable",
                       "decision": "incomplete_document_set" if "2015" in path.stem else "qualification_failed",
                       "document_set": "incomplete_document_set"}
    for check in checks:
        calls = _run(path, {check})
        node, operation, params = calls[-1]
        assert (operation, params) == ("refuse", {"reason": expected_reason[check]}), check
        assert not any(op == "issue_result" for _, op, _ in calls)
        endings.add(node)
    terminal = {n.get("id") for n in bpmn.process.findall("bpmn:serviceTask", NS)
                if bpmn.operator(n).get("id") in ("refuse", "issue_result")}
    assert endings == terminal


# --------------------------------------------------------------------------- the step tables
@pytest.mark.parametrize("key", sorted(regulation_tables.TABLES), ids="-".join)
def test_generated_step_table_equals_the_regulation(key):
    service, channel, version = key
    path = definitions.find_definition(service, channel, version, SERVICES / service.lower() / "definitions")
    generated = [tuple(getattr(r, c) for c in steptable.Row.COLUMNS) for r in steptable.step_table(path)]
    expected = regulation_tables.expected_table(key)
    assert [r[0] for r in generated] == [r[0] for r in expected]
    for got, want in zip(generated, expected, strict=True):
        assert got == want


def test_every_definition_has_a_regulation_table():
    keys = {(service_of(p), *p.stem.split("-")) for p in FILES}
    assert keys == set(regulation_tables.TABLES)


def test_deviations_are_real_and_justified():
    for key, cells in regulation_tables.DEVIATIONS.items():
        rows = {r[0]: r for r in regulation_tables.TABLES[key]}
        for (step, column), (value, why) in cells.items():
            assert rows[step][regulation_tables.COLUMNS.index(column)] != value
            assert why.strip()


def test_step_labels_are_unique_per_file(bpmn):
    steps = [bpmn.props(n)["step"] for n in bpmn.nodes if "step" in bpmn.props(n)]
    assert len(steps) == len(set(steps))


def test_find_definition_picks_the_newest_version_by_default():
    assert definitions.find_definition("S2", "portal").name == "portal-2015.bpmn"
    assert definitions.find_definition("S2", "portal", "2012").name == "portal-2012.bpmn"
    assert definitions.find_definition("S1", "staff").name == "staff-2012.bpmn"
    with pytest.raises(LookupError):
        definitions.find_definition("S1", "psc")


def test_steptable_command_markdown_and_json():
    out = StringIO()
    call_command("steptable", "S1", "portal", stdout=out)
    text = out.getvalue()
    assert "| 4 | E-government payment gateway | Pay the fee through the payment gateway |" in text
    assert "5 if not paid; 6 if paid" in text
    out = StringIO()
    call_command("steptable", "S2", "psc", "--version", "2015", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["definition"]["process_id"] == "S2_psc_2015"
    assert data["definition"]["refusal_deadline"] == "2 working days"
    assert [s["step"] for s in data["steps"]][:4] == ["PSC1", "PSC2", "PSC3", "PSC4"]
