"""core.prepared: a prepared query answers exactly what its queryset answers, on SQLite and PostgreSQL, and
refuses what it cannot keep to (an argument the ORM transforms or drops, a lock outside a transaction)."""
import uuid

import pytest
from django.db import IntegrityError, connections, transaction
from django.db.models import Count
from django.db.transaction import TransactionManagementError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken, User
from api.auth import TOKEN
from applications.actions import LOCKED, NotFound, _locked
from applications.models import Application, Signature
from applications.queries import may_see, visible
from applications.signing import ATTACHMENTS
from applications.tests.journeys import create, fill, portal_until_registered, staff_until_registered
from core import prepared
from core.prepared import Prepared
from workflow.engine import OPEN_TASKS

BY_USERNAME = Prepared(lambda username: User.objects.filter(username=username).order_by("id"))
BY_ID = Prepared(lambda pk: User.objects.filter(pk=pk))
WITH_COUNT = Prepared(lambda kind: User.objects.filter(kind=kind).annotate(n_groups=Count("groups")).order_by("id"))


def _fields(obj, depth=1) -> dict:
    """What a model instance holds: its loaded fields and its loaded relations (and theirs, ``depth`` deep)."""
    loaded = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
              if f.attname not in obj.get_deferred_fields()}
    related = {name: (_fields(value, depth - 1) if depth and value is not None else value is None)
               for name, value in obj._state.fields_cache.items()}
    return {"fields": loaded, "deferred": sorted(obj.get_deferred_fields()), "related": related,
            "adding": obj._state.adding, "db": obj._state.db}


def test_the_locked_request_is_the_querysets_own_with_its_relations_and_annotation(world):
    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")  # S3: a region, joined as well
    with transaction.atomic():
        prepared = LOCKED.get(pk=app["id"])
        own = LOCKED.build(pk=app["id"]).get()
    assert _fields(prepared) == _fields(own)
    assert set(prepared._state.fields_cache) == {"definition", "process", "provider_unit", "region", "current_revision"}
    assert prepared.region is not None and prepared.region.code == "almaty-city"
    assert prepared.had_documents is own.had_documents is False
    assert prepared.get_deferred_fields() == own.get_deferred_fields() == set()  # deferred: the relation's own
    assert "text" in prepared.definition.get_deferred_fields()
    prepared.status = Application.Status.DRAFT
    prepared.save(update_fields=["status"])  # an instance the ORM can save, as the queryset's would be


def test_values_and_plain_rows_are_the_querysets_own(world):
    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    assert ATTACHMENTS.all(application_id=app["id"]) == list(ATTACHMENTS.build(application_id=app["id"]))
    assert len(ATTACHMENTS.all(application_id=app["id"])) >= 1
    application = Application.objects.get(pk=app["id"])
    assert [t.pk for t in OPEN_TASKS.all(subject_id=app["id"])] == [
        t.pk for t in OPEN_TASKS.build(subject_id=app["id"])] != []
    assert [_fields(t) for t in OPEN_TASKS.all(subject_id=application.pk)] == [
        _fields(t) for t in OPEN_TASKS.build(subject_id=application.pk)]
    key = ApiToken.issue(world.person)
    token = TOKEN.get(key_hash=ApiToken.hash(key))
    assert token.user.username == "person" and token.user_id == world.person.pk


def test_an_annotation_over_a_join_is_the_querysets_own(world):
    rows = WITH_COUNT.all(kind="officer")
    assert [(u.pk, u.n_groups) for u in rows] == [(u.pk, u.n_groups) for u in WITH_COUNT.build(kind="officer")]
    assert {u.username: u.n_groups for u in rows}["clerk"] == 1


def test_the_sql_is_compiled_once_per_connection_and_is_the_querysets_own(world):
    BY_ID.all(pk=world.person.pk)
    cache = connections["default"].__dict__["_elicense_prepared"]
    compiled = cache[BY_ID.key]
    assert BY_ID.get(pk=world.clerk.pk).username == "clerk"
    assert cache[BY_ID.key] is compiled
    sql, _ = BY_ID.build(pk=world.clerk.pk).query.get_compiler(using="default").as_sql()
    assert compiled.sql == sql


def test_none_one_or_more(world):
    with pytest.raises(User.DoesNotExist):
        BY_ID.get(pk=10**12)
    assert BY_ID.first(pk=10**12) is None and BY_ID.all(pk=10**12) == []
    with pytest.raises(User.MultipleObjectsReturned):
        WITH_COUNT.get(kind="officer")
    assert WITH_COUNT.first(kind="officer").pk == min(u.pk for u in User.objects.filter(kind="officer"))


