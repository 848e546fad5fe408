"""The numbering inventory's periodic work (settings.ELICENSE_PERIODIC_TASKS): flag the blocks not in service past
the administrator's period (numbering.actions.flag_unused; idempotent — a block is flagged once while its flag is
open). Drafting the withdrawal stays an officer's act."""
from __future__ import annotations

from django_tasks import task


@task()
def flag_unused_blocks() -> int:
    from numbering.actions import flag_unused

    return len(flag_unused())
