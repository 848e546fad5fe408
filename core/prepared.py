"""Querysets of a fixed shape, compiled to SQL once per database connection, and writes built once the same
way (``insert`` and ``update``, and ``create`` and ``save`` that are them with the model's signals, at the end):
for the hot path.

Django builds and compiles a queryset's SQL every time it is evaluated. For the signed submission's locking
read (five joins and an EXISTS) that is about 2 ms of CPU, against about 0.3 ms to run it; for a plain filter
on one column about 0.4 ms against 0.1 ms (docs/performance.md). A ``Prepared`` query is a function of named
arguments that returns the queryset. Its first evaluation on a connection builds the queryset with marker
values, compiles it, and notes where each argument's marker lands among the SQL's parameters; every later
one runs that SQL with the arguments put in those places, and turns the rows into what the queryset would
have returned (model instances with their ``select_related`` relations and annotations, or ``values()``
dicts) with the compiler the first evaluation kept.

The contract: the queryset's form depends on nothing but the function's code — an argument may only be a
value compared with a column (an int or a str, passed unchanged into the SQL's parameters). An argument the
ORM transforms (``__contains`` wraps it in ``%``) or does not pass at all is refused at the first evaluation.
Each prepared query has a test that its answers are the queryset's own (core/tests/test_prepared.py and the
callers' tests); the hot path's statements are listed in docs/performance.md.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import BinaryField, Model
from django.db.models.query import ModelIterable, QuerySet, ValuesIterable, get_related_populators
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError

_MARKER_BASE = 7_340_000_000_000_000_000  # an int marker: far above any id, within a signed 64-bit integer
_ids = itertools.count()


def _marker(index: int, value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"a prepared query's argument is an int or a str, not {type(value).__name__}")
    return _MARKER_BASE + index if isinstance(value, int) else f"\x1eprepared-argument-{index}\x1e"


class _Compiled:
    """One query's SQL on one connection, where its arguments go, and how its rows become results."""

    def __init__(self, queryset: QuerySet, markers: dict[str, object]):
        if queryset._iterable_class not in (ModelIterable, ValuesIterable):
            raise TypeError("a prepared query returns model instances or values() dicts")
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        # How each column's value is read back (the fields' from_db_value, the backend's converters), worked out
        # once as results_iter would on every call; a composite key's columns still go through results_iter.
        columns = [s[0] for s in self.compiler.select[0:self.compiler.col_count]]
        self.converters = self.compiler.get_converters(columns)
        self.composite = self.compiler.has_composite_fields(columns)
        by_marker = {marker: name for name, marker in markers.items()}
        self.slots = []  # (position among the parameters, argument name)
        for position, param in enumerate(self.params):
            if param in by_marker and type(param) is type(markers[by_marker[param]]):
                self.slots.append((position, by_marker[param]))
            elif isinstance(param, str) and any(isinstance(m, str) and m in param for m in by_marker):
                raise ValueError("an argument of a prepared query must reach the SQL unchanged")
        missing = set(markers) - {name for _, name in self.slots}
        if missing:
            raise ValueError(f"arguments not in the prepared query's SQL: {sorted(missing)}")
        self.kinds = {name: type(marker) for name, marker in markers.items()}
        self.values = queryset._iterable_class is ValuesIterable
        self.locks = queryset.query.select_for_update
        compiler = self.compiler
        if self.values:
            query = queryset.query
            self.names = list(query.selected) if query.selected else [
                *query.extra_select, *query.values_select, *query.annotation_select]
        else:
            klass_info, select = compiler.klass_info, compiler.select
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [f[0].target.attname for f in select[self.start:self.end]]
            self.populators = get_related_populators(klass_info, select, queryset.db)
            self.annotations = list(compiler.annotation_col_map.items())
        self.db = queryset.db

    def run(self, arguments: dict) -> list:
        params = list(self.params)
        for position, name in self.slots:
            params[position] = arguments[name]
        compiler = self.compiler
        connection = compiler.connection
        if self.locks and connection.get_autocommit():  # as the compiler refuses it
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if compiler.has_extra_select:  # columns added for the ordering only
            rows = [row[:compiler.col_count] for row in rows]
        if self.composite:
            rows = compiler.results_iter([rows])
        elif self.converters:
            rows = compiler.apply_converters(rows, self.converters)
        if self.values:
            return [dict(zip(self.names, row, strict=True)) for row in rows]
        results = []
        for row in rows:
            obj = self.model.from_db(self.db, self.init_list, row[self.start:self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            results.append(obj)
        return results


class Prepared:
    """A queryset of a fixed shape: ``build(**arguments)`` returns it; ``all``/``first``/``get`` evaluate it."""

    def __init__(self, build: Callable[..., QuerySet], using: str = DEFAULT_DB_ALIAS):
        self.build, self.using = build, using
        self.key = f"prepared-{next(_ids)}"

    def _compiled(self, arguments: dict) -> _Compiled:
        connection = connections[self.using]
        # The cache lives on the connection's wrapper (one per thread): the SQL is that database's dialect,
        # and it outlives reconnections. A query that locks is compiled inside the caller's transaction.
        cache = connection.__dict__.setdefault("_elicense_prepared", {})
        compiled = cache.get(self.key)
        if compiled is None:
            markers = {name: _marker(i, value) for i, (name, value) in enumerate(sorted(arguments.items()))}
            compiled = _Compiled(self.build(**markers), markers)
            cache[self.key] = compiled
        elif compiled.kinds != {name: type(value) for name, value in arguments.items()}:
            # The SQL was made for these arguments, of these types: anything else is what a first call refuses.
            for i, (_, value) in enumerate(sorted(arguments.items())):
                _marker(i, value)
            raise TypeError(f"a prepared query's arguments are {compiled.kinds}, not {sorted(arguments)}")
        return compiled

    def all(self, **arguments) -> list:
        return self._compiled(arguments).run(arguments)

    def first(self, **arguments):
        rows = self.all(**arguments)
        return rows[0] if rows else None

    def get(self, **arguments):
        """The one result; the model's DoesNotExist if there is none (MultipleObjectsReturned if more)."""
        compiled = self._compiled(arguments)
        rows = compiled.run(arguments)
        if len(rows) == 1:
            return rows[0]
        model = compiled.compiler.query.model
        if not rows:
            raise model.DoesNotExist(f"{model._meta.object_name} matching the prepared query does not exist.")
        raise model.MultipleObjectsReturned(f"{len(rows)} {model._meta.object_name} rows match the prepared query.")


# -- inserts -------------------------------------------------------------------------------------------------
_INSERT_PARAMS = 900  # parameters per statement, under SQLite's oldest limit (999)


def insert(objs: list, using: str = DEFAULT_DB_ALIAS) -> list:
    """New rows of one model in one INSERT … VALUES … RETURNING statement whose SQL is built once per connection
    and row count, their primary keys set on ``objs`` from what it returns: what ``bulk_create`` does for rows
    of a plain model, without compiling the statement each time (for the engine's history and tasks, written
    by every step; docs/performance.md). Each field's value goes through its ``pre_save`` and
    ``get_db_prep_save``, as in ``bulk_create``; the primary key is the database's. Signals are not sent, as
    ``bulk_create`` does not send them. A database that cannot return the keys of a multi-row insert, or a
    model whose key is not the database's, gets ``bulk_create`` itself."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[using]
    meta = model._meta
    if not connection.features.can_return_rows_from_bulk_insert or not meta.pk.db_returning or any(
            type(obj) is not model or obj.pk is not None for obj in objs):
        return QuerySet(model, using=using).bulk_create(objs)  # Django's own, not a manager's override
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    per = max(1, _INSERT_PARAMS // len(fields))
    cache = connection.__dict__.setdefault("_elicense_inserts", {})
    for start in range(0, len(objs), per):
        chunk = objs[start:start + per]
        key = (meta.label, len(chunk))
        sql = cache.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                   f"VALUES {', '.join([row] * len(chunk))} RETURNING {quote(meta.pk.column)}")
            cache[key] = sql
        params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in chunk for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = cursor.fetchall()
        for obj, (pk,) in zip(chunk, keys, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, using
    return objs


# -- updates -------------------------------------------------------------------------------------------------
def update(model, pk, using: str = DEFAULT_DB_ALIAS, **values) -> int:
    """``UPDATE … SET … WHERE pk = …`` of one row, its SQL built once per connection and set of columns: what
    ``model.objects.filter(pk=pk).update(**values)`` writes, for plain values, without building a queryset
    and compiling it each time (for the engine's finished task and process state, written by every step;
    docs/performance.md). Each value goes through its field's ``get_db_prep_save`` as in ``update``; a model
    instance given for a foreign key is its key. Like ``update``, it sends no signals and sets no ``auto_now``.
    Returns the number of rows changed. An expression (``F``, ``Case`` …) is refused: use ``update``."""
    meta = model._meta
    connection = connections[using]
    cache = connection.__dict__.setdefault("_elicense_updates", {})
    key = (meta.label, tuple(values))
    entry = cache.get(key)
    if entry is None:
        fields = [meta.get_field(name) for name in values]
        for field in fields:
            if not field.concrete or field.many_to_many or field.primary_key:
                raise TypeError(f"{meta.label}.{field.name} is not a plain column to update")
        quote = connection.ops.quote_name
        sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
               f"WHERE {quote(meta.pk.column)} = %s")
        # A field whose placeholder is not a plain %s (binary data on some databases): update's own SQL.
        plain = all(not hasattr(f, "get_placeholder") or (
            isinstance(f, BinaryField) and connection.ops.binary_placeholder_sql(b"") == "%s") for f in fields)
        entry = cache[key] = (sql if plain else None, fields)
    sql, fields = entry
    for field, value in zip(fields, values.values(), strict=True):
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"{meta.label}.{field.name}: an expression is not a plain value (use QuerySet.update)")
    if sql is None:
        return QuerySet(model, using=using).filter(pk=pk).update(**values)
    params = []
    for field, value in zip(fields, values.values(), strict=True):
        if hasattr(value, "prepare_database_save"):
            if not field.remote_field:
                raise TypeError(f"{meta.label}.{field.name}: a model instance for a field that is not a relation")
            value = value.prepare_database_save(field)
        value = field.get_db_prep_save(value, connection)
        if hasattr(value, "as_sql"):  # a field whose saved value is SQL of its own: update's to compile
            raise TypeError(f"{meta.label}.{field.name}: a value that is SQL of its own (use QuerySet.update)")
        params.append(value)
    params.append(meta.pk.get_db_prep_save(pk, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# -- saves with the model's signals ---------------------------------------------------------------------------
def _plain(obj) -> bool:
    """A model whose ``save`` is Django's own and that has no parent table: its save is one statement."""
    return type(obj).save is Model.save and not obj._meta.parents


def create(obj, using: str = DEFAULT_DB_ALIAS):
    """``obj.save()`` of a new row, written by ``insert`` (its SQL built once per connection), with what
    ``save`` also does: related objects checked saved, ``pre_save`` and ``post_save`` (created) sent — so
    that every receiver (core.idempotency's among them) sees it as a save. A model with its own ``save`` or
    a parent table, or a row that already has its key, is saved by ``save`` itself."""
    if not _plain(obj) or obj.pk is not None:
        obj.save(using=using)
        return obj
    sender = type(obj)
    obj._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(sender=sender, instance=obj, raw=False, using=using, update_fields=None)
    with transaction.mark_for_rollback_on_error(using):
        insert([obj], using)
    post_save.send(sender=sender, instance=obj, created=True, update_fields=None, raw=False, using=using)
    return obj


def save(obj, update_fields, using: str = DEFAULT_DB_ALIAS):
    """``obj.save(update_fields=…)`` of a saved row, written by ``update`` (its SQL built once per connection
    and set of columns), with what ``save`` also does: each field's ``pre_save`` (``auto_now``), related
    objects checked saved, ``pre_save`` and ``post_save`` sent with the fields, and the same error if no row
    was changed. A model with its own ``save`` or a parent table, or a field set to an expression, is saved by
    ``save`` itself."""
    update_fields = frozenset(update_fields)
    if not _plain(obj) or not update_fields:
        obj.save(using=using, update_fields=update_fields)
        return obj
    sender, meta = type(obj), obj._meta
    fields = {}
    for name in sorted(update_fields):
        try:
            field = meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is None or not field.concrete or field.many_to_many or field.primary_key:
            raise ValueError("The following fields do not exist in this model, are m2m fields, primary keys, or "
                             f"are non-concrete fields: {name}")
        fields[field.name] = field
    fields = list(fields.values())
    if any(hasattr(getattr(obj, field.attname), "resolve_expression") for field in fields):
        obj.save(using=using, update_fields=update_fields)  # an expression (F() + 1 …): save compiles it
        return obj
    obj._prepare_related_fields_for_save(operation_name="save", fields=fields)
    pre_save.send(sender=sender, instance=obj, raw=False, using=using, update_fields=update_fields)
    values = {field.name: field.pre_save(obj, False) for field in fields}
    with transaction.mark_for_rollback_on_error(using):
        if not update(sender, obj.pk, using, **values):
            raise DatabaseError("Save with update_fields did not affect any rows.")
    obj._state.db, obj._state.adding = using, False
    post_save.send(sender=sender, instance=obj, created=False, update_fields=update_fields, raw=False, using=using)
    return obj
