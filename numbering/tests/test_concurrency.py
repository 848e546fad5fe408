"""Two orders for overlapping ranges at the same moment, on PostgreSQL with two connections (threads): exactly one
is allocated, the other refused with the clear reason (range_taken), and the database holds one allocation."""
import threading

import pytest
from django.db import connection, connections

from numbering import actions
from numbering.models import Allocation
from numbering.tests.helpers import holders, small_plan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_database():
    if connection.vendor == "sqlite":
        pytest.skip("the SQLite test database lives in memory with a shared cache, where a concurrent writer gets "
                    "'table is locked' instead of waiting; these run on PostgreSQL (CI's second pass)")


def run_together(*targets):
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def wrap(i, target):
        try:
            barrier.wait()
            results[i] = ("ok", target())
        except Exception as exc:  # noqa: BLE001
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.parametrize("second", [("7172001000", "7172001999"), ("7172001900", "7172001999")])
def test_two_concurrent_orders_for_overlapping_ranges(second):
    small_plan()
    a, b = holders()
    results = run_together(
        lambda: actions.allocate(holder=a, resource_type="geographic", first="7172001000", last="7172001999",
                                 order_number="ORD-A").pk,
        lambda: actions.allocate(holder=b, resource_type="geographic", first=second[0], last=second[1],
                                 order_number="ORD-B").pk,
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    (error,) = [value for kind, value in results if kind == "error"]
    assert isinstance(error, actions.RangeTaken) and error.code == "range_taken", error
    (winner,) = Allocation.objects.filter(status="active")
    assert str(error.message).endswith(f"are allocated by order {winner.order_number}.")
    assert (winner.first, winner.last) == (("7172001000", "7172001999") if winner.order_number == "ORD-A" else second)


def test_many_concurrent_orders_for_one_block_allocate_it_once():
    small_plan()
    people = holders(4)

    def order(holder):
        return lambda: actions.allocate(holder=holder, resource_type="geographic", first="7172005000",
                                        last="7172005999", order_number=f"ORD-{holder.pk}").pk

    results = run_together(*[order(h) for h in people])
    assert [kind for kind, _ in results].count("ok") == 1, results
    assert all(isinstance(v, actions.RangeTaken) for kind, v in results if kind == "error")
    assert Allocation.objects.filter(status="active").count() == 1


def test_two_heads_signing_orders_for_one_block_at_once_through_the_requests(world):
    """The whole path: two S2 allocation requests for one block, both checked and decided (each was free then);
    the head signs both at the same moment — one order is issued, the other signature is refused (range_taken) and
    its request stays at the signing step, with nothing issued."""
    from django.core.management import call_command

    from applications import actions as requests
    from applications.models import Application
    from applications.tests.journeys import choose_as, decide, office_until_decision, sign
    from numbering.tests.test_s2_orders import ALLOCATE, _filled

    call_command("load_numbering_plan", demo=True, stdout=open("/dev/null", "w"))
    apps = []
    for who in ("company_head", "person"):
        app = sign(world, world.api[who], _filled(world, world.api[who], ALLOCATE))
        app = decide(world.api["executor"], office_until_decision(world, app))
        assert open_kinds_of(app) == ["sign_result"], app
        apps.append(app["id"])
    head = world.head
    choose_as(world, head)
    results = run_together(*[lambda i=i: requests.sign_result(i, head).status for i in apps])
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    (error,) = [value for kind, value in results if kind == "error"]
    assert isinstance(error, actions.RangeTaken), error
    (winner,) = Allocation.objects.filter(status="active")
    loser = next(a for a, (kind, _v) in zip(apps, results, strict=True) if kind == "error")
    assert Application.objects.get(pk=loser).status == "registered"
    assert not Application.objects.get(pk=loser).documents.exists()
    assert winner.record.application_id != loser


def open_kinds_of(app):
    return sorted(t["action_kind"] for t in app["open_tasks"])
