"""S3's permit in the spectrum registry: each band of the request becomes an assignment at its station
(services.registry.result_recorded, called when the permit's registry record is created)."""
from spectrum import actions as spectrum


def recorded(record, form: dict, document) -> None:
    if document.kind == "permit" and form.get("latitude") and form.get("longitude"):
        spectrum.record_assignments(record, form)
