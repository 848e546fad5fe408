"""S6 request form: a club radio station, its call sign and its place."""
from django import forms

from services.forms import RequestForm


class ClubStationForm(RequestForm):
    call_sign = forms.RegexField(regex=r"^UN\d[A-Z]{2,3}$", max_length=8, label="call sign")
    place = forms.CharField(max_length=300, label="place of the station")
