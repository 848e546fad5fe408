"""S1's own rules (services.registry.check_request): a re-issue or a duplicate names a licence the registry holds,
of this applicant, and valid — checked when the request is taken (finishing the form on the portal, entering a
paper request), so that a request for a licence that does not exist never goes on to payment, and again when the
officer decides. The registry is the licence register: a licence it does not hold cannot be re-issued here."""
from django.utils.translation import gettext as _

from registry.models import Record


def _identified(app) -> bool:
    return bool(app.applicant_iin or app.applicant_bin)


def check(app, form: dict) -> list[str]:
    if app.sub_kind not in ("reissue", "duplicate"):
        return []
    number = str(form.get("licence_number") or "").strip().upper()
    if not number:
        return []  # the form's own check: the field is required
    record = (Record.objects.select_related("holder").filter(number=number, service="S1").first())
    if record is None:
        return [_("No licence %(number)s is in the register of licences: check the number on the licence.")
                % {"number": number}]
    holder = record.holder
    if _identified(app) and (holder.bin, "" if holder.bin else holder.iin) != (
            app.applicant_bin, "" if app.applicant_bin else app.applicant_iin):
        return [_("Licence %(number)s is not held by the applicant.") % {"number": number}]
    if record.status != Record.Status.VALID:
        if app.sub_kind == "reissue":
            return [_("Licence %(number)s is %(status)s: only a valid licence is re-issued.")
                    % {"number": number, "status": record.get_status_display()}]
        return [_("Licence %(number)s is %(status)s: a duplicate is issued only for a valid licence.")
                % {"number": number, "status": record.get_status_display()}]
    return []
