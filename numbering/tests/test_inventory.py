"""The inventory's rules, and random sequences of allocate / assign / withdraw (hypothesis, stateful): never two
overlapping allocations, and "free" is exactly the complement of what is allocated — on SQLite and PostgreSQL."""
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from numbering import actions
from numbering.models import Allocation, Assignment, PlanPart
from numbering.tests.helpers import holders, small_plan


def test_free_is_the_plan_part_minus_its_allocations(db):
    small_plan()
    a, b = holders()
    part = PlanPart.objects.get(code="geo")
    assert actions.free_intervals(part) == [(7172000000, 7172009999)]
    actions.allocate(holder=a, resource_type="geographic", first="7172001000", last="7172001999", order_number="ORD-1")
    actions.allocate(holder=b, resource_type="geographic", first="7172000100", last="7172000199", order_number="ORD-2")
    assert actions.free_intervals(part) == [(7172000000, 7172000099), (7172000200, 7172000999),
                                            (7172002000, 7172009999)]
    blocks = actions.free_blocks(part, 1000)
    assert [(s.first, s.last) for s in blocks] == [(f"717200{k}000", f"717200{k}999") for k in (2, 3, 4, 5, 6, 7, 8, 9)]
    assert [s.first for s in actions.free_blocks(part, 100, limit=3)] == ["7172000000", "7172000200", "7172000300"]
    assert actions.free_blocks(part, 500) == []  # not a block size of the part


def test_a_taken_range_is_refused_naming_the_order_that_holds_it(db):
    small_plan()
    a, b = holders()
    actions.allocate(holder=a, resource_type="geographic", first="7172001000", last="7172001999", order_number="ORD-2026-000001")
    with pytest.raises(actions.RangeTaken) as err:
        actions.allocate(holder=b, resource_type="geographic", first="7172001500", last="7172001599")
    assert err.value.code == "range_taken" and err.value.status == 409
    assert str(err.value.message) == ("The numbers 7172001500–7172001599 are not free: 7172001000–7172001999 are "
                                      "allocated by order ORD-2026-000001.")
    assert Allocation.objects.count() == 1


@pytest.mark.parametrize(("kind", "first", "last", "error"), [
    ("geographic", "7173000000", "7173000099", actions.NotInPlan),
    ("short_number", "102", "102", actions.NotAllocatable),  # an emergency number: never
    ("geographic", "7172000050", "7172000149", actions.BlockSizeNotAllowed),  # not aligned
    ("geographic", "7172000000", "7172000499", actions.BlockSizeNotAllowed),  # not a block size
    ("short_number", "1000", "01000", actions.NumberingError),  # lengths differ
    ("spc", "1", "1", actions.NotInPlan),  # the plan does not describe it
])
def test_what_cannot_be_allocated(db, kind, first, last, error):
    small_plan()
    (a,) = holders(1)
    with pytest.raises(error):
        actions.allocate(holder=a, resource_type=kind, first=first, last=last)
    assert not Allocation.objects.exists()


def test_assignment_lies_inside_the_holders_own_allocation_and_withdrawal_frees(db):
    small_plan()
    a, b = holders()
    actions.allocate(holder=a, resource_type="short_number", first="1010", last="1019", order_number="ORD-A")
    with pytest.raises(actions.NotHeld):
        actions.assign(holder=b, numbers=["1014"])  # someone else's allocation
    with pytest.raises(actions.NotHeld):
        actions.assign(holder=a, numbers=["1020"])  # outside it
    actions.assign(holder=a, numbers=["1014", "1018"], order_number="ORD-A2")
    with pytest.raises(actions.NumberTaken):
        actions.assign(holder=a, numbers=["1014"])
    kept = actions.withdraw(holder=a, resource_type="short_number", first="1010", last="1014", by_number="ORD-W")
    assert [(p.first, p.last) for p in kept] == [("1015", "1019")]
    assert Assignment.objects.get(number="1014").status == "withdrawn"
    moved = Assignment.objects.get(number="1018")
    assert moved.status == "active" and moved.allocation == kept[0]
    part = PlanPart.objects.get(code="short")
    assert actions.free_intervals(part) == [(1000, 1014), (1020, 1099)]
    with pytest.raises(actions.NotHeld):  # by another holder, or naming another order
        actions.withdraw(holder=b, resource_type="short_number", first="1015", last="1019")
    with pytest.raises(actions.NotHeld):
        actions.withdraw(holder=a, resource_type="short_number", first="1015", last="1019", order_number="ORD-B")


