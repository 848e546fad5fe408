"""The 2015 office chain's choices and drafts (S2, 2015 regulation, item 8: steps 3–6), read by the actions
(applications.actions: assign_unit, assign_executor, decide, sign_result) and by the back office's step forms.

- step 3: the head picks the structural unit: a unit of the provider (``services.ProviderUnit``) with an active
  head of unit (role ``unit_head``); the choice is recorded with the step (``unit_id``).
- step 4: the unit head picks the responsible executor among that unit's active staff with the executor role.
- step 5: the executor drafts the order's content (the sub-kind's form: range, numbers, purpose), prefilled from
  the request and validated as the request's form is; recorded with the step (``order_draft``).
- step 6: the head sees the draft order (``draft_preview``) and signs it; the form sends the draft's digest so
  that what is signed is what was seen; the order is issued from the draft (a new revision of the request).
Requests that reached a step before this shape simply have no ``unit_id`` / ``order_draft``: their unit is the
request's provider and their order is the request's form, as before.
"""
from __future__ import annotations

import hashlib
import json

from accounts.models import User
from services import registry
from services.models import ProviderUnit
from workflow.models import Event


def units(app):
    """The structural units the head may assign the application to."""
    heads = User.objects.filter(is_active=True, kind=User.Kind.OFFICER, groups__name="unit_head",
                                provider_unit_id=app.provider_unit_id)
    return ProviderUnit.objects.filter(pk__in=heads.values("provider_unit_id")).order_by("code")


def _step_data(app, bpmn_id: str) -> dict:
    event = (Event.objects.filter(application=app, kind="step_done", bpmn_id=bpmn_id).order_by("-at", "-id").first())
    return dict(event.data or {}) if event is not None else {}


def chosen_unit_id(app) -> int | None:
    return _step_data(app, "assign_unit").get("unit_id") or app.provider_unit_id


def executors(app):
    """The executors the unit head may pick: the chosen unit's active staff with the executor role."""
    return (User.objects.filter(provider_unit_id=chosen_unit_id(app), groups__name="executor", is_active=True,
                                kind=User.Kind.OFFICER).order_by("last_name", "username").distinct())


def drafts_order(app, task) -> bool:
    """The office chain (the service's ``drafted_in_office`` channels: S2's staff and PSC, 2015): the responsible
    executor's review (``decide`` in the executor's lane) drafts the result that the head then signs."""
    service = registry.find(app.service)
    return service is not None and app.channel in service.drafted_in_office and task.lane == "executor"


def order_draft(app) -> dict | None:
    """The order's content as the executor drafted it (step 5), or None (an older request, or a refusal)."""
    draft = _step_data(app, "decide").get("order_draft")
    return dict(draft) if isinstance(draft, dict) else None


def digest(draft: dict | None) -> str:
    return hashlib.sha256(json.dumps(draft or {}, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
