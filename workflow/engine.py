"""Running a subject (a request) through its process definition with SpiffWorkflow.

The engine is generic: it knows BPMN, work tasks and history, not what a request, a payment or a
signature is. The layer whose records run processes (applications) tells it what it needs through a
`Host` (`configure()`), and registers the service-task operations (workflow.operations). The subject
is any model instance with a `definition` (a ProcessDefinition row) and a `process` (its
ProcessInstance); the engine's tables refer to it by foreign key.

`start()`, `complete_user_task()` and `resume()` are the only ways a process
moves. They run inside the caller's transaction (the caller holds the subject's
row lock) and write, in a constant number of queries: the engine state (once),
the open/finished work tasks, and the history events of every step that ran (the
hot path's writes through core.prepared's insert and update, built once per connection).

Waiting on an outside system: when a service task's operation raises
`core.errors.Unavailable`, the task is put back to READY, the process is saved
as it stands, the instance is marked waiting (system, attempt count, next retry
time) and the history says "waiting"; the action that moved the process
succeeds. `resume()` runs the waiting task again; nothing that already happened
runs twice.
"""
from __future__ import annotations

import contextlib
import datetime
import gzip
import json
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from core import prepared
from core.errors import DomainError, Unavailable
from core.prepared import Prepared, insert, update
from workdays.calendar import due_at
from workflow import definitions, operations
from workflow.models import Event, ProcessDefinition, ProcessInstance, WorkTask


class _StateConverter(BpmnWorkflowConverter):
    """A process's state without its spec: the spec is its definition's, parsed once per process
    (definitions.Definition.spec), so saving a request does not serialise the whole BPMN each time and
    loading one does not rebuild it. A state written with its spec (before this) loads the same way."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocess_specs"] = self.mapping_to_dict(workflow.subprocess_specs)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec = dct.pop("spec")  # the parsed spec object, put there by _load_state
        subprocess_specs = self.mapping_from_dict(dct.pop("subprocess_specs", {}))
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], uuid.UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(uuid.UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: _StateConverter}))


def _dump_state(workflow) -> bytes:
    return SERIALIZER.serialize_json(workflow, use_gzip=True)


def _load_state(state: bytes, spec) -> BpmnWorkflow:
    dct = json.loads(gzip.decompress(state), cls=SERIALIZER.json_decoder_cls)
    SERIALIZER.migrate(dct)
    dct["spec"] = spec
    return SERIALIZER.from_dict(dct)


class StepNotOpen(DomainError):
    code = "step_not_open"
    status = 409
    default_message = _("This step is not open for this request (it may have been completed already).")


class NotAllowed(DomainError):
    code = "not_allowed"
    status = 403
    default_message = _("You may not act on this step of this request.")


class Host:
    """What the layer whose subjects run processes tells the engine. The default knows nothing."""

    def initial_data(self, subject) -> dict:
        """The process's data at its start (what the definition's conditions may read)."""
        return {}

    def context(self, run):
        """A context the engine steps (service tasks) of a run execute in."""
        return contextlib.nullcontext()

    def open_task_fields(self, run, node: definitions.Node, task) -> dict:
        """Fields of a new open WorkTask besides the node's own: assignee, provider_unit, due_at …"""
        return {}

    def due(self, run, node: definitions.Node, started_at) -> datetime.datetime | None:
        """When a step that opens (a user task) or starts (an automatic one) at ``started_at`` is due: by
        default its norm counted from then, as elapsed time or days (workdays.calendar.due_at)."""
        return due_at(started_at, node.norm) if node.norm else None

    def completion_due(self, run, node: definitions.Node, due, data: dict) -> datetime.datetime | None:
        """The due time a user task completed with ``data`` is judged against (default: the one it opened
        with; a definition may give an outcome its own norm, e.g. a refusal's shorter one)."""
        return due


_host = Host()


def configure(host: Host) -> None:
    """The host every run uses from now on (applications sets it in its app's ready())."""
    global _host
    _host = host


