"""What the audit log answers to the applicant: who in the provider opened their request ("who looked at my
file"), with the officer's name, role and when — no internal ids."""
from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from audit import chain
from audit.models import AuditEntry

# The same names the back office gives the roles and kinds of staff (msgids shared with it).
ROLE_LABELS = {
    "provider": _("provider's officer"), "office_clerk": _("office clerk"), "head": _("head of the provider"),
    "unit_head": _("head of the structural unit"), "executor": _("responsible executor"), "psc": _("PSC operator"),
}
KIND_LABELS = {"officer": _("Provider officer"), "psc_operator": _("PSC operator"),
               "administrator": _("Administrator")}


def role_label(kind: str, roles: str) -> str:
    names = [str(ROLE_LABELS[r]) for r in roles.split(",") if r in ROLE_LABELS]
    return ", ".join(names) or str(KIND_LABELS.get(kind, kind))


def views_of(subject) -> list[dict]:
    """Who opened ``subject`` (a request) with its personal data, oldest first: {at, name, role}."""
    entries = AuditEntry.objects.filter(kind=AuditEntry.Kind.PERSONAL_DATA_VIEW, subject_type=chain.label_of(
        type(subject)), subject_id=str(subject.pk)).order_by("at", "id")
    return [{"at": e.at, "name": e.actor_name or e.actor_username, "role": role_label(e.actor_kind, e.actor_roles)}
            for e in entries]


VISIT_GAP = datetime.timedelta(hours=1)


def visits(views: list[dict], gap: datetime.timedelta = VISIT_GAP) -> list[dict]:
    """The openings as visits, for a person to read: one person's consecutive openings (in the same role) less
    than ``gap`` apart are one visit {at, until, name, role, count}; the audit log keeps each."""
    out: list[dict] = []
    for view in views:
        last = out[-1] if out else None
        if last and (last["name"], last["role"]) == (view["name"], view["role"]) and view["at"] - last["until"] < gap:
            last["until"], last["count"] = view["at"], last["count"] + 1
        else:
            out.append({**view, "until": view["at"], "count": 1})
    return out
