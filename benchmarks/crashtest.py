"""Crash test: signed submissions through the production server while its workers are killed and its database
connections cut; every acknowledged submission stored once, none lost, none half-written (issue 12, ADR 0016).

    scripts/crashtest [--submissions 2000] [--clients 20] [--workers 4] [--budget 8] [--kills 4]
                      [--terminations 2] [--prepare orm|api] [--replay-fraction 0.05] [--web-timeout 10]
                      [--time-limit 720] [--inject-faults] [--admin-url postgres://…/postgres]

It starts what benchmarks/loadtest.py starts, on 127.0.0.1 only: a throwaway PostgreSQL database (created,
migrated, dropped at the end), the outside-system simulators, a demo PKI and gunicorn with the project's
configuration (elicense/gunicorn_conf.py, sync workers, the connection pool), with the worker timeout
``--web-timeout`` — the idempotency keys' in-flight bound follows it (2 × timeout + 10 s, ADR 0016), so a key
whose worker was killed is known dead after 30 s rather than 70 s.

1. **Prepare** (no chaos): ``--submissions`` requests opened and filled (create → form → attachments → fill)
   by the same actions the API's routes call, in two forked processes (``--prepare api``: through the HTTP
   API, about three times slower), and each one's detached CMS over its signing payload made here, in the
   client, as NCALayer would.
2. **Chaos**: ``--clients`` threads, each with its own connection and speaking as its requests' applicant,
   send the signatures — ``POST /api/v1/applications/{id}/signature`` with
   ``{"cms_b64": …}``, steps 6 and 8 in one call — each submission with an ``Idempotency-Key`` of its own.
   A connection error, a reset, a timeout, a 5xx, a 429 or a 409 ``request_in_progress`` is retried with the
   same body and the same key (after Retry-After or a short backoff; the thread goes on with its other
   submissions meanwhile) until a definitive answer: 200 ``registered`` (first or replayed), or 409
   ``request_applied`` (then the request is read back); one answered submission in twenty is sent again with
   its key, and the replay must be the first answer. Meanwhile a chaos thread, at fixed fractions of the
   progress, ``kill -9``s one gunicorn worker (gunicorn respawns it) ``--kills`` times and ``--terminations``
   times runs ``pg_terminate_backend`` on every connection of the app (its application_name, this database).
3. **Verify** in the database (this process, the ORM), the server stopped first: for every prepared request
   its status, number, signature rows, history, work tasks, the engine's state and its idempotency key.

Prints a line of the chaos done, then ``acknowledged N, stored N, duplicated 0, lost 0, half-written 0`` and
exits non-zero if fewer than ``--min-submissions`` (2,000) were acknowledged, fewer kills or terminations were done than
asked, anything was duplicated, lost or half-written, or stored differs from acknowledged. See
docs/crashtest.md for what each count means and how to read a failure.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks import loadtest
from benchmarks.loadtest import APP_NAME, PDF, Client, Stats

SIGNATURE = "/api/v1/applications/{}/signature"


class Job:
    """One submission: the request, its CMS, its idempotency key and what the client was told."""

    __slots__ = ("app_id", "cms_b64", "key", "attempts", "not_before", "outcome", "number", "replayed", "note",
                 "check_replay")

    def __init__(self, app_id: int, cms_b64: str):
        self.app_id, self.cms_b64 = app_id, cms_b64
        self.key = str(uuid.uuid4())
        self.attempts = 0
        self.not_before = 0.0
        self.outcome = None  # None: not answered yet; "registered", "applied", "step_done" or "rejected"
        self.number = None  # the registration number the answer carried
        self.replayed = False
        self.note = ""
        self.check_replay = False  # after its answer, sent once more with its key: the replay must match


class Tally:
    """What the clients saw, for the chaos line."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.definitive = 0
        self.examples: list[str] = []

    def add(self, name: str, example: str | None = None):
        with self.lock:
            self.counts[name] += 1
            if example and len(self.examples) < 20:
                self.examples.append(example)


