"""S4's permit in the device registry: its devices, a transmitting one linked to the assignment covering it
(services.registry.result_recorded, called when the permit's registry record is created)."""
from spectrum import actions as spectrum


def recorded(record, form: dict, document) -> None:
    if document.kind == "permit":
        spectrum.record_devices(record, form, transmitting=record.scope.get("sub_kind") == "device")
