"""Translated names the pages show for the codes the processes use (steps, lanes, events, reasons).

The process definitions name steps and lanes in English (they are the regulation's text, for the
step tables); the pages show these instead."""
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

STEPS = {
    "fill": _("Fill in the request and attach the documents"),
    "pay": _("Pay the fee"),
    "choose_certificate": _("Choose the EDS certificate"),
    "sign": _("Sign the request with the EDS"),
    "decide": _("Qualification check and decision"),
    "enter_application": _("Enter the application"),
    "attach_scans": _("Attach the scans of the documents"),
    "psc_intake": _("Accept the documents at the PSC"),
    "register_incoming": _("Register the incoming application"),
    "put_on_portal": _("Put the application on the portal"),
    "assign_unit": _("Assign the structural unit"),
    "assign_executor": _("Assign the responsible executor"),
    "sign_result": _("Sign the result"),
    "answer_hearing": _("State your position on the intended refusal"),
}

LANES = {
    "applicant": _("you (the applicant)"),
    "payment_gateway": _("the e-government payment gateway"),
    "portal": _("the e-government portal"),
    "elicensing": _("E-licensing"),
    "registries": _("the state registries"),
    "psc": _("the public service centre"),
    "office_clerk": _("the provider's office"),
    "head": _("the head of the provider"),
    "unit_head": _("the head of the structural unit"),
    "executor": _("the responsible executor"),
}

EVENTS = {
    "process_started": _("Request opened"),
    "registry_prefill": _("Applicant data taken from the state registry"),
    "authorisation_checked": _("Authorisation checked"),
    "payment_started": _("Payment started at the payment gateway"),
    "payment_reported": _("Payment fact received"),
    "payment_checked": _("Payment checked"),
    "payment_confirmed": _("Fee paid at a bank, confirmed with the payment gateway"),
    "certificate_checked": _("EDS certificate checked"),
    "signature_verified": _("Signature verified"),
    "signing_attempt_failed": _("Signing not possible now (revocation data unavailable)"),
    "registered": _("Request registered"),
    "refused": _("Request refused"),
    "result_issued": _("Result issued"),
    "receipt_issued": _("Receipt issued"),
    "forwarded_to_provider": _("Forwarded to the provider"),
    "registry_looked_up": _("Applicant looked up in the state registry"),
    "waiting": _("Waiting for an outside system"),
    "resumed": _("Processing resumed"),
    "step_overdue": _("Step overdue"),
    "payment_reminder": _("Reminder: the fee is due soon"),
    "result_collected": _("Result handed over at the public service centre"),
    "withdrawn": _("Request withdrawn by the applicant"),
    "hearing_notified": _("Notice of an intended refusal: you may state your position"),
    "hearing_decided": _("Decision taken after the hearing"),
    "prefilled_from_request": _("Filled in from an earlier request"),
}

RESULT_KINDS = {
    "licence": _("licence"),
    "permit": _("permit"),
    "order": _("order"),
    "refusal": _("reasoned refusal"),
    "receipt": _("receipt"),
    "refusal_receipt": _("refusal receipt"),
    "hearing_notice": _("notice of an intended refusal"),
}

CHANNELS = {
    "portal": pgettext_lazy("channel", "portal"),
    "staff": pgettext_lazy("channel", "provider's staff"),
    "psc": pgettext_lazy("channel", "public service centre"),
}

PAYMENT_STATUS = {
    "created": _("awaiting payment"),
    "paid": _("paid"),
    "declined": _("declined"),
    "cancelled": _("cancelled"),
}

UNIT_FORMS = {
    "second": lambda n: ngettext("%(n)s second", "%(n)s seconds", n),
    "minute": lambda n: ngettext("%(n)s minute", "%(n)s minutes", n),
    "hour": lambda n: ngettext("%(n)s hour", "%(n)s hours", n),
    "calendar_day": lambda n: ngettext("%(n)s calendar day", "%(n)s calendar days", n),
    "working_day": lambda n: ngettext("%(n)s working day", "%(n)s working days", n),
}


def norm_text(text: str) -> str:
    """A norm as written in a definition ("15 calendar days", "10–15 s") in the page's language."""
    from core.norms import parse_norm

    try:
        norm = parse_norm(text)
    except ValueError:
        return text
    if norm is None:
        return "—"

    def number(value):
        return format(value.normalize(), "f")
    high = int(norm.high) if norm.high == norm.high.to_integral_value() else 2
    phrase = UNIT_FORMS[norm.unit](high) % {"n": number(norm.high)}
    if norm.low is not None and norm.low != norm.high:
        return f"{number(norm.low)}–{phrase}"
    if norm.low is None:
        return f"≤ {phrase}"
    return phrase


def localized(obj, field: str) -> str:
    """name_kk / name_ru / name_en of a reference-data row, in the page's language."""
    lang = (get_language() or "kk")[:2]
    return getattr(obj, f"{field}_{lang}", None) or getattr(obj, f"{field}_en")