def test_what_it_cannot_keep_to_is_refused(db):
    with pytest.raises(ValueError, match="unchanged"):
        Prepared(lambda name: User.objects.filter(username__contains=name)).all(name="x")
    with pytest.raises(ValueError, match="not in the prepared query"):
        Prepared(lambda pk: User.objects.all()).all(pk=1)
    with pytest.raises(TypeError):
        BY_ID.all(pk=1.5)
    with pytest.raises(TypeError):
        BY_ID.all(pk=True)
    with pytest.raises(TypeError, match="model instances or values"):
        Prepared(lambda pk: User.objects.filter(pk=pk).values_list("id")).all(pk=1)


@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused_as_the_orm_refuses_it():
    user = User.objects.create_user(username="lonely", password="x-pass-12345")
    locking = Prepared(lambda pk: User.objects.select_for_update().filter(pk=pk))
    with pytest.raises(TransactionManagementError):
        locking.get(pk=user.pk)
    with transaction.atomic():
        assert locking.get(pk=user.pk).username == "lonely"
    with pytest.raises(TransactionManagementError):  # compiled now, and still refused
        locking.get(pk=user.pk)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(username=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40),
       pk=st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_any_argument_gets_the_querysets_answer(username, pk):
    User.objects.get_or_create(username="\x1eprepared-argument-0\x1e")  # a marker's text as a value: just a value
    User.objects.get_or_create(username=username[:150] or "blank")
    assert [u.pk for u in BY_USERNAME.all(username=username)] == [
        u.pk for u in User.objects.filter(username=username).order_by("id")]
    assert [u.pk for u in BY_ID.all(pk=pk)] == [u.pk for u in User.objects.filter(pk=pk)]


def test_may_see_is_visible_for_one_request(world):
    """The locked read asks ``may_see`` of the row it read; it agrees with ``visible`` for every kind of person
    and every kind of request (a portal draft, a registered portal request, a paper application)."""
    admin = User.objects.create_user(username="admin", password="x-pass-12345", kind="administrator")
    stranger = User.objects.create_user(username="stranger", password="x-pass-12345", kind="applicant")
    draft = create(world.api["person"], "S1", "issue")
    registered = portal_until_registered(world, world.api["company_head"], "S2", "allocate")
    paper = staff_until_registered(world.api["committee_officer"], "S1", "issue")
    users = [*User.objects.exclude(pk__in=[admin.pk, stranger.pk]), admin, stranger]
    seen = {}
    for app_id in (draft["id"], registered["id"], paper["id"]):
        app = Application.objects.get(pk=app_id)
        for user in users:
            answer = may_see(user, app)
            assert answer == visible(user).filter(pk=app_id).exists(), (user.username, app_id)
            seen[(user.username, app_id)] = answer
            with transaction.atomic():
                if answer:
                    assert _locked(app_id, visible_to=user).pk == app_id
                else:
                    with pytest.raises(NotFound):
                        _locked(app_id, visible_to=user)
    assert seen[("person", draft["id"])] and not seen[("officer", draft["id"])]
    assert seen[("officer", paper["id"])] and seen[("person", paper["id"])]
    assert not seen[("stranger", registered["id"])] and seen[("admin", registered["id"])]