class _ScriptEngine(PythonScriptEngine):
    """Service tasks call the registered operations with the run."""

    def __init__(self, run: Run):
        super().__init__()
        self.run = run

    def call_service(self, task, operation_name, operation_params):
        params = {name: p["value"] for name, p in operation_params.items()}
        result = operations.get(operation_name)(self.run, self.run.node(task), task.data, **params)
        return json.dumps(result)


class Run:
    """One movement of one subject's process, from load to save.

    ``context`` carries what the caller already knows to the operations of this run (e.g. the result of
    a check the action made before completing its step); it is not stored."""

    def __init__(self, subject, actor=None, context: dict | None = None):
        self.subject = subject
        self.actor = actor
        self.context = dict(context or {})
        self.now = timezone.now()
        self.definition = definitions.definition_by_process_id(
            subject.definition.process_id, subject.definition.sha256
        )
        self.events: list[Event] = []
        self.finished: list[WorkTask] = []
        self.subject_fields: set[str] = set()
        self.workflow = None
        self.waiting: Unavailable | None = None  # set when a service task could not reach its system
        self.waiting_node: definitions.Node | None = None
        self.open_tasks: list[WorkTask] = []  # after save: the subject's open tasks
        # When the next automatic step started: the run's start, then each automatic step's end (a waiting
        # step resumed: when it began to wait), so that each gets its real duration.
        self.step_started = self.now

    # -- helpers used by operations ------------------------------------
    def node(self, task) -> definitions.Node:
        return self.definition.nodes[task.task_spec.bpmn_id]

    def event(self, event_kind: str, node: definitions.Node | None = None, /, **data):
        self.events.append(
            Event(
                application=self.subject, at=self.now, kind=event_kind,
                step=node.step if node else "", bpmn_id=node.bpmn_id if node else "",
                actor=self.actor, data=data,
            )
        )

    def set_subject(self, **fields):
        """Change fields of the subject; saved with the run."""
        for name, value in fields.items():
            setattr(self.subject, name, value)
        self.subject_fields.update(fields)

    # -- engine ----------------------------------------------------------
    def _did_complete(self, task):
        spec = task.task_spec
        node = self.definition.nodes.get(getattr(spec, "bpmn_id", None) or "")
        if node is None or node.tag != "serviceTask" or not node.step:
            return
        # An automatic step: its real duration (from the end of the step before, or from when it began to
        # wait on an outside system), judged against its norm like any step — a step that carries the
        # request's overall deadline against that deadline (the host's `due`).
        started, completed = self.step_started, timezone.now()
        self.step_started = completed
        due = _host.due(self, node, started) if node.norm else None
        duration = max((completed - started).total_seconds(), 0.0)
        self.finished.append(
            WorkTask(
                application=self.subject, engine_task_id=task.id, bpmn_id=node.bpmn_id, step=node.step,
                name=node.name, lane=node.lane, state=WorkTask.State.DONE, norm=node.properties.get("norm", ""),
                created_at=started, completed_at=completed, due_at=due, duration_seconds=duration,
                within_norm=(completed <= due) if due is not None else None,
            )
        )
        self.event("step_done", node, duration_seconds=round(duration, 3))

    def advance(self):
        try:
            with _host.context(self):
                self.workflow.do_engine_steps(did_complete_task=self._did_complete)
        except Exception as exc:
            unavailable = _unavailable_cause(exc)
            if unavailable is None:
                raise
            self._wait(unavailable)

    def _wait(self, unavailable: Unavailable):
        """The service task that could not reach its system goes back to READY; the process waits on it."""
        (task,) = self.workflow.get_tasks(state=TaskState.ERROR)
        task._set_state(TaskState.READY)
        self.waiting, self.waiting_node = unavailable, self.node(task)
        self.event("waiting", self.waiting_node, system=unavailable.system, operation=unavailable.operation,
                   error=unavailable.detail[:200])

    def complete_next(self, action_kind: str, data: dict) -> bool:
        """Complete the user task of this kind the run has just reached (opened and done at once), and run on."""
        task = next((t for t in self.ready_user_tasks() if self.node(t).action_kind == action_kind), None)
        if task is None:
            return False
        node = self.node(task)
        task.data.update(data)
        task.run()
        self.finished.append(
            WorkTask(
                application=self.subject, engine_task_id=task.id, bpmn_id=node.bpmn_id, step=node.step,
                name=node.name, lane=node.lane, action_kind=node.action_kind, state=WorkTask.State.DONE,
                norm=node.properties.get("norm", ""), created_at=self.now, completed_at=self.now,
                completed_by=self.actor, duration_seconds=0.0, within_norm=True if node.norm else None,
                **_host.open_task_fields(self, node, task),
            )
        )
        self.event("step_open", node, action_kind=node.action_kind)
        self.event("step_done", node, duration_seconds=0.0, **{k: v for k, v in data.items() if _jsonable(v)})
        self.advance()
        return True

    def ready_user_tasks(self):
        return self.workflow.get_tasks(state=TaskState.READY, manual=True)

    def save(self, instance: ProcessInstance | None, open_tasks: list[WorkTask]):
        """Persist engine state, work tasks and history in a fixed number of queries."""
        state = _dump_state(self.workflow)
        completed = self.workflow.is_completed()
        fields = dict(state=state, completed=completed, **self._waiting_fields(instance))
        if instance is None:
            self.subject.process = ProcessInstance.objects.create(
                application=self.subject, definition=self.subject.definition, **fields)
        else:
            update(ProcessInstance, instance.pk, updated_at=self.now, **fields)
            for name, value in fields.items():  # the subject's loaded instance says what was saved
                setattr(instance, name, value)
            instance.updated_at = self.now
        known = {t.engine_task_id for t in open_tasks}
        new_tasks = []
        opened = max(self.step_started, self.now)  # after the automatic steps this run ran before it
        for task in self.ready_user_tasks():
            if task.id in known:
                continue
            node = self.node(task)
            fields = {"due_at": _host.due(self, node, opened), **_host.open_task_fields(self, node, task)}
            if node.term is not None:  # a term of its own (an answer within n working days): due at its end
                fields["due_at"] = due_at(opened, node.term)
            new_tasks.append(
                WorkTask(
                    application=self.subject, engine_task_id=task.id, bpmn_id=node.bpmn_id, step=node.step,
                    name=node.name, lane=node.lane, action_kind=node.action_kind,
                    norm=node.properties.get("norm", ""), created_at=opened, **fields,
                )
            )
            self.event("step_open", node, action_kind=node.action_kind)
        insert(self.finished + new_tasks)
        self.open_tasks = [*open_tasks, *new_tasks]
        Event.objects.append(self.events)
        if self.subject_fields:
            prepared.save(self.subject, self.subject_fields)

    def _waiting_fields(self, instance) -> dict:
        if self.waiting is None:
            if instance is not None and instance.waiting_for:
                return dict(waiting_for="", waiting_operation="", waiting_since=None, next_attempt_at=None,
                            attempts=0, last_error="")
            return {}
        attempts = (instance.attempts if instance is not None and instance.waiting_for else 0) + 1
        return dict(
            waiting_for=self.waiting.system, waiting_operation=self.waiting.operation,
            waiting_since=instance.waiting_since if instance is not None and instance.waiting_since else self.now,
            next_attempt_at=self.now + retry_delay(attempts), attempts=attempts, last_error=self.waiting.detail[:300],
        )


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff of a waiting step: base × 2^(attempts-1), capped."""
    seconds = settings.ELICENSE_WAITING_RETRY_BASE * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.ELICENSE_WAITING_RETRY_MAX))


def _unavailable_cause(exc: BaseException) -> Unavailable | None:
    """The Unavailable behind an exception (SpiffWorkflow may wrap what an operation raised)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, Unavailable):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def sync_definition(definition: definitions.Definition) -> ProcessDefinition:
    """The row of a definition a request is filed under, holding the file's exact bytes: the requests filed
    under it run from that copy whatever later happens to the file (definitions.definition_by_process_id)."""
    row, created = ProcessDefinition.objects.get_or_create(
        process_id=definition.process_id, sha256=definition.sha256,
        defaults=dict(service=definition.service, channel=definition.channel, version=definition.version,
                      valid_from=definition.valid_from, text=definition.text),
    )
    if created:  # a definition released: an administrative change in the audit log (docs/audit.md)
        from audit import actions as audit

        audit.record(audit.Kind.ADMIN_CHANGE, subject=row, data={
            "change": "definition_released", "process_id": definition.process_id, "sha256": definition.sha256})
    if not created and not row.text and definition.text:  # a row from before the copies were stored
        ProcessDefinition.objects.filter(pk=row.pk).update(text=definition.text)
        row.text = definition.text
    return row


