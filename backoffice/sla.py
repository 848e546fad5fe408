"""SLA indicators: a step against its norm (WorkTask.due_at), a request against its overall deadline
(Application.deadline_at). Each indicator is a state, a text and an icon (never colour alone)."""
from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# "Nearing": less than this share of the allowed time is left (or less than an hour for short norms).
NEARING_SHARE = 0.25
NEARING_MIN = datetime.timedelta(hours=1)

STATES = {
    "on_time": (_("on time"), "✓"),
    "nearing": (_("nearing the deadline"), "⏳"),
    "overdue": (_("overdue"), "!"),
    "kept": (_("done within the norm"), "✓"),
    "missed": (_("done late"), "!"),
    "none": (_("no norm"), "–"),
}


def indicator(state: str, due=None) -> dict:
    label, icon = STATES[state]
    return {"state": state, "label": label, "icon": icon, "due": due}


def judge(start, due, now=None, finished=None) -> dict:
    if due is None:
        return indicator("none")
    if finished is not None:
        return indicator("kept" if finished <= due else "missed", due)
    now = now or timezone.now()
    if now > due:
        return indicator("overdue", due)
    left = due - now
    span = (due - start) if start else None
    if left <= NEARING_MIN or (span and left <= span * NEARING_SHARE):
        return indicator("nearing", due)
    return indicator("on_time", due)


def for_task(task, now=None) -> dict:
    if task.state != task.State.OPEN:
        if task.within_norm is None:
            return indicator("none")
        return indicator("kept" if task.within_norm else "missed", task.due_at)
    return judge(task.created_at, task.due_at, now)


def for_application(app, now=None) -> dict:
    return judge(app.registered_at, app.deadline_at, now, finished=app.finished_at)
