"""The database connection budget (ADR 0011, docs/deployment.md): how many PostgreSQL connections each web
worker's pool may hold, so that all web workers together stay within the budget.

    workers × max_size ≤ budget,   max_size = budget // workers (at least 1),   min_size = 1

Read by elicense/settings.py from ELICENSE_DB_CONNECTION_BUDGET and ELICENSE_WEB_WORKERS (the same variable
elicense/gunicorn_conf.py starts that many workers from). Imports nothing of Django's settings.

Also how statements reach PostgreSQL: parameters apart from the text, and the statements a connection
repeats prepared there (``statement_options``, ADR 0024).
"""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


def pool_options(*, budget: int, workers: int, timeout: float) -> dict:
    """The ``OPTIONS["pool"]`` of one web worker: psycopg_pool.ConnectionPool's arguments."""
    if workers < 1:
        raise ImproperlyConfigured(f"ELICENSE_WEB_WORKERS={workers}: at least one web worker is needed")
    if budget < workers:
        raise ImproperlyConfigured(
            f"ELICENSE_DB_CONNECTION_BUDGET={budget} is less than ELICENSE_WEB_WORKERS={workers}: every web "
            "worker needs at least one database connection (raise the budget or run fewer workers)")
    if timeout <= 0:
        raise ImproperlyConfigured(f"ELICENSE_DB_POOL_TIMEOUT={timeout}: must be a positive number of seconds")
    return {"min_size": 1, "max_size": max(1, budget // workers), "timeout": timeout}


def _int(environ, name: str, default: int) -> int:
    try:
        return int(environ.get(name, default))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={environ.get(name)!r}: must be a whole number") from None


def statement_options(environ) -> dict:
    """Server-side parameters and prepared statements (ADR 0024), unless ELICENSE_DB_PREPARED_STATEMENTS=0:
    the query text and its parameters go to PostgreSQL apart, and a statement a connection has run
    ``prepare_threshold`` times (psycopg's own default, 5) is prepared there, so that PostgreSQL parses and
    plans it once per connection instead of on every call. Off (Django's default: parameters bound in
    Python, nothing prepared) behind a pooler that cannot keep a session's prepared statements."""
    flag = environ.get("ELICENSE_DB_PREPARED_STATEMENTS", "1")
    if flag not in ("0", "1"):
        raise ImproperlyConfigured(f"ELICENSE_DB_PREPARED_STATEMENTS={flag!r}: must be 1 (on) or 0 (off)")
    return {"server_side_binding": True, "prepare_threshold": 5} if flag == "1" else {}


# core.prepared.insert writes at most this many parameters in one statement (its _INSERT_PARAMS, under SQLite's
# limit); psycopg's cache of converted statements is raised to hold that many (keep_statement_conversions).
STATEMENT_PARAMS_CACHED = 900


def keep_statement_conversions() -> None:
    """Let psycopg keep the conversion of statements with up to STATEMENT_PARAMS_CACHED parameters (ADR 0024).

    psycopg turns a statement's ``%s`` placeholders into PostgreSQL's ``$n`` by parsing its text, and keeps
    the result (an LRU of 128 statements) only for statements of at most 50 parameters
    (``psycopg._queries.MAX_CACHED_STATEMENT_PARAMS``): an ORM's ``INSERT … VALUES`` usually has a new number
    of rows each time, so caching it would only churn. The project's multi-row inserts have a handful of
    shapes, each built once per connection and row count (core.prepared.insert): the engine's history (10 rows
    × 7 columns on a signed submission) and tasks (5 × 18). Parsing them again cost about 0.5 ms of the app's
    CPU per submission (docs/performance.md). Client-side binding (ELICENSE_DB_PREPARED_STATEMENTS=0) parses
    the same way under the same limit. A psycopg without that constant is left as it is."""
    from psycopg import _queries

    limit = getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", None)
    if isinstance(limit, int) and limit < STATEMENT_PARAMS_CACHED:
        _queries.MAX_CACHED_STATEMENT_PARAMS = STATEMENT_PARAMS_CACHED


def configure_postgresql(database: dict, environ) -> dict:
    """Give a PostgreSQL DATABASES entry its application_name and, unless ELICENSE_DB_POOL=0, the pool sized
    from the budget (CONN_MAX_AGE 0: the pool keeps the connections, Django returns them after each request)."""
    options = database.setdefault("OPTIONS", {})
    options["application_name"] = environ.get("ELICENSE_DB_APPLICATION_NAME", "elicense-web")
    options.update(statement_options(environ))
    keep_statement_conversions()
    if environ.get("ELICENSE_DB_POOL", "1") != "0":
        try:
            timeout = float(environ.get("ELICENSE_DB_POOL_TIMEOUT", "5"))
        except ValueError:
            raise ImproperlyConfigured("ELICENSE_DB_POOL_TIMEOUT must be a number of seconds") from None
        options["pool"] = pool_options(budget=_int(environ, "ELICENSE_DB_CONNECTION_BUDGET", 20),
                                       workers=_int(environ, "ELICENSE_WEB_WORKERS", 2), timeout=timeout)
        database["CONN_MAX_AGE"] = 0
    return database