def start(subject, actor) -> Run:
    """Create the engine instance of a new subject and run it to its first wait."""
    run = Run(subject, actor)
    run.workflow = BpmnWorkflow(run.definition.spec, script_engine=_ScriptEngine(run))
    initial = _host.initial_data(subject)
    run.workflow.data.update(initial)
    start_task = run.workflow.get_tasks(state=TaskState.READY)[0]
    start_task.data.update(initial)
    run.event("process_started", process_id=run.definition.process_id, version=run.definition.version)
    run.advance()
    run.save(None, [])
    return run


def load(subject, actor, context: dict | None = None) -> tuple[Run, ProcessInstance]:
    instance = subject.process
    run = Run(subject, actor, context)
    run.workflow = _load_state(bytes(instance.state), run.definition.spec)
    run.workflow.script_engine = _ScriptEngine(run)
    return run, instance


OPEN_TASKS = Prepared(lambda subject_id: WorkTask.objects.filter(application_id=subject_id, state=WorkTask.State.OPEN))


def open_tasks(subject) -> list[WorkTask]:
    """The subject's open tasks (one query, compiled once per connection)."""
    return OPEN_TASKS.all(subject_id=subject.pk)


def open_task(subject, action_kind: str, tasks: list[WorkTask] | None = None) -> WorkTask:
    """The open task of this kind (from ``tasks``, the subject's open tasks, when the caller has them)."""
    if tasks is None:
        task = WorkTask.objects.filter(application=subject, state=WorkTask.State.OPEN, action_kind=action_kind).first()
    else:
        task = next((t for t in tasks if t.action_kind == action_kind), None)
    if task is None:
        raise StepNotOpen()
    return task