# -- core.prepared.insert: the rows are bulk_create's own --------------------------------------------------------
def _row(obj) -> dict:
    """A row as the database holds it, read back through the ORM, without its key."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields if not f.primary_key}


def _history(app_id, actor, n, data, now=None):
    from django.utils import timezone

    from workflow.models import Event

    now = now or timezone.now()
    return [Event(application_id=app_id, at=now, kind=f"kind-{i}", step=str(i), bpmn_id=f"b{i}", actor=actor,
                  data={"i": i, **data}) for i in range(n)]


def test_inserted_rows_are_what_bulk_create_writes_and_get_their_keys_in_order(world):
    from django.utils import timezone

    from core.prepared import insert
    from workflow.models import Event, WorkTask

    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    data = {"text": "Қазақстан — «кавычки» \\ \"q\" \x7f", "nested": [1, 2.5, None, True, {"k": []}]}
    now = timezone.now()
    ours, theirs = _history(app["id"], world.person, 3, data, now), _history(app["id"], world.person, 3, data, now)
    before = Event.objects.count()
    with transaction.atomic():
        assert insert(ours) is ours
        Event.objects.bulk_create(theirs)
    assert Event.objects.count() == before + 6
    assert [_row(e) for e in ours] == [_row(e) for e in theirs]
    assert [e.pk for e in ours] == sorted(e.pk for e in ours)  # each instance got its own row's key
    assert [Event.objects.get(pk=e.pk).kind for e in ours] == ["kind-0", "kind-1", "kind-2"]
    assert all(not e._state.adding and e._state.db == "default" for e in ours)
    # A model with nullable keys, a UUID and floats (the engine's tasks).
    task = WorkTask.objects.filter(application_id=app["id"]).first()
    copy = WorkTask(**{f.attname: getattr(task, f.attname) for f in WorkTask._meta.concrete_fields if not f.primary_key})
    copy.engine_task_id = uuid.uuid4()
    copy.duration_seconds, copy.within_norm = 1.25, False
    insert([copy])
    assert _row(copy) == {**_row(task), "engine_task_id": copy.engine_task_id, "duration_seconds": 1.25,
                          "within_norm": False}


def test_many_rows_go_in_statements_under_the_parameter_limit(world):
    from django.test.utils import CaptureQueriesContext

    from core.prepared import insert
    from workflow.models import Event

    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    events = _history(app["id"], None, 300, {})
    with CaptureQueriesContext(connections["default"]) as ctx, transaction.atomic():
        insert(events)
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 3  # 7 columns: 128 rows a statement, under SQLite's 999 parameters
    assert len({e.pk for e in events}) == 300
    assert list(Event.objects.filter(pk__in=[e.pk for e in events]).order_by("pk").values_list("kind", flat=True)) == [
        f"kind-{i}" for i in range(300)]


def test_on_postgresql_psycopg_keeps_the_conversion_of_a_multi_row_insert(world):
    """ADR 0024 (elicense.dbpool.keep_statement_conversions): an insert of more than psycopg's default 50
    parameters is parsed once, then taken from psycopg's cache, and each call still writes its own values."""
    from core.prepared import _INSERT_PARAMS, insert
    from elicense.dbpool import STATEMENT_PARAMS_CACHED
    from workflow.models import Event

    assert STATEMENT_PARAMS_CACHED >= _INSERT_PARAMS  # the largest statement insert writes is kept
    if connections["default"].vendor != "postgresql":
        pytest.skip("the conversion is psycopg's")
    from psycopg import _queries

    assert _queries.MAX_CACHED_STATEMENT_PARAMS == STATEMENT_PARAMS_CACHED
    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    _queries._query2pg.cache_clear()
    batches = [_history(app["id"], None, 10, {"batch": b}) for b in range(3)]  # 10 rows × 7 columns: 70
    with transaction.atomic():
        for events in batches:
            insert(events)
    info = _queries._query2pg.cache_info()
    assert (info.misses, info.hits) == (1, 2), info
    for b, events in enumerate(batches):
        assert [Event.objects.get(pk=e.pk).data for e in events] == [{"i": i, "batch": b} for i in range(10)]


def test_what_insert_cannot_keep_to_is_bulk_creates(world):
    from core.prepared import insert
    from workflow.models import Event

    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    assert insert([]) == []
    saved = Event.objects.create(application_id=app["id"], at=_history(app["id"], None, 1, {})[0].at, kind="x")
    with pytest.raises(IntegrityError), transaction.atomic():  # a row with its key: bulk_create's, which
        insert([saved])                                          # inserts that key, already taken
    assert Event.objects.filter(kind="x").count() == 1


_TEXT = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(_TEXT, max_size=20),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(_TEXT, max_size=5), inner,
                                                                                 max_size=3), max_leaves=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.text(_TEXT, max_size=12), _JSON, max_size=4), kind=st.text(_TEXT, max_size=40))
def test_any_history_row_reads_back_as_written(world, data, kind):
    from django.utils import timezone

    from applications.models import Application
    from core.prepared import insert
    from workflow.models import Event

    app = Application.objects.first() or Application.objects.get(pk=fill(
        world.api["person"], create(world.api["person"], "S3", "assignment"), "S3", "assignment")["id"])
    event = Event(application=app, at=timezone.now(), kind=kind, data=data, actor=world.person)
    with transaction.atomic():
        insert([event])
    fresh = Event.objects.get(pk=event.pk)
    assert (fresh.kind, fresh.data, fresh.at, fresh.actor_id, fresh.step) == (kind, data, event.at, world.person.pk, "")


