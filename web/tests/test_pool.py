"""The connection budget (elicense/dbpool.py): each web worker's pool is budget // workers, and a request that
cannot get a connection in time answers 503 with Retry-After, not 500 (web/middleware.py, ADR 0011)."""
import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.test import Client, RequestFactory
from psycopg_pool import PoolTimeout

from elicense.dbpool import configure_postgresql, pool_options
from web.errors import server_error
from web.middleware import database_unavailable

ROOT = Path(__file__).resolve().parents[2]
PREPARED = {"server_side_binding": True, "prepare_threshold": 5}


@pytest.mark.parametrize(("budget", "workers", "max_size"), [(20, 2, 10), (5, 2, 2), (3, 3, 1), (100, 7, 14)])
def test_each_worker_gets_the_budget_divided_by_the_workers(budget, workers, max_size):
    options = pool_options(budget=budget, workers=workers, timeout=5)
    assert options == {"min_size": 1, "max_size": max_size, "timeout": 5}
    assert workers * options["max_size"] <= budget


def test_a_budget_smaller_than_the_workers_is_refused():
    with pytest.raises(ImproperlyConfigured, match="ELICENSE_DB_CONNECTION_BUDGET=3 is less than ELICENSE_WEB_WORKERS=4"):
        pool_options(budget=3, workers=4, timeout=5)
    with pytest.raises(ImproperlyConfigured, match="ELICENSE_WEB_WORKERS=0"):
        pool_options(budget=3, workers=0, timeout=5)


def test_postgresql_gets_the_pool_and_an_application_name():
    database = configure_postgresql({"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 600},
                                    {"ELICENSE_WEB_WORKERS": "4", "ELICENSE_DB_CONNECTION_BUDGET": "10"})
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"] == {"application_name": "elicense-web", **PREPARED,
                                   "pool": {"min_size": 1, "max_size": 2, "timeout": 5.0}}
    database = configure_postgresql({"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 600},
                                    {"ELICENSE_DB_POOL": "0", "ELICENSE_DB_APPLICATION_NAME": "elicense-worker"})
    assert database["CONN_MAX_AGE"] == 600
    assert database["OPTIONS"] == {"application_name": "elicense-worker", **PREPARED}
    database = configure_postgresql({"ENGINE": "django.db.backends.postgresql"}, {"ELICENSE_DB_PREPARED_STATEMENTS": "0"})
    assert "server_side_binding" not in database["OPTIONS"] and "prepare_threshold" not in database["OPTIONS"]
    with pytest.raises(ImproperlyConfigured, match="ELICENSE_DB_PREPARED_STATEMENTS='yes'"):
        configure_postgresql({"ENGINE": "django.db.backends.postgresql"}, {"ELICENSE_DB_PREPARED_STATEMENTS": "yes"})


def _settings_in_subprocess(**environ):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ELICENSE_", "DATABASE_URL"))}
    env.update(environ)
    code = ("import json; from elicense import settings as s; d = s.DATABASES['default']; "
            "print(json.dumps({'options': d.get('OPTIONS', {}), 'max_age': d['CONN_MAX_AGE']}))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_the_settings_size_the_pool_from_the_environment_and_refuse_a_budget_below_the_workers():
    url = "postgres://app@127.0.0.1:1/nothing"  # never connected to: only the settings are read
    done = _settings_in_subprocess(DATABASE_URL=url, ELICENSE_WEB_WORKERS="3", ELICENSE_DB_CONNECTION_BUDGET="10")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"options": {"application_name": "elicense-web", **PREPARED, "pool": {
        "min_size": 1, "max_size": 3, "timeout": 5.0}}, "max_age": 0}
    refused = _settings_in_subprocess(DATABASE_URL=url, ELICENSE_WEB_WORKERS="3", ELICENSE_DB_CONNECTION_BUDGET="2")
    assert refused.returncode != 0
    assert "ImproperlyConfigured: ELICENSE_DB_CONNECTION_BUDGET=2 is less than ELICENSE_WEB_WORKERS=3" in refused.stderr
    sqlite = _settings_in_subprocess(ELICENSE_WEB_WORKERS="3", ELICENSE_DB_CONNECTION_BUDGET="2")  # no pool there
    assert sqlite.returncode == 0 and "pool" not in json.loads(sqlite.stdout)["options"], sqlite.stderr


def test_pool_exhaustion_is_recognised_however_it_is_wrapped():
    try:
        raise OperationalError("couldn't get a connection") from PoolTimeout("timeout")
    except OperationalError as exc:
        assert database_unavailable(exc)
    assert database_unavailable(PoolTimeout("timeout"))
    assert database_unavailable(OperationalError('connection failed: FATAL:  sorry, too many clients already'))
    assert not database_unavailable(OperationalError("deadlock detected"))
    assert not database_unavailable(ValueError("x"))


@pytest.fixture
def busy_urls(settings):
    settings.ROOT_URLCONF = "web.tests.urls_busy"


def test_pool_timeout_answers_503_json_under_the_api(busy_urls):
    response = Client().get("/api/v1/busy")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_busy"


def test_pool_timeout_answers_a_503_page_elsewhere(busy_urls):
    for path in ("/page/busy", "/page/raw-pool-timeout"):
        response = Client().get(path)
        assert response.status_code == 503 and response["Retry-After"] == "5"
        assert response["Content-Type"].startswith("text/html") and b"503" in response.content


def test_other_errors_stay_errors(busy_urls):
    with pytest.raises(ValueError):
        Client().get("/page/broken")
    assert Client(raise_request_exception=False).get("/page/broken").status_code == 500


def test_a_busy_database_in_a_real_api_route_answers_503(db):
    busy = OperationalError("couldn't get a connection")
    busy.__cause__ = PoolTimeout("timeout")
    with mock.patch("services.api.registry.all_services", side_effect=busy):
        response = Client().get("/api/v1/services")
    assert response.status_code == 503 and response.json()["code"] == "service_busy"


def test_outside_a_view_the_500_handler_answers_503_too():
    request = RequestFactory().get("/portal/")
    try:
        raise OperationalError("couldn't get a connection") from PoolTimeout("timeout")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"]
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


def test_on_postgresql_a_repeated_statement_is_prepared_once_on_its_connection(db):
    """ADR 0024: after psycopg's threshold of runs, PostgreSQL holds the statement prepared for the session
    (parsed and planned once), and it still answers each call with that call's own parameters."""
    from django.db import connection

    from accounts.models import User

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server-side prepared statements")
    users = [User.objects.create_user(username=f"prepared-{i}", password="x", kind="applicant") for i in range(7)]
    answers = [User.objects.filter(pk=user.pk).values_list("username", flat=True).get() for user in users]
    assert answers == [f"prepared-{i}" for i in range(7)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"accounts_user"."username"' in text and "$1" in text for text in prepared), prepared
