"""What a service's request form takes from the spectrum registry: the station's technical fields (S3) — numbers
through services.forms.DecimalField, so the decimal comma ("17,5") is accepted — and the filters of the public
assignment list."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from services.forms import DecimalField
from spectrum.models import Polarisation, RadioService


def eirp_field():
    return DecimalField(min_value=-60, max_value=90, decimal_places=2, label=_("EIRP, dBW"),
                        help_text=_("effective isotropic radiated power in dBW (0 dBW = 1 W = 30 dBm)"))


def antenna_height_field():
    return DecimalField(min_value=0, max_value=1000, decimal_places=1, label=_("antenna height above ground, m"))


def polarisation_field():
    return forms.ChoiceField(choices=Polarisation.choices, label=_("polarisation"))


class AssignmentFilter(forms.Form):
    """The public list's filters (all optional): frequency range, radio service, area, holder."""

    low_mhz = DecimalField(required=False, min_value=0, max_value=400000, decimal_places=6, label=_("from, MHz"))
    high_mhz = DecimalField(required=False, min_value=0, max_value=400000, decimal_places=6, label=_("to, MHz"))
    radio_service = forms.ChoiceField(required=False, choices=[("", "—"), *RadioService.choices],
                                      label=_("radio service"))
    area = forms.CharField(required=False, max_length=100, label=_("area"))
    holder = forms.CharField(required=False, max_length=100, label=_("holder"))


class DeviceFilter(forms.Form):
    """The public device list's filters (all optional)."""

    low_mhz = DecimalField(required=False, min_value=0, max_value=400000, decimal_places=6, label=_("from, MHz"))
    high_mhz = DecimalField(required=False, min_value=0, max_value=400000, decimal_places=6, label=_("to, MHz"))
    device = forms.CharField(required=False, max_length=100, label=_("device type or model"))
    holder = forms.CharField(required=False, max_length=100, label=_("holder"))