def test_the_plan_is_loaded_and_updated_from_csv_all_or_nothing(db):
    counts = actions.load_plan(open(actions.__file__.replace("actions.py", "data/demo-plan.csv"), encoding="utf-8").read())
    assert counts["added"] == PlanPart.objects.count() >= 14 and counts["updated"] == 0
    emergency = PlanPart.objects.get(code="short-emergency-10x")
    assert (emergency.first, emergency.last, emergency.allocatable, emergency.sizes) == ("101", "104", False, [])
    mnc = PlanPart.objects.get(code="mnc-401")
    assert (mnc.first, mnc.last, mnc.digits, mnc.sizes) == ("00", "99", 2, [1])
    bad = "code,resource_type,first,last,block_sizes,allocatable\nx,geographic,7172,71,1,yes\n"
    with pytest.raises(actions.PlanInvalid) as err:
        actions.load_plan(bad)
    assert "Line 2" in str(err.value.message)
    assert not PlanPart.objects.filter(code="x").exists()
    with pytest.raises(actions.PlanInvalid):
        actions.load_plan("code,first\nx,1\n")


def test_a_part_holding_allocations_keeps_its_span(db):
    small_plan()
    (a,) = holders(1)
    actions.allocate(holder=a, resource_type="geographic", first="7172009000", last="7172009999")
    shrunk = "code,resource_type,first,last,block_sizes,allocatable\ngeo,geographic,7172000000,7172004999,100,yes\n"
    with pytest.raises(actions.PlanInvalid):
        actions.load_plan(shrunk)
    assert PlanPart.objects.get(code="geo").last == "7172009999"