class Submitter:
    """One client's own HTTP connection, without the automatic resend of loadtest.Client: every resend is a
    retry counted here, with the job's key."""

    def __init__(self, port: int, person: dict, tally: Tally, deadline: float, replay_fraction: float = 0.0):
        self.port, self.person, self.tally, self.deadline = port, person, tally, deadline
        self.replay_fraction = replay_fraction
        self.random = random.Random(port + id(self))
        self.connection = self._connect()

    def _connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        all_headers = {"Authorization": f"Bearer {self.person['token']}", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=body, headers=all_headers)
            response = self.connection.getresponse()
            data = response.read()
        except Exception:
            self.connection.close()
            self.connection = self._connect()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, response, data

    # -- one attempt of one submission: True when it has a definitive answer --------------------------
    def attempt(self, job: Job) -> bool:
        job.attempts += 1
        if job.attempts > 1:
            self.tally.add("retries")
        body = json.dumps({"cms_b64": job.cms_b64}).encode()
        try:
            status, response, data = self.send("POST", SIGNATURE.format(job.app_id), body,
                                               {"Idempotency-Key": job.key})
        except (OSError, http.client.HTTPException) as exc:
            self.tally.add("network errors", f"application {job.app_id}: {type(exc).__name__}: {exc}")
            return self._later(job, 0.2 * job.attempts)
        try:
            answer = json.loads(data) if data else {}
        except ValueError:
            answer = {}
        replayed = response.getheader("Idempotent-Replayed", "").lower() == "true"
        if replayed:
            self.tally.add("replays")
        if job.check_replay:
            return self._replay_checked(job, status, replayed, answer, data)
        if status == 200:
            job.replayed = replayed
            job.number = answer.get("number")
            if answer.get("status") == "registered":
                job.outcome = "registered"
            else:
                job.outcome, job.note = "rejected", f"200 ended {answer.get('status')}: {answer.get('refusal_reason')}"
            return True
        code = answer.get("code", "") if isinstance(answer, dict) else ""
        if status == 409 and code == "request_in_progress":
            self.tally.add("in progress")
            return self._later(job, float(response.getheader("Retry-After") or 2))
        if status == 409 and code == "request_applied":
            self.tally.add("applied, answer lost")
            job.outcome = "applied"
            obj = (answer.get("details") or {}).get("object") or {}
            if str(obj.get("id")) != str(job.app_id):
                job.note = f"request_applied names {obj}, not application {job.app_id}"
            job.number = self._read_number(job)
            return True
        if status == 409 and code == "step_not_open":
            # The step is done but the key did not give the first answer: the idempotency layer forgot it.
            job.outcome, job.note = "step_done", f"409 step_not_open to a retry with key {job.key}"
            return True
        if status >= 500 or status == 429:
            self.tally.add(f"{status}s", f"application {job.app_id}: {status} {code or data[:160]!r}")
            return self._later(job, float(response.getheader("Retry-After") or 0.3 * job.attempts))
        job.outcome, job.note = "rejected", f"{status} {data[:200]!r}"
        return True

    def _replay_checked(self, job: Job, status: int, replayed: bool, answer, data: bytes) -> bool:
        """The second sending of an answered submission: the first answer again, marked replayed."""
        if status >= 500 or status == 429 or (status == 409 and answer.get("code") == "request_in_progress"):
            return self._later(job, 0.5 * job.attempts)
        job.check_replay = False
        if status == 200 and replayed and answer.get("number") == job.number and answer.get("status") == "registered":
            self.tally.add("replays checked")
        elif status == 409 and answer.get("code") == "request_applied" and job.outcome == "applied":
            self.tally.add("replays checked")
        else:
            job.note = (f"sent again with its key after {job.outcome} {job.number}: {status} "
                        f"{'replayed ' if replayed else ''}{data[:200]!r}")
        return True

    def _later(self, job: Job, delay: float) -> bool:
        job.not_before = time.monotonic() + min(max(delay, 0.1), 5.0)
        return False

    def _read_number(self, job: Job):
        """After "applied, answer lost": read the request, as the ADR tells a client to."""
        for _ in range(20):
            try:
                status, _, data = self.send("GET", f"/api/v1/applications/{job.app_id}")
            except (OSError, http.client.HTTPException):
                time.sleep(0.3)
                continue
            if status == 200:
                answer = json.loads(data)
                if answer.get("status") != "registered":
                    job.outcome, job.note = "rejected", f"applied but reads {answer.get('status')}"
                return answer.get("number")
            time.sleep(0.3)
        job.note = job.note or "applied, but the request could not be read back"
        return None

    def run(self, jobs: list[Job]):
        """Send every job until it has a definitive answer; those waiting for a retry wait aside."""
        fresh, waiting = list(reversed(jobs)), []
        while fresh or waiting:
            now = time.monotonic()
            if now > self.deadline:
                return
            waiting.sort(key=lambda j: j.not_before)
            if waiting and waiting[0].not_before <= now:
                job = waiting.pop(0)
            elif fresh:
                job = fresh.pop()
            else:
                time.sleep(min(0.2, max(0.0, waiting[0].not_before - now)))
                continue
            checking = job.check_replay
            if self.attempt(job):
                if checking:
                    continue
                with self.tally.lock:
                    self.tally.definitive += 1
                if job.outcome in ("registered", "applied") and self.random.random() < self.replay_fraction:
                    job.check_replay, job.not_before = True, time.monotonic() + 0.5
                    waiting.append(job)
            else:
                waiting.append(job)