# -- core.prepared.update: the row is QuerySet.update's own ------------------------------------------------------
def test_an_updated_row_is_what_queryset_update_writes(world):
    from django.utils import timezone

    from core.prepared import update
    from workflow.models import ProcessInstance, WorkTask

    api = world.api["person"]
    ours_id = fill(api, create(api, "S3", "assignment"), "S3", "assignment")["id"]
    theirs_id = fill(api, create(api, "S3", "assignment"), "S3", "assignment")["id"]
    ours, theirs = (WorkTask.objects.filter(application_id=i).order_by("id").first() for i in (ours_id, theirs_id))
    now = timezone.now()
    values = dict(state=WorkTask.State.DONE, completed_at=now, completed_by=world.person, duration_seconds=12.5,
                  within_norm=None, due_at=None, name="Қабылдау — «шаг» \\ \"q\"")
    with transaction.atomic():
        assert update(WorkTask, ours.pk, **values) == 1
        assert WorkTask.objects.filter(pk=theirs.pk).update(**values) == 1
    differs = {"application_id", "engine_task_id", "created_at", "provider_unit_id", "assignee_id"}
    mine, django = _row(ours), _row(theirs)
    assert {k: v for k, v in mine.items() if k not in differs} == {k: v for k, v in django.items() if k not in differs}
    assert (mine["completed_by_id"], mine["completed_at"], mine["state"], mine["within_norm"]) == (
        world.person.pk, now, "done", None)
    # The process state: bytes, a bool, a naive-free datetime, text; and the key given as the instance's.
    a, b = (ProcessInstance.objects.get(application_id=i) for i in (ours_id, theirs_id))
    state = bytes(range(256)) * 3
    fields = dict(updated_at=now, state=state, completed=True, waiting_for="registry", attempts=3,
                  next_attempt_at=now, last_error="нет связи")
    with transaction.atomic():
        update(ProcessInstance, a.pk, **fields)
        ProcessInstance.objects.filter(pk=b.pk).update(**fields)
    a, b = _row(a), _row(b)
    assert bytes(a.pop("state")) == bytes(b.pop("state")) == state
    a.pop("application_id"), b.pop("application_id")
    assert a == b
    assert update(WorkTask, 10**12, state=WorkTask.State.DONE) == 0  # no such row: nothing changed


def test_update_builds_its_statement_once_per_set_of_columns(world):
    from django.test.utils import CaptureQueriesContext

    from core.prepared import update
    from workflow.models import WorkTask

    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    task = WorkTask.objects.filter(application_id=app["id"]).first()
    connection = connections["default"]
    connection.__dict__.pop("_elicense_updates", None)
    with CaptureQueriesContext(connection) as ctx:
        for norm in ("1d", "2d", "3d"):
            update(WorkTask, task.pk, norm=norm, lane="x")
        update(WorkTask, task.pk, lane="y")
    assert len(connection.__dict__["_elicense_updates"]) == 2
    assert [q["sql"].split(" SET ")[0] for q in ctx.captured_queries] == [
        ctx.captured_queries[0]["sql"].split(" SET ")[0]] * 4
    task.refresh_from_db()
    assert (task.norm, task.lane) == ("3d", "y")


def test_what_update_cannot_keep_to_is_refused(world):
    from django.db.models import F

    from core.prepared import update
    from workflow.models import WorkTask

    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    task = WorkTask.objects.filter(application_id=app["id"]).first()
    with pytest.raises(TypeError):
        update(WorkTask, task.pk, duration_seconds=F("duration_seconds") + 1)  # an expression: QuerySet.update's
    with pytest.raises(TypeError):
        update(WorkTask, task.pk, name=world.person)  # a model instance for a plain column
    with pytest.raises(TypeError):
        update(WorkTask, task.pk, id=5)  # the key
    from django.core.exceptions import FieldDoesNotExist
    with pytest.raises(FieldDoesNotExist):
        update(WorkTask, task.pk, no_such_field=1)
    assert WorkTask.objects.get(pk=task.pk).name == task.name


# -- core.prepared.create and save: Model.save's rows and signals ------------------------------------------------
class _Signals:
    """Every pre_save and post_save sent while it is open: (signal, sender, kwargs without the signal)."""

    def __enter__(self):
        from django.db.models.signals import post_save, pre_save

        self.sent, self.signals = [], (pre_save, post_save)
        for signal in self.signals:
            signal.connect(self._got, dispatch_uid=f"test-prepared-{id(signal)}")
        return self

    def _got(self, signal, sender, **kwargs):
        self.sent.append(("pre" if signal is self.signals[0] else "post", sender,
                          {k: v for k, v in kwargs.items() if k != "instance"}, kwargs["instance"]))

    def __exit__(self, *exc):
        for signal in self.signals:
            signal.disconnect(dispatch_uid=f"test-prepared-{id(signal)}")


