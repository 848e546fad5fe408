"""No outside system is called while a request is locked: the calls an action needs (the gateway's
confirmation of a reported payment, creating a payment, the registry look-up of a paper application) are
made before the action takes the request's row lock, and their answers reach the engine's operations in
the run's context. Each test records, at every outside call, how many transactions (savepoints) are open
beyond the test's own: zero means no action's transaction was open."""
from __future__ import annotations

import pytest
from django.db import connection

from applications.tests.journeys import create, fill, pay, staff_until_registered
from integrations.payments import HttpPaymentGateway
from integrations.registry import HttpRegistry


@pytest.fixture
def calls(monkeypatch):
    """(system.operation, open transactions) of every outside call."""
    seen = []

    def recording(cls, name):
        original = getattr(cls, name)

        def wrapper(self, *args, **kwargs):
            seen.append((f"{cls.__name__}.{name}", len(connection.savepoint_ids)))
            return original(self, *args, **kwargs)
        monkeypatch.setattr(cls, name, wrapper)

    for name in ("create", "status", "cancel"):
        recording(HttpPaymentGateway, name)
    for name in ("individual", "legal_entity"):
        recording(HttpRegistry, name)
    return seen


def test_a_paid_fee_is_confirmed_with_the_gateway_outside_the_requests_lock(world, calls):
    api = world.api["person"]
    app = pay(api, fill(api, create(api, "S1", "issue"), "S1", "issue"))
    assert app["status"] == "draft" and [t["action_kind"] for t in app["open_tasks"]] == ["choose_certificate"]
    payment_calls = [c for c in calls if c[0].startswith("HttpPaymentGateway")]
    assert [name for name, _open in payment_calls] == ["HttpPaymentGateway.create", "HttpPaymentGateway.status"]
    assert all(open_ == 0 for _name, open_ in payment_calls), payment_calls
    history = api.get(f"/applications/{app['id']}/history")
    assert [e["data"]["status"] for e in history if e["kind"] == "payment_checked"] == ["paid"]


def test_the_registry_is_asked_outside_the_paper_applications_lock(world, calls):
    app = staff_until_registered(world.api["committee_officer"], "S1", "issue")
    assert app["status"] == "registered"
    registry_calls = [c for c in calls if c[0].startswith("HttpRegistry")]
    assert registry_calls and all(open_ == 0 for _name, open_ in registry_calls), registry_calls