# -- preparation --------------------------------------------------------------------------------------------
def prepare(clients: list[Client], count: int, service: str, sample: dict) -> list[list[Job]]:
    """``count`` filled requests with their CMS, each client its own applicant's (the applicant owns them)."""
    from integrations.signatures import sign_detached

    lock, left = threading.Lock(), [count]
    lists: list[list[Job]] = [[] for _ in clients]

    def loop(i: int, client: Client):
        person = client.person
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            try:
                app = client.json("POST", "/api/v1/applications",
                                  {"service": service, "sub_kind": sample["sub_kind"]}, expect=(201,))
                base = f"/api/v1/applications/{app['id']}"
                client.json("PUT", f"{base}/form", {"data": sample["form"], "version": 0})
                for code in sample["documents"]:
                    client.upload(f"{base}/attachments", code, PDF)
                client.json("POST", f"{base}/fill", {})
                payload = client.json("GET", f"{base}/signing-payload")
                cms = sign_detached(base64.b64decode(payload["payload_b64"]), person["cert"], person["key"])
            except TimeoutError:
                client.stats.fail("time limit reached while preparing")
                return
            except Exception as exc:  # noqa: BLE001 — reported; the count is checked below
                client.stats.fail(f"prepare: {type(exc).__name__}: {exc}")
                continue
            lists[i].append(Job(app["id"], base64.b64encode(cms).decode()))

    threads = [threading.Thread(target=loop, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, clients[0].deadline - time.monotonic()) + 35)
    return lists


_PREPARING: dict = {}  # what the forked preparers inherit: the people and the sample