def _signature_of(app_id):
    from applications.models import Revision, Signature

    revision = Revision.objects.filter(application_id=app_id).first()
    return Signature(application_id=app_id, revision=revision, certificate_pem="PEM", cms=b"\x30\x00\xff",
                     certificate_check="valid", signer_iin="850312312016")


def test_a_created_row_is_what_save_writes_with_the_same_signals(world):
    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    ours, theirs = _signature_of(app["id"]), _signature_of(app["id"])
    with _Signals() as ours_sent, transaction.atomic():
        assert prepared.create(ours) is ours
    with _Signals() as theirs_sent, transaction.atomic():
        theirs.save()
    assert ours.pk is not None and ours.pk != theirs.pk and not ours._state.adding and ours._state.db == "default"
    mine, django = _row(ours), _row(theirs)
    assert abs(mine.pop("created_at") - django.pop("created_at")).total_seconds() < 5  # auto_now_add set by both
    assert mine == django and bytes(mine["cms"]) == b"\x30\x00\xff"
    assert [(k, s, a) for k, s, a, _ in ours_sent.sent] == [(k, s, a) for k, s, a, _ in theirs_sent.sent]
    assert [k for k, *_ in ours_sent.sent] == ["pre", "post"] and ours_sent.sent[1][2]["created"] is True
    assert all(instance is ours for *_, instance in ours_sent.sent)


def test_saved_fields_are_what_save_writes_with_the_same_signals(world):
    from django.utils import timezone

    from applications.models import Application

    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    ours, theirs = prepared.create(_signature_of(app["id"])), prepared.create(_signature_of(app["id"]))
    now = timezone.now()
    for sig in (ours, theirs):
        sig.cms, sig.signature_check, sig.signed_at, sig.signer_bin = b"\x01\x02", "valid", now, "not saved"
    with _Signals() as ours_sent, transaction.atomic():
        assert prepared.save(ours, ["cms", "signature_check", "signed_at"]) is ours
    with _Signals() as theirs_sent, transaction.atomic():
        theirs.save(update_fields=["cms", "signature_check", "signed_at"])
    mine, django = _row(ours), _row(theirs)
    assert mine.pop("created_at") < now and django.pop("created_at") < now  # as created: not among the fields
    assert mine == django and mine["signer_bin"] == "" and bytes(mine["cms"]) == b"\x01\x02"
    assert [(k, s, a) for k, s, a, _ in ours_sent.sent] == [(k, s, a) for k, s, a, _ in theirs_sent.sent]
    assert ours_sent.sent[1][2]["update_fields"] == frozenset({"cms", "signature_check", "signed_at"})
    # A foreign key given as an instance; a row that is not there is save's own error; no fields is save's.
    row = Application.objects.get(pk=app["id"])
    row.applicant_name = "Жаңа аты"
    prepared.save(row, {"applicant_name"})
    assert Application.objects.get(pk=app["id"]).applicant_name == "Жаңа аты"
    from django.db.models import F
    row.form_version = F("form_version") + 1  # an expression: save's own statement
    prepared.save(row, ["form_version"])
    assert Application.objects.get(pk=app["id"]).form_version == app["form_version"] + 1
    gone = Signature.objects.get(pk=ours.pk)
    Signature.objects.filter(pk=gone.pk).delete()
    from django.db import DatabaseError
    with pytest.raises(DatabaseError, match="did not affect any rows"), transaction.atomic():
        prepared.save(gone, ["signature_check"])
    with pytest.raises(ValueError):  # an unknown field: save's refusal
        prepared.save(theirs, ["no_such_field"])


def test_a_model_with_its_own_save_is_saved_by_it(world):
    from applications.models import Revision

    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    revision = Revision.objects.filter(application_id=app["id"]).first()
    with pytest.raises(ValueError, match="immutable"):  # Revision.save refuses a change: so does save()
        prepared.save(revision, ["sha256"])
    fresh = Revision(application_id=app["id"], content={"a": 1}, sha256="0" * 64)
    assert prepared.create(fresh).pk is not None and Revision.objects.get(pk=fresh.pk).content == {"a": 1}