def complete_user_task(subject, work_task: WorkTask, actor, data: dict, context: dict | None = None, *,
                       tasks: list[WorkTask] | None = None, then: tuple[str, dict] | None = None) -> Run:
    """Finish an open user task with the data the caller gathered and run on to the next wait.

    ``data`` goes into the process (and the step's history); ``context`` only to this run's operations.
    ``tasks``: the subject's open tasks, if the caller has read them. ``then`` = (action_kind, data): if the
    run reaches a user task of that kind, the same actor completes it in the same run (e.g. choosing the
    certificate and signing with it in one call), with its own step in the history."""
    run, instance = load(subject, actor, context)
    engine_task = run.workflow.get_task_from_id(work_task.engine_task_id)
    if engine_task.state != TaskState.READY:
        raise StepNotOpen()
    engine_task.data.update(data)
    engine_task.run()
    node = run.node(engine_task)
    duration = (run.now - work_task.created_at).total_seconds()
    within, due = None, work_task.due_at
    if node.norm is not None:
        due = _host.completion_due(run, node, work_task.due_at, data)
        within = run.now <= due if due else None
    update(WorkTask, work_task.pk, state=WorkTask.State.DONE, completed_at=run.now, completed_by=actor,
           duration_seconds=duration, within_norm=within, due_at=due)
    run.event("step_done", node, duration_seconds=round(duration, 3), **{k: v for k, v in data.items() if _jsonable(v)})
    run.advance()
    if then is not None:
        run.complete_next(*then)
    if tasks is None:
        tasks = open_tasks(subject)
    remaining = [t for t in tasks if t.pk != work_task.pk]
    if run.workflow.is_completed():
        WorkTask.objects.filter(pk__in=[t.pk for t in remaining]).update(state=WorkTask.State.CANCELLED)
        remaining = []
    run.save(instance, remaining)
    return run


