"""What the pages read of a request's hearing and refusal (no state change here)."""
from __future__ import annotations

from hearings import grounds
from hearings.models import Hearing
from workflow import definitions


def has_hearing(app) -> bool:
    """The request's definition gives a hearing before a refusal on the substance (the 2026 versions)."""
    definition = definitions.definition_by_process_id(app.definition.process_id, app.definition.sha256)
    return any(node.action_kind == "answer_hearing" for node in definition.nodes.values())


def latest(app) -> Hearing | None:
    return Hearing.objects.filter(application=app).order_by("-notified_at", "-id").first()


def refusal_of(app) -> dict | None:
    """A refused request's ground (basis and text) and appeal route, and the hearing that preceded it."""
    if not app.refusal_reason:
        return None
    return {"ground": grounds.ground(app.service, app.refusal_reason), "appeal": grounds.appeal(app.service),
            "hearing": latest(app)}


def intended(app) -> dict | None:
    """An open hearing: the intended ground, the reasons and the term."""
    hearing = latest(app)
    if hearing is None or not hearing.open:
        return None
    return {"hearing": hearing, "ground": grounds.ground(app.service, hearing.ground),
            "appeal": grounds.appeal(app.service)}
