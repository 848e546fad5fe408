"""Which provider unit handles a request (spec §1-2): the Committee for S1 and
S2; the Inspection of the region where the radio-frequency resource is used
for S3 and S4."""
from services.models import ProviderUnit

COMMITTEE_SERVICES = {"S1", "S2"}


def provider_unit_for(service: str, region=None) -> ProviderUnit | None:
    if service in COMMITTEE_SERVICES:
        return ProviderUnit.objects.filter(kind=ProviderUnit.Kind.COMMITTEE).first()
    if region is None:
        return None
    return ProviderUnit.objects.filter(kind=ProviderUnit.Kind.INSPECTION, region=region).first()
