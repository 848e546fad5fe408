"""Plain SVG maps drawn by the server (no tiles, no outside network): an equirectangular view round a point, the
stations as dots, the requested one as a larger ringed dot, the reach as a circle, conflicts as red lines.
Every text in it is escaped."""
from __future__ import annotations

import math

from django.utils.html import escape

from spectrum.precheck import KM_PER_DEGREE

WIDTH, HEIGHT = 640, 420


class View:
    """Longitude/latitude → SVG x/y for a box round (lat, lon) of ``half_km`` each way (at least)."""

    def __init__(self, latitude: float, longitude: float, half_km: float):
        self.lat, self.lon = latitude, longitude
        self.kx = math.cos(math.radians(latitude))  # km per degree of longitude / of latitude
        km_per_px = max(2 * half_km / WIDTH, 2 * half_km / HEIGHT)
        self.scale = KM_PER_DEGREE / km_per_px  # px per degree of latitude

    def xy(self, latitude: float, longitude: float) -> tuple[float, float]:
        x = WIDTH / 2 + (longitude - self.lon) * self.kx * self.scale
        y = HEIGHT / 2 - (latitude - self.lat) * self.scale
        return round(x, 1), round(y, 1)

    def km(self, km: float) -> float:
        return round(km / KM_PER_DEGREE * self.scale, 1)


def _scale_bar(view: View, label_km: float) -> str:
    length = view.km(label_km)
    return (f'<g class="scale"><line x1="12" y1="{HEIGHT - 14}" x2="{12 + length}" y2="{HEIGHT - 14}" '
            f'stroke="#333" stroke-width="2"/><text x="12" y="{HEIGHT - 20}" font-size="11">{label_km:g} km</text></g>')


def _nice(km: float) -> float:
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        if step >= km:
            return step
    return 1000.0


def view_half_km(result) -> float:
    """Half the map's side: enough for the farthest station found (at least 1 km), within the reach."""
    farthest = max([f.distance_km for f in result.findings] + [1.0])
    return max(min(result.reach_km or farthest, farthest * 1.25), 1.0) * 1.1


def precheck_map(result, *, title: str, requested_label: str, conflict_label: str, other_label: str,
                 context=(), context_label: str = "") -> str:
    """The pre-check's map: the requested station at the centre, its reach, every station found (conflicts red),
    and, grey, the other stations in view (``context``: assignments on other frequencies)."""
    new = result.station
    half = view_half_km(result)
    view = View(new.latitude, new.longitude, half)
    cx, cy = view.xy(new.latitude, new.longitude)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="spectrum-map" '
             f'role="img" aria-labelledby="map-title"><title id="map-title">{escape(title)}</title>',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f4f7f9" stroke="#c8d1d8"/>']
    if result.reach_km:
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{view.km(result.reach_km)}" fill="none" stroke="#7a8c99" '
                     f'stroke-dasharray="6 4"/>')
    found = {f.assignment.pk for f in result.findings if f.assignment is not None}
    for a in context:
        if a.pk in found:
            continue
        x, y = view.xy(a.latitude, a.longitude)
        if 0 <= x <= WIDTH and 0 <= y <= HEIGHT:
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#9aa8b3" class="context"><title>'
                         f'{escape(context_label)}: {a.centre_mhz:.10g} MHz</title></circle>')
    for f in result.findings:
        x, y = view.xy(f.station.latitude, f.station.longitude)
        if f.conflict:
            parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x}" y2="{y}" stroke="#c62828" stroke-width="2" '
                         f'class="conflict-line"/>')
    for f in result.findings:
        x, y = view.xy(f.station.latitude, f.station.longitude)
        colour = "#c62828" if f.conflict else "#1565c0"
        label = conflict_label if f.conflict else other_label
        name = f.assignment.holder_name if f.assignment is not None else ""
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{colour}" class="station"><title>{escape(label)}: '
                     f'{escape(name)}, {f.station.centre_mhz:.10g} MHz, {f.distance_km:.1f} km, '
                     f'{f.margin_db:+.1f} dB</title></circle>')
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="8" fill="#2e7d32" stroke="#fff" stroke-width="3" '
                 f'class="requested"><title>{escape(requested_label)}</title></circle>')
    parts.append(_scale_bar(view, _nice(half / 3)))
    parts.append("</svg>")
    return "".join(parts)


def registry_map(assignments, *, title: str) -> str:
    """The public map: assignments over Kazakhstan's bounding box (40–56° N, 46–88° E)."""
    view = View(48.0, 67.0, 1700)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="spectrum-map" '
             f'role="img" aria-labelledby="rmap-title"><title id="rmap-title">{escape(title)}</title>',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f4f7f9" stroke="#c8d1d8"/>']
    x1, y1 = view.xy(56, 46)
    x2, y2 = view.xy(40, 88)
    parts.append(f'<rect x="{x1}" y="{y1}" width="{round(x2 - x1, 1)}" height="{round(y2 - y1, 1)}" fill="none" '
                 f'stroke="#9aa8b3" stroke-dasharray="4 4"/>')
    for a in assignments:
        x, y = view.xy(a.latitude, a.longitude)
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#1565c0" class="station"><title>'
                     f'{escape(a.holder_name)}, {a.centre_mhz:.10g} MHz</title></circle>')
    parts.append(_scale_bar(view, 500))
    parts.append("</svg>")
    return "".join(parts)