@pytest.mark.django_db(transaction=True)
def test_postgresql_itself_refuses_overlapping_active_allocations():
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's (SQLite: the lock and the check in the actions)")
    small_plan()
    a, b = holders()
    part = PlanPart.objects.get(code="geo")
    now = timezone.now()
    row = dict(part=part, resource_type="geographic", digits=10, allocated_at=now)
    Allocation.objects.create(holder=a, low=7172000000, high=7172000999, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(holder=b, low=7172000999, high=7172001999, **row)  # one number in common
    Allocation.objects.create(holder=b, low=7172000999, high=7172001999, status="withdrawn", **row)  # not active
    Allocation.objects.create(holder=b, low=7172001000, high=7172001999, **row)  # adjacent
    Allocation.objects.create(holder=b, low=7172000000, high=7172000999, resource_type="freephone", part=part,
                              digits=10, allocated_at=now)  # another kind of resource


# -- random sequences --------------------------------------------------------------------------------------------
PARTS = {"geo": ("geographic", 10, 7172000000, 7172009999, (100, 1000)),
         "short": ("short_number", 4, 1000, 1099, (1, 10))}


class Inventory(RuleBasedStateMachine):
    """The model: per part, the active allocations as (holder, low, high); the assigned numbers."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        small_plan()
        self.holders = holders(2)
        self.active = {code: [] for code in PARTS}
        self.assigned = set()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _held(self, code, holder, low, high):
        return next(((h, a, b) for h, a, b in self.active[code] if h == holder and a <= low and high <= b), None)

    @rule(code=st.sampled_from(sorted(PARTS)), who=st.integers(0, 1), size_index=st.integers(0, 1),
          slot=st.integers(-1, 11), shift=st.sampled_from([0, 0, 0, 1]))
    def allocate(self, code, who, size_index, slot, shift):
        kind, digits, part_low, part_high, sizes = PARTS[code]
        size = sizes[size_index]
        low = part_low + slot * size + shift
        high = low + size - 1
        first, last = str(low).zfill(digits), str(high).zfill(digits)
        inside = part_low <= low and high <= part_high
        aligned = low % size == 0
        overlaps = any(a <= high and low <= b for _h, a, b in self.active[code])
        try:
            actions.allocate(holder=self.holders[who], resource_type=kind, first=first, last=last,
                             order_number=f"ORD-{code}-{low}")
        except actions.NotInPlan:
            assert not inside
        except actions.BlockSizeNotAllowed:
            assert inside and not aligned
        except actions.RangeTaken:
            assert inside and aligned and overlaps
        else:
            assert inside and aligned and not overlaps
            self.active[code].append((who, low, high))

    @precondition(lambda self: any(self.active.values()))
    @rule(data=st.data(), who=st.integers(0, 1))
    def assign(self, data, who):
        code = data.draw(st.sampled_from([c for c in sorted(PARTS) if self.active[c]]))
        _kind, digits, _lo, _hi, _sizes = PARTS[code]
        _h, low, high = data.draw(st.sampled_from(self.active[code]))
        value = data.draw(st.integers(low - 1, high + 1))
        number = str(value).zfill(digits)
        held = self._held(code, who, value, value)
        try:
            actions.assign(holder=self.holders[who], numbers=[number])
        except actions.NotHeld:
            assert held is None
        except actions.NumberTaken:
            assert held is not None and (digits, value) in self.assigned
        else:
            assert held is not None and (digits, value) not in self.assigned
            self.assigned.add((digits, value))

    @precondition(lambda self: any(self.active.values()))
    @rule(data=st.data(), who=st.integers(0, 1))
    def withdraw(self, data, who):
        code = data.draw(st.sampled_from([c for c in sorted(PARTS) if self.active[c]]))
        kind, digits, _lo, _hi, _sizes = PARTS[code]
        _h, a, b = data.draw(st.sampled_from(self.active[code]))
        low = data.draw(st.integers(a, b))
        high = data.draw(st.integers(low, min(b + 2, low + 200)))
        held = self._held(code, who, low, high)
        try:
            actions.withdraw(holder=self.holders[who], resource_type=kind, first=str(low).zfill(digits),
                             last=str(high).zfill(digits), by_number="ORD-W")
        except (actions.NotHeld, actions.NotInPlan):
            assert held is None
        else:
            assert held is not None
            self.active[code].remove(held)
            h, x, y = held
            self.active[code] += [(h, p, q) for p, q in ((x, low - 1), (high + 1, y)) if p <= q]
            self.assigned -= {(digits, v) for v in range(low, high + 1)}

    @invariant()
    def the_database_holds_what_the_model_holds_and_nothing_overlaps(self):
        for code, (kind, digits, part_low, part_high, _sizes) in PARTS.items():
            rows = sorted(Allocation.objects.filter(status="active", resource_type=kind, digits=digits)
                          .values_list("holder_id", "low", "high"), key=lambda r: r[1])
            assert rows == sorted(((self.holders[h].pk, a, b) for h, a, b in self.active[code]), key=lambda r: r[1])
            for (_h1, _a1, b1), (_h2, a2, _b2) in zip(rows, rows[1:], strict=False):
                assert b1 < a2, rows
            free = actions.free_intervals(PlanPart.objects.get(code=code))
            # free and allocated are disjoint and together exactly the part
            pieces = sorted([(a, b, "free") for a, b in free] + [(a, b, "taken") for _h, a, b in rows])
            cursor = part_low
            for a, b, _what in pieces:
                assert a == cursor, (pieces, cursor)
                cursor = b + 1
            assert cursor == part_high + 1
            for (_a1, b1), (a2, _b2) in zip(free, free[1:], strict=False):  # maximal: two free intervals never touch
                assert b1 + 1 < a2
        assigned = set(Assignment.objects.filter(status="active").values_list("digits", "value"))
        assert assigned == self.assigned


def test_random_sequences_keep_the_inventory_consistent(db):
    run_state_machine_as_test(Inventory, settings=settings(
        max_examples=30, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))


def test_the_operator_files_the_utilisation_report_on_the_portal_page(world):
    from django.test import Client

    small_plan()
    from registry.models import Holder

    holder = Holder.objects.create(bin=world.company_head.bin, name="Dala")
    allocation = actions.allocate(holder=holder, resource_type="short_number", first="1010", last="1019",
                                  order_number="ORD-1")
    client = Client()
    client.force_login(world.company_head)
    page = client.get("/numbering/utilisation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1010–1019" in page and f'name="assigned-{allocation.pk}"' in page
    bad = client.post("/numbering/utilisation/", {f"assigned-{allocation.pk}": "3", f"in_service-{allocation.pk}": "5"},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200 and "numbers in service ≤ numbers assigned" in bad.content.decode()
    ok = client.post("/numbering/utilisation/", {f"assigned-{allocation.pk}": "7", f"in_service-{allocation.pk}": "5"})
    assert ok.status_code == 302
    (line,) = allocation.utilisation.all()
    assert (line.assigned, line.in_service) == (7, 5)
    again = client.post("/numbering/utilisation/", {f"assigned-{allocation.pk}": "7", f"in_service-{allocation.pk}": "5"},
                        HTTP_ACCEPT_LANGUAGE="en")
    assert "has been filed already" in again.content.decode()


def test_the_administrator_uploads_the_plan_in_the_admin(db, admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from numbering.tests.helpers import SMALL_PLAN

    page = admin_client.get("/admin/numbering/planpart/upload/")
    assert page.status_code == 200
    response = admin_client.post("/admin/numbering/planpart/upload/",
                                 {"file": SimpleUploadedFile("plan.csv", SMALL_PLAN.encode(), "text/csv")})
    assert response.status_code == 302
    assert sorted(PlanPart.objects.values_list("code", flat=True)) == ["emergency", "geo", "short"]
    bad = admin_client.post("/admin/numbering/planpart/upload/",
                            {"file": SimpleUploadedFile("plan.csv", b"code,resource_type,first,last,block_sizes,"
                                                        b"allocatable\ny,nowhere,1,2,1,yes\n", "text/csv")}, follow=True)
    assert "Line 2 of the plan" in bad.content.decode() and not PlanPart.objects.filter(code="y").exists()
