"""The outside systems' background work: the periodic refresh of the trust store's CRLs from the CAs'
distribution points (settings.ELICENSE_PERIODIC_TASKS, docs/signatures.md)."""
from __future__ import annotations

from django_tasks import task

from integrations import actions


@task()
def refresh_crls() -> dict:
    """Periodic: fetch every CRL of the trust store from its distribution point and keep the newer ones
    (integrations.actions.refresh_crls); the counts. Idempotent: a CRL no newer than the one held is left."""
    report = actions.refresh_crls()
    return {"urls": len(report.urls), "updated": len(report.updated), "unchanged": len(report.unchanged),
            "failed": len(report.failed)}