def resume(subject) -> Run:
    """Run a waiting process's service task again, then on to the next wait."""
    run, instance = load(subject, None)
    was_waiting = instance.waiting_for
    if was_waiting and instance.waiting_since:
        run.step_started = instance.waiting_since  # the waiting step's duration includes its wait
    run.advance()
    if run.waiting is None and was_waiting:
        run.event("resumed", None, system=was_waiting, attempts=instance.attempts + 1)
        run.events.insert(0, run.events.pop())  # before the steps it let run
    tasks = open_tasks(subject)
    if run.workflow.is_completed():
        WorkTask.objects.filter(pk__in=[t.pk for t in tasks]).update(state=WorkTask.State.CANCELLED)
        tasks = []
    run.save(instance, tasks)
    return run


def due_for_retry(now, limit: int = 100) -> list[int]:
    """The subjects (their ids) whose process waits on an outside system and is due for another attempt."""
    return list(
        ProcessInstance.objects.filter(waiting_for__gt="", next_attempt_at__lte=now)
        .order_by("next_attempt_at").values_list("application_id", flat=True)[:limit]
    )


def note_overdue(now=None, limit: int = 1000) -> int:
    """The overdue sweep: every open task past its due time, not noted yet, gets a "step_overdue" event in
    its subject's history (once) — in due order, at most ``limit`` per call, a few queries whatever the
    number of tasks (a partial index holds only the tasks not noted yet). Returns how many were noted."""
    now = now or timezone.now()
    with transaction.atomic():
        tasks = list(WorkTask.objects.select_for_update(skip_locked=True)
                     .filter(state=WorkTask.State.OPEN, overdue_noted_at__isnull=True, due_at__lt=now)
                     .order_by("due_at")[:limit])
        if not tasks:
            return 0
        Event.objects.bulk_create([
            Event(application_id=t.application_id, at=now, kind="step_overdue", step=t.step, bpmn_id=t.bpmn_id,
                  data={"due_at": t.due_at.isoformat(), "action_kind": t.action_kind, "lane": t.lane})
            for t in tasks])
        WorkTask.objects.filter(pk__in=[t.pk for t in tasks]).update(overdue_noted_at=now)
    return len(tasks)


def end(subject, actor, event_kind: str, /, **data) -> Event:
    """End a subject's process from outside its definition (the applicant withdraws the request): its open
    tasks are cancelled, the instance is marked completed and waits on nothing (nothing resumes it), and the
    history gets ``event_kind`` as its end. Runs in the caller's transaction, which holds the subject's lock."""
    now = timezone.now()
    WorkTask.objects.filter(application=subject, state=WorkTask.State.OPEN).update(state=WorkTask.State.CANCELLED)
    ProcessInstance.objects.filter(application=subject).update(
        completed=True, waiting_for="", waiting_operation="", waiting_since=None, next_attempt_at=None, updated_at=now)
    return record_event(subject, event_kind, actor, None, **data)


def record_event(subject, event_kind: str, actor, task: WorkTask | None = None, /, **data) -> Event:
    """History of something that happened at a step without moving the process."""
    return Event.objects.create(
        application=subject, at=timezone.now(), kind=event_kind, step=task.step if task else "",
        bpmn_id=task.bpmn_id if task else "", actor=actor, data=data,
    )


def _jsonable(value) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict, type(None)))


def engine_task_ids(run: Run) -> list[uuid.UUID]:
    return [t.id for t in run.ready_user_tasks()]
