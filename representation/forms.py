"""The form that records a power of attorney (the portal's, for the principal; the back office's, with the
principal's identifiers, for staff). The rules are the action's (representation.actions.grant); the form only
reads the fields and names each one as the person sees it."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services import registry


def _service_choices():
    return [(s.code, f"{s.code} — {s.title}") for s in registry.all_services()]


def _sub_kind_choices():
    return [(f"{s.code}:{code}", f"{s.code} — {label}") for s in registry.all_services()
            for code, label in s.sub_kind_labels().items()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class PowerOfAttorneyForm(forms.Form):
    representative_iin = forms.CharField(label=_("Representative's IIN"), max_length=20)
    representative_name = forms.CharField(label=_("Representative's full name"), max_length=300)
    services = forms.MultipleChoiceField(label=_("Services it covers"), choices=_service_choices,
                                         widget=forms.CheckboxSelectMultiple)
    sub_kinds = forms.MultipleChoiceField(
        label=_("Only these kinds of request (none ticked: every kind of the services above)"),
        choices=_sub_kind_choices, widget=forms.CheckboxSelectMultiple, required=False)
    valid_from = forms.DateField(label=_("Valid from"), input_formats=DATE_FORMATS, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), input_formats=DATE_FORMATS, widget=DateInput())
    document_number = forms.CharField(label=_("Document number"), max_length=60)
    document_date = forms.DateField(label=_("Document date"), input_formats=DATE_FORMATS, widget=DateInput())
    scan = forms.FileField(label=_("Scan of the document (PDF)"))

    def scope(self) -> dict:
        """{service: [sub-kinds]} from the ticked services and kinds (a kind ticks its service too)."""
        services = list(self.cleaned_data.get("services") or [])
        scope = {code: [] for code in services}
        for value in self.cleaned_data.get("sub_kinds") or []:
            code, _sep, kind = value.partition(":")
            scope.setdefault(code, []).append(kind)
        return scope

    def grant_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"representative_iin": data["representative_iin"], "representative_name": data["representative_name"],
                "scope": self.scope(), "valid_from": data["valid_from"], "valid_to": data["valid_to"],
                "document_number": data["document_number"], "document_date": data["document_date"],
                "scan": data["scan"]}


class StaffPowerOfAttorneyForm(PowerOfAttorneyForm):
    """Staff record one from a paper request: the principal is given (a person's IIN or a company's BIN)."""

    principal_iin = forms.CharField(label=_("Principal's IIN (a person)"), max_length=20, required=False)
    principal_bin = forms.CharField(label=_("Principal's BIN (a legal entity)"), max_length=20, required=False)
    principal_name = forms.CharField(label=_("Principal's name"), max_length=300)

    field_order = ["principal_iin", "principal_bin", "principal_name"]

    def grant_kwargs(self) -> dict:
        data = self.cleaned_data
        return {**super().grant_kwargs(), "principal_iin": data["principal_iin"],
                "principal_bin": data["principal_bin"], "principal_name": data["principal_name"]}
