"""S4's own rule (services.registry.check_request): a radio-electronic device that transmits (it names its
frequencies) must be covered by a valid spectrum assignment of the applicant; a high-frequency device (industrial,
ISM) needs none."""
from spectrum import actions as spectrum

TRANSMITTING_SUB_KINDS = {"device"}


def check(app, form: dict) -> list[str]:
    if app.sub_kind not in TRANSMITTING_SUB_KINDS:
        return []
    return spectrum.uncovered_devices(app, form)
