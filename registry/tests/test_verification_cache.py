"""The public verification's answers in the shared cache (registry/cache.py): kept, so that a QR code read again
costs no query; forgotten as soon as the registry changes them; never a failure when the cache is down."""
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from registry import public
from registry.tests.helpers import act, licence

REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                     "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
                     "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    """The cache of one process (the suite's default) and Redis, as app servers on several machines share it."""
    if request.param == "redis":
        settings.CACHES = REDIS
    yield request.param
    cache.clear()


def _answer(number, language="ru"):
    with translation.override(language):
        return public.verification(number)


def test_a_kept_answer_costs_no_query_and_is_kept_per_language(world, shared_cache, django_assert_num_queries):
    _app, number = licence(world)
    first = _answer(number)
    assert first["valid"] is True and first["record"]["status_label"] == "действительна"
    with django_assert_num_queries(0):
        again = _answer(number)
    assert again == first
    kazakh = _answer(number.lower(), "kk")  # the number is normalised before it is looked up or kept
    assert kazakh["record"]["status_label"] != first["record"]["status_label"]
    assert kazakh["document_sha256"] == first["document_sha256"] != ""


def test_a_change_of_the_record_forgets_the_answers_of_all_its_numbers(world, shared_cache):
    _app, number = licence(world)
    assert _answer(number)["document_current"] is True
    for language in ("kk", "en"):
        _answer(number, language)

    new = act(world.api["committee_officer"], number, "reissue", reason="смена наименования",
              name="ТОО «Новое»").json()["documents"][-1]["number"]

    old = _answer(number)
    assert (old["valid"], old["document_current"], old["superseded_by"]) == (False, False, new)
    assert _answer(number, "kk")["superseded_by"] == new and _answer(number, "en")["superseded_by"] == new
    assert old["record"]["holder_name"] == "ТОО «Новое»" and old["record"]["current_document"] == new
    assert _answer(new)["valid"] is True

    act(world.api["committee_officer"], number, "suspend", reason="по решению суда")
    assert _answer(new)["valid"] is False
    assert _answer(new)["record"]["status"] == "suspended"


def test_a_number_not_found_is_not_kept(world, shared_cache):
    assert _answer("LIC-2026-999999")["found"] is False
    with translation.override("ru"):
        assert cache.get("verification:1:ru:LIC-2026-999999") is None


def test_verification_answers_when_the_cache_is_down(world, settings, caplog):
    _app, number = licence(world)
    settings.CACHES = {"default": {**REDIS["default"], "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens
    public_client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    response = public_client.get(f"/api/v1/registry/public/{number}")
    assert response.status_code == 200 and response.json()["valid"] is True
    assert public_client.get(f"/verify/{number}/").status_code == 200
    assert "verification cache unreachable" in caplog.text
    # A change while the cache is down is still made (its forgetting only logged).
    act(world.api["committee_officer"], number, "suspend", reason="по решению суда")
    assert public_client.get(f"/api/v1/registry/public/{number}").json()["valid"] is False


def test_kept_answers_expire(world, settings, shared_cache, django_assert_num_queries):
    """ELICENSE_VERIFICATION_CACHE_SECONDS = 0 keeps nothing: each reading is built afresh."""
    settings.ELICENSE_VERIFICATION_CACHE_SECONDS = 0
    _app, number = licence(world)
    _answer(number)
    with translation.override("ru"):
        assert cache.get(f"verification:1:ru:{number}") is None