def _prepare_some(task: tuple[int, int]) -> list[tuple[int, int, str]]:
    """In a forked process: ``count`` requests of person ``index``, opened and filled with the same actions the
    API's routes call (applications.actions), and each one's CMS over its signing payload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from applications import actions
    from applications.models import Application
    from applications.signing import signing_payload
    from integrations.signatures import sign_detached

    index, count = task
    person, service, sample = _PREPARING["people"][index], _PREPARING["service"], _PREPARING["sample"]
    user = User.objects.get(pk=person["user_id"])
    made = []
    for _ in range(count):
        app, _created = actions.create_application(user, service=service, sub_kind=sample["sub_kind"],
                                                   channel="portal")
        actions.save_form(app.pk, user, sample["form"], 0)
        for code in sample["documents"]:
            actions.add_attachment(app.pk, user, document_code=code,
                                   uploaded=SimpleUploadedFile(f"{code}.pdf", PDF, "application/pdf"))
        actions.finish_filling(app.pk, user)
        cms = sign_detached(signing_payload(Application.objects.get(pk=app.pk)), person["cert"], person["key"])
        made.append((index, app.pk, base64.b64encode(cms).decode()))
    return made


def _preparer_started():
    from django.db import connections

    from integrations import adapters

    connections.close_all()  # nothing shared with the parent across the fork
    adapters.reset()


def prepare_orm(people: list[dict], clients: int, count: int, service: str, sample: dict, processes: int,
                simulator_settings: dict) -> list[list[Job]]:
    """``count`` filled requests with their CMS, made in ``processes`` forked processes through the actions
    (faster than ~6 HTTP calls each, and the same code: the crash test is about the signature); each client
    gets the requests of the applicant it speaks as."""
    import multiprocessing

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections

    for name, value in simulator_settings.items():  # the actions ask the registry simulator, as the server does
        setattr(settings, name, value)
    users = dict(get_user_model().objects.filter(username__startswith="load").values_list("username", "pk"))
    for n, person in enumerate(people):  # loadtest._people made person n as user load<n>
        person["user_id"] = users[f"load{n}"]
    _PREPARING.update(people=people, service=service, sample=sample)
    connections.close_all()
    chunk = 25
    tasks = [(n % len(people), min(chunk, count - start)) for n, start in enumerate(range(0, count, chunk))]
    with multiprocessing.get_context("fork").Pool(processes, initializer=_preparer_started) as pool:
        made = [item for part in pool.imap_unordered(_prepare_some, tasks) for item in part]
    speakers: dict[int, list[int]] = defaultdict(list)
    for i in range(clients):
        speakers[i % len(people)].append(i)
    lists: list[list[Job]] = [[] for _ in range(clients)]
    turn: Counter = Counter()
    for index, app_id, cms in made:
        mine = speakers[index]
        lists[mine[turn[index] % len(mine)]].append(Job(app_id, cms))
        turn[index] += 1
    return lists


# -- chaos --------------------------------------------------------------------------------------------------
def workers_of(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


class Chaos(threading.Thread):
    """At fixed fractions of the progress: kill -9 one worker, or terminate all the app's connections."""

    def __init__(self, master: int, workers: int, admin_url: str, database: str, total: int, tally: Tally,
                 kills: int, terminations: int):
        super().__init__(daemon=True)
        self.master, self.workers, self.admin_url, self.database = master, workers, admin_url, database
        self.total, self.tally = total, tally
        events = [("kill", (k + 1) / (kills + 1) * 0.8) for k in range(kills)]
        events += [("terminate", (t + 0.5) / (terminations + 0.5) * 0.8 - 0.05) for t in range(terminations)]
        self.events = sorted(events, key=lambda e: e[1])
        self.killed: list[int] = []
        self.respawned = 0
        self.terminated: list[int] = []  # connections ended, per termination
        self.log: list[str] = []
        self.stop = threading.Event()

    def run(self):
        with loadtest._admin(self.admin_url) as admin:
            for kind, fraction in self.events:
                while not self.stop.is_set() and self.tally.definitive < fraction * self.total:
                    self.stop.wait(0.05)
                if self.stop.is_set():
                    return
                if kind == "kill":
                    self._kill()
                else:
                    self._terminate(admin)

    def _kill(self):
        before = workers_of(self.master)
        if not before:
            self.log.append("no worker to kill")
            return
        pid = random.choice(before)
        os.kill(pid, signal.SIGKILL)
        self.killed.append(pid)
        self.log.append(f"kill -9 worker {pid} at {self.tally.definitive} answers")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.stop.is_set():
            now = workers_of(self.master)
            if pid not in now and len(now) >= self.workers:
                self.respawned += 1
                return
            time.sleep(0.1)

    def _terminate(self, admin):
        for _ in range(50):
            ended = admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = %s", [APP_NAME, self.database]).fetchone()[0]
            if ended:
                self.terminated.append(ended)
                self.log.append(f"pg_terminate_backend on {ended} app connections at {self.tally.definitive} answers")
                return
            time.sleep(0.1)
        self.log.append("no app connection to terminate")


