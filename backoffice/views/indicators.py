"""The quality and accessibility indicators (applications.indicators) as a page with a chart, and as CSV."""
from __future__ import annotations

import csv
import datetime

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.indicators import Filters, figures
from backoffice.views.access import staff_required
from portal.labels import CHANNELS, localized
from services import registry
from services.labels import bpmn_labels
from services.models import ProviderUnit


class IndicatorFilters(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("Received from"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Received to"), widget=forms.DateInput(attrs={"type": "date"}))
    service = forms.ChoiceField(label=gettext_lazy("Service"), required=False, choices=lambda: [
        ("", gettext_lazy("all"))] + [(s.code, f"{s.code} — {s.title}") for s in registry.all_services()])
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False, choices=lambda: [
        ("", gettext_lazy("all"))] + list(CHANNELS.items()))
    unit = forms.ModelChoiceField(label=gettext_lazy("Provider unit"), required=False, empty_label=gettext_lazy("all"),
                                  queryset=ProviderUnit.objects.order_by("kind", "code"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label_from_instance = lambda unit: localized(unit, "name")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


def _percent(share) -> str:
    return "—" if share is None else f"{number_format(round(share * 100))} %"


def _days(value) -> str:
    return "—" if value is None else number_format(round(value, 1), decimal_pos=1)


def duration_text(seconds) -> str:
    """A duration as a person reads it: "45 s", "12 min", "3 h 20 min", "4,5 days" (in the page's language)."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return _("%(n)s s") % {"n": number_format(round(seconds, 1), decimal_pos=1 if seconds < 10 else 0)}
    if seconds < 3600:
        return _("%(n)s min") % {"n": number_format(round(seconds / 60))}
    if seconds < 86400:
        hours, minutes = divmod(round(seconds / 60), 60)
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(n)s days") % {"n": number_format(round(seconds / 86400, 1), decimal_pos=1)}


def chart_svg(rows) -> str:
    """Grouped horizontal bars per service: results in time, quality, accessibility (0–100 %), as inline SVG.
    Each service is named by its code (its full title is the bar group's tooltip and in the table below); the
    legend has a line per series, so that no translation runs into the next."""
    series = [(_("results in time"), "in_time_share", "#0b6e3d"), (_("quality"), "quality", "#0b3d6e"),
              (_("accessibility"), "accessibility", "#8a5a00")]
    label_w, bar_w, bar_h, gap, legend_h = 44, 420, 16, 12, 18
    top = len(series) * legend_h + 10
    height = top + len(rows) * (len(series) * bar_h + gap) + 10
    title = escape(_("Results in time, quality and accessibility by service"))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" '
             f'viewBox="0 0 {label_w + bar_w + 60} {height}" class="indicators-chart">',  # width: office.css
             f'<title id="chart-title">{title}</title>']
    for i, (name, _attr, colour) in enumerate(series):  # legend
        parts.append(f'<rect x="{label_w}" y="{4 + i * legend_h}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{label_w + 18}" y="{15 + i * legend_h}" font-size="13">{escape(name)}</text>')
    y = top
    for row in rows:
        parts.append(f'<g><title>{escape(row["label"])}</title>'
                     f'<text x="{label_w - 8}" y="{y + bar_h * 1.5 + 5}" font-size="13" font-weight="bold" '
                     f'text-anchor="end">{escape(row["f"].service)}</text>')
        for _name, attr, colour in series:
            share = row[attr]
            width = 0 if share is None else round(share * bar_w, 1)
            parts.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="{bar_h - 3}" fill="#eef1f4"/>'
                         f'<rect x="{label_w}" y="{y}" width="{width}" height="{bar_h - 3}" fill="{colour}">'
                         f'<title>{escape(_percent(share))}</title></rect>'
                         f'<text x="{label_w + bar_w + 6}" y="{y + bar_h - 4}" font-size="12">{escape(_percent(share))}'
                         f'</text>')
            y += bar_h
        parts.append("</g>")
        y += gap
    parts.append("</svg>")
    return "".join(parts)


def _service_label(code: str) -> str:
    found = registry.find(code)
    return f"{code} — {found.title}" if found else code


@staff_required
def indicators(request):
    today = timezone.localdate()
    initial = {"date_from": today.replace(day=1) - datetime.timedelta(days=90), "date_to": today}
    form = IndicatorFilters(request.GET or None, initial=initial)
    data = form.cleaned_data if form.is_bound and form.is_valid() else initial
    filters = Filters(date_from=data["date_from"], date_to=data["date_to"], service=data.get("service") or "",
                      channel=data.get("channel") or "", unit_id=data["unit"].pk if data.get("unit") else None)
    result = figures(filters)
    labels = bpmn_labels()
    rows = [{"label": _service_label(s.service), "f": s, "in_time_share": s.in_time_share,
             "quality": s.quality.share, "accessibility": s.accessibility.share} for s in result.services]
    steps = [{"service": s.service, "step": s.step, "name": labels.get(s.name, s.name), "norm": s.norm, "f": s,
              "kept": _percent(s.kept_share), "median": duration_text(s.median_seconds)} for s in result.steps]
    if request.GET.get("format") == "csv":
        return _csv(result, rows, steps)
    total = result.total
    return render(request, "backoffice/indicators.html", {
        "form": form, "rows": [{**r, "in_time": _percent(r["in_time_share"]), "q": _percent(r["quality"]),
                                "a": _percent(r["accessibility"]), "days": _days(r["f"].median_days)} for r in rows],
        "total": {"f": total, "in_time": _percent(total.in_time_share), "q": _percent(total.quality.share),
                  "a": _percent(total.accessibility.share), "days": _days(total.median_days)},
        "steps": steps, "chart": mark_safe(chart_svg(rows)) if rows else "",  # noqa: S308 - built from escaped text
        "csv_query": request.GET.urlencode(), "section": "indicators", "filters": filters,
    })


def _csv(result, rows, steps) -> HttpResponse:
    f = result.filters
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicators-{f.date_from}-{f.date_to}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 (Kazakh and Russian letters) only with the BOM
    out = csv.writer(response)
    out.writerow([_("Service"), _("Received"), _("Finished"), _("In time"), _("Refused"), _("Median days"),
                  _("Quality: satisfied"), _("Quality: partly"), _("Quality: not satisfied"),
                  _("Accessibility: satisfied"), _("Accessibility: partly"), _("Accessibility: not satisfied")])
    for r in rows:
        s = r["f"]
        out.writerow([r["label"], s.received, s.finished, s.in_time, s.refused,
                      "" if s.median_days is None else round(s.median_days, 2),
                      s.quality.satisfied, s.quality.partly, s.quality.not_satisfied,
                      s.accessibility.satisfied, s.accessibility.partly, s.accessibility.not_satisfied])
    out.writerow([])
    out.writerow([_("Service"), _("Step"), _("Name"), _("Norm"), _("Done"), _("With a verdict"), _("Norm kept"),
                  _("Median duration, s")])
    for s in steps:
        f_ = s["f"]
        out.writerow([s["service"], s["step"], s["name"], s["norm"], f_.done, f_.judged, f_.kept,
                      "" if f_.median_seconds is None else round(f_.median_seconds, 3)])
    return response
