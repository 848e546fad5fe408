"""What the pages show of the inventory (reads only): the applicant's picker of free blocks, the officer's check of a
request against the inventory."""
from __future__ import annotations

from django.utils.translation import get_language

from numbering import actions
from numbering.models import Allocation, PlanPart, ResourceType


def part_name(part: PlanPart) -> str:
    language = (get_language() or "ru")[:2]
    return {"kk": part.name_kk, "ru": part.name_ru}.get(language, part.name_en) or part.name_en


def _int(value, default=None):
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def picker(data: dict, params) -> dict:
    """The free blocks the applicant may pick from: the allocatable parts (of the kind chosen in the form, when one
    is), the chosen part's block sizes and up to ``MAX_BLOCKS`` free blocks of the chosen size (``after``: the next
    page). ``pick`` = "first-last" (a block of the chosen part, free and of its sizes) fills the form's range."""
    kind = params.get("kind") or (data or {}).get("resource_kind") or ""
    parts = [p for p in PlanPart.objects.filter(allocatable=True) if p.sizes]
    shown = [p for p in parts if p.resource_type == kind] or parts
    part = next((p for p in parts if p.code == params.get("part")), None)
    sizes = part.sizes if part else []
    size = _int(params.get("size"))
    if part is not None and size not in sizes:
        size = sizes[-1]
    after = _int(params.get("after"))
    blocks = actions.free_blocks(part, size, after=after) if part is not None else []
    fill = {}
    pick = str(params.get("pick") or "")
    if part is not None and "-" in pick:
        first, _sep, last = pick.partition("-")
        try:
            span = actions.Span.of(first, last)
            if actions.check_allocation(part.resource_type, span).pk == part.pk:
                fill = {"resource_kind": part.resource_type, "range_start": span.first, "range_end": span.last}
        except actions.NumberingError:
            fill = {}
    kinds = dict(ResourceType.choices)
    return {"template": "numbering/_picker.html", "parts": [
        {"code": p.code, "name": part_name(p), "kind": kinds.get(p.resource_type, ""), "first": p.first, "last": p.last,
         "chosen": part is not None and p.code == part.code} for p in shown],
        "part": part, "part_name": part_name(part) if part else "", "sizes": sizes, "size": size,
        "blocks": blocks, "more": len(blocks) == actions.MAX_BLOCKS, "next_after": blocks[-1].high if blocks else None,
        "fill": fill, "picked": bool(fill)}


def request_check(sub_kind: str, form: dict, holder) -> dict:
    """The officer's view of a numbering request against the inventory: the range's plan part, whether it is free
    (or held by the applicant, for a withdrawal or an assignment), the conflicting allocations and the reason."""
    result = {"template": "numbering/_check.html", "ok": True, "reason": "", "part": "", "conflicts": [],
              "rows": []}
    try:
        if sub_kind in ("allocate", "withdraw"):
            kind = form.get("resource_kind", "")
            span = actions.Span.of(form.get("range_start", ""), form.get("range_end", ""))
            result["range"] = f"{span.first}–{span.last}"
            part = actions.part_for(kind, span)
            result["part"] = part_name(part) if part else ""
            if not actions.plan_covers(kind):
                result["ungoverned"] = True
                return result
            if sub_kind == "withdraw":
                actions.check_withdrawal(holder, kind, span.first, span.last, form.get("order_number", ""))
            else:
                result["conflicts"] = [{"first": a.first, "last": a.last, "order": a.order_number,
                                        "holder": a.holder.name} for a in actions.conflicts(kind, span)[:20]]
                actions.check_allocation(kind, span)
        elif sub_kind == "assign":
            numbers = [str(n.get("number", "")) for n in form.get("numbers") or []]
            governed = [n for n in numbers if actions.governs_number(n)]
            result["range"] = ", ".join(numbers)
            if governed:
                actions.check_assignment(holder, governed)
            else:
                result["ungoverned"] = True
    except actions.NumberingError as err:
        result.update(ok=False, reason=str(err.message))
    return result


def holder_allocations(holder):
    if holder is None:
        return Allocation.objects.none()
    return Allocation.objects.filter(holder=holder, status=Allocation.Status.ACTIVE).select_related("part")