# -- verification -------------------------------------------------------------------------------------------
def verify(jobs: list[Job]) -> dict:
    """Every prepared request as the database holds it: the counts, and an example of each problem."""
    from applications.models import Application, Signature
    from core.models import IdempotencyKey
    from workflow import engine
    from workflow.models import Event, WorkTask

    by_app = {job.app_id: job for job in jobs}
    ids = list(by_app)
    apps = {a.pk: a for a in Application.objects.filter(pk__in=ids).select_related("definition", "process")}
    signatures, events, tasks = defaultdict(list), defaultdict(list), defaultdict(list)
    for s in Signature.objects.filter(application_id__in=ids).values(
            "application_id", "cms", "certificate_check", "signature_check", "signed_at", "revision_id"):
        signatures[s["application_id"]].append(s)
    for e in Event.objects.filter(application_id__in=ids).values("application_id", "kind", "bpmn_id", "step"):
        events[e["application_id"]].append(e)
    for t in WorkTask.objects.filter(application_id__in=ids).values(
            "application_id", "engine_task_id", "bpmn_id", "action_kind", "state"):
        tasks[t["application_id"]].append(t)
    keys = {k["key"]: k for k in IdempotencyKey.objects.filter(key__in=[j.key for j in jobs]).values(
        "key", "state", "committed", "object_type", "object_id", "status", "body")}
    numbers = Counter(a.number for a in apps.values() if a.number)

    result = {"stored": 0, "duplicated": set(), "lost": set(), "half": set(), "unacked_stored": 0,
              "examples": [], "others": Application.objects.exclude(pk__in=ids).count()}

    def problem(kind: str, app_id: int, text: str):
        result[kind].add(app_id)
        if len(result["examples"]) < 25:
            result["examples"].append(f"{'half-written' if kind == 'half' else kind} application {app_id}: {text}")

    for app_id, job in by_app.items():
        app = apps.get(app_id)
        acked = job.outcome in ("registered", "applied", "step_done")
        if app is None:
            if acked:
                problem("lost", app_id, "acknowledged, the request is gone")
            continue
        sigs, evs, wts = signatures[app_id], events[app_id], tasks[app_id]
        done_events = Counter(e["bpmn_id"] for e in evs if e["kind"] == "step_done")
        done_tasks = Counter(t["bpmn_id"] for t in wts if t["state"] == WorkTask.State.DONE)
        kinds = Counter(e["kind"] for e in evs)
        sign_kinds = {t["bpmn_id"]: t["action_kind"] for t in wts if t["action_kind"] in ("choose_certificate", "sign")}
        registered = app.status == Application.Status.REGISTERED

        # duplicated: more than one of what happens once.
        if len(sigs) > 1:
            problem("duplicated", app_id, f"{len(sigs)} signature rows")
        if kinds["registered"] > 1:
            problem("duplicated", app_id, f"{kinds['registered']} 'registered' events")
        for bpmn_id, n in done_events.items():
            if n > 1:
                problem("duplicated", app_id, f"step {bpmn_id} done {n} times in the history")
        for bpmn_id, n in done_tasks.items():
            if n > 1:
                problem("duplicated", app_id, f"{n} done work tasks for {bpmn_id}")
        if app.number and numbers[app.number] > 1:
            problem("duplicated", app_id, f"registration number {app.number} given {numbers[app.number]} times")
        if job.number is not None and job.number != app.number:
            problem("duplicated", app_id, f"the client was told {job.number}"
                    f"{' (replayed)' if job.replayed else ''}, the database holds {app.number}")
        key = keys.get(job.key)
        if key and key["status"] == 200:
            try:
                told = json.loads(bytes(key["body"])).get("number")
            except ValueError:
                told = "(unreadable)"
            if told != app.number:
                problem("duplicated", app_id, f"the key's stored answer says {told}, the database {app.number}")

        # half-written: rows that disagree with each other.
        if registered and (not app.number or not app.registered_at):
            problem("half", app_id, f"registered, number {app.number!r}, registered_at {app.registered_at}")
        if not registered and (app.number or kinds["registered"]):
            problem("half", app_id, f"status {app.status} with number {app.number!r} and "
                                    f"{kinds['registered']} 'registered' events")
        if registered != bool(kinds["registered"]):
            problem("half", app_id, f"status {app.status}, {kinds['registered']} 'registered' events")
        for s in sigs:
            if not s["cms"]:
                problem("half", app_id, "a signature row without its CMS")
            elif bytes(s["cms"]) != base64.b64decode(job.cms_b64):
                problem("half", app_id, "the signature row holds another CMS than the one sent")
            if not s["certificate_check"] or not s["signature_check"] or not s["signed_at"]:
                problem("half", app_id, f"signature checks {s['certificate_check']!r}/{s['signature_check']!r}, "
                                        f"signed_at {s['signed_at']}")
        for bpmn_id, kind in sign_kinds.items():
            if bool(sigs) != bool(done_events[bpmn_id]):
                problem("half", app_id, f"{len(sigs)} signatures, {kind} done {done_events[bpmn_id]} times")
        if registered and len(sign_kinds) < 2:
            problem("half", app_id, f"registered, but the work tasks of steps 6 and 8 are {sign_kinds}")
        for bpmn_id in set(done_events) | set(done_tasks):
            if done_events[bpmn_id] != done_tasks[bpmn_id]:
                problem("half", app_id, f"{bpmn_id}: {done_events[bpmn_id]} step_done events, "
                                        f"{done_tasks[bpmn_id]} done work tasks")
        open_ids = {t["engine_task_id"] for t in wts if t["state"] == WorkTask.State.OPEN}
        if registered and any(t["state"] == WorkTask.State.OPEN for t in wts if t["bpmn_id"] in sign_kinds):
            problem("half", app_id, "registered with step 6 or 8 still open")
        try:
            run, _ = engine.load(app, None)
            ready = set(engine.engine_task_ids(run))
        except Exception as exc:  # noqa: BLE001 — an unreadable state is a half-written one
            problem("half", app_id, f"the process state does not load: {type(exc).__name__}: {exc}")
        else:
            if ready != open_ids:
                problem("half", app_id, f"the engine waits on {len(ready)} user tasks, {len(open_ids)} are open "
                                        f"(differ: {len(ready ^ open_ids)})")
        if registered and key is None:
            problem("half", app_id, "registered, but its idempotency key is gone")
        elif key and registered and not (key["state"] == "done" and key["committed"]
                                         and key["object_type"] == "applications.application"
                                         and key["object_id"] == str(app_id)):
            problem("half", app_id, f"registered, but its key is {key['state']}, committed {key['committed']}, "
                                    f"object {key['object_type']}:{key['object_id']}")
        elif key and not registered and key["committed"]:
            problem("half", app_id, "its key is marked committed, the request is not registered")

        stored = registered and app.number and len(sigs) == 1 and sigs[0]["cms"] and \
            bytes(sigs[0]["cms"]) == base64.b64decode(job.cms_b64)
        if stored:
            result["stored"] += 1
            if not acked:
                result["unacked_stored"] += 1
        elif acked and not (registered and app.number and any(
                s["cms"] and bytes(s["cms"]) == base64.b64decode(job.cms_b64) for s in sigs)):
            problem("lost", app_id, f"acknowledged ({job.outcome}), the database holds status {app.status}, "
                                    f"number {app.number!r}, {len(sigs)} signatures")
    return result


