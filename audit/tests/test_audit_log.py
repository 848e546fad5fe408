"""The audit log (issue 12, docs/audit.md): entries recorded in the caller's transaction, the chain extended in
batches by the chainer and anchored by the TSA, and `manage.py verify_audit` naming the first broken link
after rows of the audit log, the history and the registry are edited, deleted and inserted in SQL as the
database superuser (who first turns the append-only triggers off, as an attacker would)."""
import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from audit import actions, chain
from audit.models import Anchor, AuditEntry, ChainHead, ChainLink
from registry.models import Record, RecordEvent
from registry.tests.helpers import act, licence
from workflow.models import Event

Kind = AuditEntry.Kind


@pytest.fixture(autouse=True)
def _chain_at_once(settings):
    settings.ELICENSE_AUDIT_SETTLE_SECONDS = 0  # chain every committed row at once (production: 120 s)
    settings.ELICENSE_AUDIT_CLOCK_TOLERANCE = 60


def verify(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue().strip()


def broken(*args) -> str:
    with pytest.raises(CommandError) as refused:
        verify(*args)
    assert refused.value.returncode == 1
    return str(refused.value)


def seq_of(table, row_id) -> int:
    return ChainLink.objects.get(table=table, row_id=row_id).seq


class Tampering:
    """SQL as the database superuser, with the append-only triggers out of the way."""

    TRIGGERS = ["workflow_event_no_update", "audit_auditentry_no_update", "audit_chainlink_no_update",
                "audit_anchor_no_update"]

    def __enter__(self):
        self.cursor = connection.cursor()
        if connection.vendor == "postgresql":
            self.cursor.execute("SET session_replication_role = replica")  # no triggers fire (superuser only)
        else:
            for name in self.TRIGGERS:  # DDL is transactional in SQLite: the test's rollback restores them
                self.cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        return self.cursor

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            self.cursor.execute("SET session_replication_role = DEFAULT")
        self.cursor.close()


# -- recording ------------------------------------------------------------------------------------------------
def test_an_entry_commits_or_rolls_back_with_the_change_it_records(world):
    officer = world.committee_officer
    with transaction.atomic():
        entry = actions.record(Kind.ADMIN_CHANGE, actor=officer, subject=("services.fee", 7), data={"n": 1})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert (entry.actor_username, entry.actor_kind, entry.actor_roles, entry.subject_type, entry.subject_id) == (
        "officer", "officer", "provider", "services.fee", "7")

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        gone = actions.record(Kind.ADMIN_CHANGE, actor=officer, data={"n": 2})
        raise Refused
    assert not AuditEntry.objects.filter(pk=gone.pk).exists()


def test_entries_are_append_only_in_the_model_and_the_database(world):
    entry = actions.record(Kind.LOGIN, actor=world.committee_officer)
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(kind=Kind.LOGOUT)


# -- the chain ---------------------------------------------------------------------------------------------------
def test_the_chain_is_extended_in_batches_and_only_with_settled_rows(world, settings):
    actions.extend_chain()
    before = ChainHead.objects.get(pk=1).seq
    entries = [actions.record(Kind.LOGIN, actor=world.committee_officer) for _ in range(12)]
    settings.ELICENSE_AUDIT_SETTLE_SECONDS = 3600  # rows younger than an hour wait
    assert actions.extend_chain() == 0
    settings.ELICENSE_AUDIT_SETTLE_SECONDS = 0
    assert actions.extend_chain(batch=5) == 12  # three transactions of at most 5 rows per table
    links = list(ChainLink.objects.filter(table="audit.auditentry", row_id__in=[e.pk for e in entries]))
    assert [link.seq for link in links] == list(range(before + 1, before + 13))
    head = ChainHead.objects.get(pk=1)
    assert head.seq == before + 12 and head.chain_hash == links[-1].chain_hash
    assert head.high_water["audit.auditentry"] == entries[-1].pk
    assert actions.extend_chain() == 0
    assert verify().startswith(f"audit chain: {head.seq} links, 0 anchors, intact")


def test_a_journey_is_chained_anchored_by_the_tsa_and_verifies_intact(world):
    _app, number = licence(world)
    act(world.api["committee_officer"], number, "suspend")
    report = verify("--anchor")
    assert report.endswith("1 anchors, intact"), report
    tables = set(ChainLink.objects.values_list("table", flat=True))
    assert {"audit.auditentry", "workflow.event", "registry.recordevent"} <= tables
    anchor = Anchor.objects.get()
    assert anchor.seq == ChainHead.objects.get(pk=1).seq
    assert chain.verify().intact
    # a token over another hash, or not by the TSA, is refused
    from audit import anchoring

    assert anchoring.check_token(bytes(anchor.token), bytes(32), anchoring.trusted_certificates())
    assert anchoring.check_token(bytes(anchor.token), bytes.fromhex(anchor.chain_hash), [world.pki.ca_cert]) == (
        "the token is not signed by the TSA")


# -- tampering ------------------------------------------------------------------------------------------------
@pytest.fixture
def journey(world):
    """A licence issued and suspended, a few audit entries, the chain extended and anchored."""
    _app, number = licence(world)
    act(world.api["committee_officer"], number, "suspend")
    world.api["committee_officer"].get(f"/registry/records/{number}")  # a view of the holder's IIN: audited
    verify("--anchor")
    return number


def _first_chained(table, model, **filters):
    row = model.objects.filter(**filters).order_by("pk").first()
    assert row is not None and ChainLink.objects.filter(table=table, row_id=row.pk).exists()
    return row


def test_an_audit_entry_edited_in_sql(journey):
    entry = _first_chained("audit.auditentry", AuditEntry)
    with Tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_username = %s WHERE id = %s", ["nobody", entry.pk])
    message = broken()
    assert message.startswith(f"audit chain broken at link #{seq_of('audit.auditentry', entry.pk)} "
                              f"(audit.auditentry, row {entry.pk}): the row was altered"), message


def test_an_audit_entry_deleted_in_sql(journey):
    entry = _first_chained("audit.auditentry", AuditEntry, kind=Kind.PERSONAL_DATA_VIEW)
    with Tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    message = broken()
    assert message.startswith(f"audit chain broken at link #{seq_of('audit.auditentry', entry.pk)} "
                              f"(audit.auditentry, row {entry.pk}): the row was deleted"), message


def _insert_entry(cursor, *, at, row_id=None):
    columns = ["at", "kind", "actor_username", "actor_name", "actor_kind", "actor_roles", "subject_type",
               "subject_id", "data"]
    values = [at, "login", "ghost", "", "officer", "", "", "", json.dumps({})]
    if row_id is not None:
        columns, values = ["id", *columns], [row_id, *values]
    cursor.execute(f"INSERT INTO audit_auditentry ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(values))})",
                   values)
    return AuditEntry.objects.get(actor_username="ghost").pk


def test_an_audit_entry_inserted_below_the_chained_mark(journey):
    first = AuditEntry.objects.order_by("pk").first()
    with Tampering() as cursor:
        row_id = _insert_entry(cursor, at=first.at, row_id=first.pk - 1)
    message = broken()
    assert message.startswith(f"audit chain broken at link #{seq_of('audit.auditentry', first.pk)} "
                              f"(audit.auditentry, row {row_id}): the row was inserted below the chained mark"), message


def test_a_back_dated_audit_entry_inserted(journey):
    with Tampering() as cursor:
        row_id = _insert_entry(cursor, at=timezone.now() - dt.timedelta(days=1))
    message = broken()  # verify_audit chains it first, then finds it dated before the rows ahead of it
    assert message.startswith(f"audit chain broken at link #{seq_of('audit.auditentry', row_id)} "
                              f"(audit.auditentry, row {row_id}): the row is dated"), message
    assert "back-dated" in message


def test_a_registry_event_edited_in_sql(journey):
    event = _first_chained("registry.recordevent", RecordEvent, kind="suspended")
    with Tampering() as cursor:
        cursor.execute("UPDATE registry_recordevent SET reason = %s WHERE id = %s", ["no reason", event.pk])
    message = broken()
    assert message.startswith(f"audit chain broken at link #{seq_of('registry.recordevent', event.pk)} "
                              f"(registry.recordevent, row {event.pk}): the row was altered"), message


def test_a_registry_status_changed_in_sql_is_not_backed_and_verify_says_so(journey, client):
    record = Record.objects.get(number=journey)
    assert client.get(f"/verify/{journey}.json").json()["status_backed"] is True
    with Tampering() as cursor:
        cursor.execute("UPDATE registry_record SET status = %s WHERE id = %s", ["valid", record.pk])
    last = RecordEvent.objects.filter(record=record).order_by("-id").first()
    message = broken()
    assert message.startswith(f"audit chain broken at link #{seq_of('registry.recordevent', last.pk)} "
                              f"(registry.record, row {record.pk}): record {journey} has the status 'valid', "
                              "its last event"), message
    public = client.get(f"/verify/{journey}.json").json()
    assert (public["status_backed"], public["valid"]) == (False, False)  # /verify/ reports no unbacked status


def test_a_history_event_edited_and_deleted_in_sql(journey):
    event = _first_chained("workflow.event", Event, kind="step_done")
    with Tampering() as cursor:
        cursor.execute("UPDATE workflow_event SET data = %s WHERE id = %s", [json.dumps({"forged": True}), event.pk])
    message = broken()
    assert message.startswith(f"audit chain broken at link #{seq_of('workflow.event', event.pk)} "
                              f"(workflow.event, row {event.pk}): the row was altered"), message
    later = Event.objects.filter(pk__gt=event.pk, kind="step_done").order_by("pk").first()
    with Tampering() as cursor:
        cursor.execute("DELETE FROM workflow_event WHERE id = %s", [later.pk])
    message = broken("-v", "2")
    assert message.startswith(f"audit chain broken at link #{seq_of('workflow.event', event.pk)} "), message
    assert "and 1 more problem" in message


def test_a_perfect_rewrite_of_the_links_is_caught_by_the_tsa_anchor(journey):
    """The attacker edits a row, then recomputes its link and every link after it and the head: the chain
    is consistent again, but the TSA timestamped the old head."""
    entry = _first_chained("audit.auditentry", AuditEntry)
    anchor = Anchor.objects.get()
    with Tampering() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_username = %s WHERE id = %s", ["nobody", entry.pk])
        start = seq_of("audit.auditentry", entry.pk)
        previous = ChainLink.objects.get(seq=start - 1).chain_hash if start > 1 else chain.GENESIS.hex()
        for link in ChainLink.objects.filter(seq__gte=start).order_by("seq"):
            cov = chain.covered_model(link.table)
            digest = chain.row_hash(chain.rows(cov, [link.row_id])[link.row_id])
            previous = chain.link_hash(previous, link.table, link.row_id, digest)
            cursor.execute("UPDATE audit_chainlink SET row_hash = %s, chain_hash = %s WHERE id = %s",
                           [digest, previous, link.pk])
        cursor.execute("UPDATE audit_chainhead SET chain_hash = %s WHERE id = 1", [previous])
        cursor.execute("UPDATE audit_anchor SET chain_hash = %s WHERE id = %s", [previous, anchor.pk])
    message = broken("--no-extend")
    assert message.startswith(f"audit chain broken at link #{anchor.seq} "), message
    assert "the token timestamps another chain hash" in message


# -- the submission path does not wait for the chain --------------------------------------------------------------
def test_recording_is_one_insert_no_hash_no_lock(world, django_assert_num_queries):
    officer = User.objects.prefetch_related("groups").get(pk=world.committee_officer.pk)
    list(officer.groups.all())
    with django_assert_num_queries(1) as captured:
        actions.record(Kind.PERSONAL_DATA_VIEW, actor=officer, subject=("applications.application", 1))
    assert captured.captured_queries[0]["sql"].lstrip().upper().startswith("INSERT")


@pytest.mark.django_db(transaction=True)
def test_an_entry_commits_while_the_chainer_holds_its_lock():
    """PostgreSQL: the chainer's lock is its own row; a transaction recording an entry never waits for it."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer anyway")
    from django.db import connections

    locked, release, done = threading.Event(), threading.Event(), []

    def chainer():
        try:
            with transaction.atomic():
                actions._head()
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=chainer)
    thread.start()
    assert locked.wait(10)
    try:
        with transaction.atomic():
            done.append(actions.record(Kind.LOGIN, data={"while": "chainer holds the head"}))
        assert AuditEntry.objects.filter(pk=done[0].pk).exists()
    finally:
        release.set()
        thread.join(10)
