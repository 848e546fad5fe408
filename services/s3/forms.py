"""S3 request form: a spectrum assignment (radio service, bands, station and its place)."""
from __future__ import annotations

import itertools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from services.forms import DecimalField, ListField, RegionalForm
from spectrum import forms as station_fields


class BandForm(forms.Form):
    low_mhz = DecimalField(min_value=0.009, max_value=400000, decimal_places=6, label=_("lower edge, MHz"))
    high_mhz = DecimalField(min_value=0.009, max_value=400000, decimal_places=6, label=_("upper edge, MHz"))

    def clean(self):
        data = super().clean()
        if data.get("low_mhz") is not None and data.get("high_mhz") is not None and data["low_mhz"] >= data["high_mhz"]:
            raise ValidationError(_("The lower edge of a band must be below its upper edge."), code="band_order")
        return {k: str(v) for k, v in data.items()}


class SpectrumForm(RegionalForm):
    """One station at one place, on one or more bands: each band is an assignment (centre, bandwidth) in the
    spectrum registry once the permit is issued, and what the interference pre-check looks at."""

    spectrum_station = True  # spectrum.templatetags: the pre-check is shown for this form's requests
    RADIO_SERVICES = [
        ("fixed", _("fixed")), ("mobile", _("mobile")), ("broadcasting", _("broadcasting")),
        ("satellite", _("fixed-satellite")), ("radiolocation", _("radiolocation")),
    ]
    radio_service = forms.ChoiceField(choices=RADIO_SERVICES, label=_("radio service"))
    bands = ListField(BandForm, label=_("frequency bands"))
    station_address = forms.CharField(max_length=300, label=_("station location"))
    latitude = DecimalField(min_value=40, max_value=56, decimal_places=6, label=_("latitude"))
    longitude = DecimalField(min_value=46, max_value=88, decimal_places=6, label=_("longitude"))
    # The station's technical data, for the assignment and the interference pre-check (spectrum.precheck).
    eirp_dbw = station_fields.eirp_field()
    antenna_height_m = station_fields.antenna_height_field()
    polarisation = station_fields.polarisation_field()

    def clean(self):
        data = super().clean()
        bands = sorted(data.get("bands") or [], key=lambda b: float(b["low_mhz"]))
        for a, b in itertools.pairwise(bands):
            if float(b["low_mhz"]) < float(a["high_mhz"]):
                raise ValidationError(_("Frequency bands must not overlap."), code="band_overlap")
        for key in ("latitude", "longitude", "eirp_dbw", "antenna_height_m"):
            if data.get(key) is not None:
                data[key] = str(data[key])
        return data