def inject_faults(jobs: list[Job]) -> None:
    """Checking the checker (--inject-faults): three acknowledged requests spoiled in the database, as a
    defect would — the run must then fail, with duplicated, lost and half-written requests among them."""
    from django.db import connection

    from applications.models import Signature

    a, b, c = (job.app_id for job in jobs[:3])
    first = Signature.objects.filter(application_id=a).first()
    Signature.objects.create(application_id=a, revision_id=first.revision_id, certificate_pem=first.certificate_pem,
                             cms=first.cms, certificate_check=first.certificate_check,
                             signature_check=first.signature_check, signed_at=first.signed_at)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE workflow_worktask SET state = 'open' WHERE application_id = %s AND action_kind = 'sign'",
                       [b])
        cursor.execute("UPDATE applications_application SET number = NULL WHERE id = %s", [c])
    print(f"injected faults: a second signature on {a}, step 8 open again on {b}, no number on {c}")


# -- the run ------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (ELICENSE_WEB_WORKERS)")
    parser.add_argument("--budget", type=int, default=8, help="ELICENSE_DB_CONNECTION_BUDGET for the server")
    parser.add_argument("--kills", type=int, default=4, help="kill -9 of a worker, during the submissions")
    parser.add_argument("--terminations", type=int, default=2,
                        help="pg_terminate_backend of all the app's connections, during the submissions")
    parser.add_argument("--prepare", choices=["orm", "api"], default="orm",
                        help="fill the requests through the actions here (orm) or the HTTP API (api, slower)")
    parser.add_argument("--prepare-processes", type=int, default=2, help="forked processes preparing (orm)")
    parser.add_argument("--replay-fraction", type=float, default=0.05,
                        help="answered submissions sent once more with their key (the replay must match)")
    parser.add_argument("--inject-faults", action="store_true",
                        help="spoil three requests before the check, to see it fail (checks the checker)")
    parser.add_argument("--web-timeout", type=int, default=10, help="ELICENSE_WEB_TIMEOUT (the keys' bound follows)")
    parser.add_argument("--time-limit", type=float, default=720, help="seconds for preparing and submitting, hard")
    parser.add_argument("--min-submissions", type=int, default=2000, help="fail below this many acknowledged")
    parser.add_argument("--min-kills", type=int, default=3)
    parser.add_argument("--min-terminations", type=int, default=1)
    parser.add_argument("--admin-url", default=os.environ.get("ELICENSE_LOADTEST_ADMIN_URL",
                                                              "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.set_defaults(worker_class="sync", threads=1)  # loadtest._start_server reads them
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout's TERM still drops the database
    host = args.admin_url.split("@")[-1].split("/")[0].split(":")[0]
    if host not in ("127.0.0.1", "localhost"):
        parser.error("the crash test runs against 127.0.0.1 only")

    started = time.monotonic()
    database = f"elicense_crashtest_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="elicense-crashtest-"))
    with loadtest._admin(args.admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    server = sims = chaos = None
    stats, tally = Stats(), Tally()
    jobs: list[Job] = []
    result = None
    try:
        database_url = loadtest._database_url(args.admin_url, database)
        loadtest._django(database_url, workdir)
        from django.db import connections

        from simulators.harness import Simulators

        sims = Simulators(workdir / "simulators").start()
        pki, people = loadtest._people(workdir, args.clients)
        service, sample = loadtest._sample()
        connections.close_all()
        server, port = loadtest._start_server(args, database_url, workdir, pki.directory, sims.settings(), {
            "ELICENSE_WEB_TIMEOUT": str(args.web_timeout), "ELICENSE_WEB_MAX_REQUESTS": "1000000"})
        deadline = time.monotonic() + args.time_limit
        print(f"server: gunicorn {args.workers} sync workers (timeout {args.web_timeout} s), budget {args.budget}, "
              f"on 127.0.0.1:{port}; {args.clients} clients, {len(people)} applicants, service {service}",
              flush=True)

        t = time.monotonic()
        clients = [Client(port, people[i % len(people)], stats, deadline) for i in range(args.clients)]
        if args.prepare == "api":
            lists = prepare(clients, args.submissions, service, sample)
        else:
            lists = prepare_orm(people, args.clients, args.submissions, service, sample, args.prepare_processes,
                                sims.settings())
        jobs = [job for own in lists for job in own]
        print(f"prepared {len(jobs)} filled requests with their CMS in {time.monotonic() - t:.0f} s "
              f"(through the {'API' if args.prepare == 'api' else 'actions, in this process'})", flush=True)
        for failure in stats.failures[:5]:
            print(f"  failure: {failure}")

        t = time.monotonic()
        submitters = [Submitter(port, clients[i].person, tally, deadline, args.replay_fraction)
                      for i in range(args.clients)]
        chaos = Chaos(server.pid, args.workers, args.admin_url, database, len(jobs), tally, args.kills,
                      args.terminations)
        chaos.start()
        threads = [threading.Thread(target=s.run, args=(own,), daemon=True) for s, own in zip(submitters, lists, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()) + 30)
        chaos.stop.set()
        chaos.join(35)
        alive = server.poll() is None
        workers_now = len(workers_of(server.pid))
        print(f"submitted in {time.monotonic() - t:.0f} s; gunicorn {'alive' if alive else 'DEAD'} with "
              f"{workers_now} workers", flush=True)
        for line in chaos.log:
            print(f"  chaos: {line}")

        server.terminate()  # nothing changes under the check
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        if args.inject_faults:
            inject_faults(jobs)
        t = time.monotonic()
        result = verify(jobs)
        print(f"verified {len(jobs)} requests in {time.monotonic() - t:.0f} s", flush=True)
    finally:
        if chaos:
            chaos.stop.set()
        loadtest.tear_down(server, sims, args.admin_url, database)

    outcomes = Counter(job.outcome for job in jobs)
    acknowledged = outcomes["registered"] + outcomes["applied"] + outcomes["step_done"]
    unresolved = outcomes[None]
    c = tally.counts
    kills, terminations = len(chaos.killed) if chaos else 0, len(chaos.terminated) if chaos else 0
    print(f"chaos: {kills} worker kills ({chaos.respawned if chaos else 0} respawned), {terminations} terminations "
          f"of all the app's connections ({sum(chaos.terminated) if chaos else 0} connections); retries "
          f"{c['retries']} (network errors {c['network errors']}, 5xx {sum(v for k, v in c.items() if k[:1] == '5')}, "
          f"in progress {c['in progress']}); replays seen {c['replays']} ({c['replays checked']} checked), "
          f"applied-answer-lost {c['applied, answer lost']}; "
          f"unacknowledged {unresolved}, unacknowledged but stored {result['unacked_stored'] if result else '?'}")
    for example in tally.examples[:5]:
        print(f"  seen: {example}")
    stored = result["stored"] if result else 0
    duplicated, lost, half = ((len(result["duplicated"]), len(result["lost"]), len(result["half"]))
                              if result else (0, 0, 0))
    problems = []
    if result is None:
        problems.append("the run did not reach the verification")
    if acknowledged < args.min_submissions:
        problems.append(f"{acknowledged} acknowledged, fewer than {args.min_submissions}")
    if kills < args.min_kills or (chaos and chaos.respawned < kills):
        problems.append(f"{kills} worker kills ({chaos.respawned if chaos else 0} respawned), "
                        f"at least {args.min_kills} needed")
    if terminations < args.min_terminations:
        problems.append(f"{terminations} connection terminations, at least {args.min_terminations} needed")
    if duplicated or lost or half:
        problems.append(f"{duplicated} duplicated, {lost} lost, {half} half-written")
    if stored != acknowledged:
        problems.append(f"stored {stored} ≠ acknowledged {acknowledged}")
    if unresolved:
        problems.append(f"{unresolved} submissions without a definitive answer")
    odd = [job for job in jobs if job.outcome in ("rejected", "step_done") or job.note]
    if odd:
        problems.append(f"{len(odd)} submissions answered otherwise than registered or applied")
    if result and result["others"]:
        problems.append(f"{result['others']} requests in the database that were not prepared")
    for example in (result["examples"] if result else []):
        print(f"  {example}")
    for job in odd[:10]:
        print(f"  answer: application {job.app_id} ({job.outcome}): {job.note}")
    for failure in stats.failures[:10]:
        print(f"  failure: {failure}")
    print(f"duration: {time.monotonic() - started:.0f} s")
    print(f"acknowledged {acknowledged}, stored {stored}, duplicated {duplicated}, lost {lost}, half-written {half}")
    if problems:
        print("FAILED: " + "; ".join(problems) + f" (server log: {workdir / 'gunicorn.log'})")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
