"""Render the services' request forms (services/<service>/forms.py) as plain HTML fields (no JS needed) and read the
posted fields back into the JSON the actions take (the same shape the API's PUT …/form takes)."""
from __future__ import annotations

from django import forms

from portal.labels import localized
from services.forms import ListField

EXTRA_ROWS = 2  # empty rows offered under a list (bands, devices, numbers) without JS
MAX_ROWS = 50


def _input_kind(field) -> dict:
    if isinstance(field, forms.DecimalField):
        return {"type": "text", "inputmode": "decimal"}
    if isinstance(field, forms.RegexField) and r"\d" in field.regex.pattern:
        return {"type": "text", "inputmode": "numeric"}
    return {"type": "text", "inputmode": ""}


def describe(form_class, data: dict, errors: dict | None = None, initial: dict | None = None) -> list[dict]:
    """One dict per field for the template: name, label, widget kind, value(s), options, rows, errors."""
    errors = errors or {}
    values = {**(initial or {}), **{k: v for k, v in (data or {}).items() if v not in (None, "", [])}}
    described = []
    for name, field in form_class.base_fields.items():
        item = {"name": name, "label": field.label or name, "required": field.required,
                "errors": [e["message"] if isinstance(e, dict) else str(e) for e in errors.get(name, [])],
                "help": field.help_text}
        value = values.get(name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            chosen = set(value or [])
            item.update(widget="checkboxes", options=[
                {"value": o.code, "label": localized(o, "name"), "checked": o.code in chosen} for o in field.queryset])
        elif isinstance(field, forms.ModelChoiceField):
            item.update(widget="select", options=[
                {"value": o.code, "label": localized(o, "name"), "selected": o.code == value} for o in field.queryset])
        elif isinstance(field, forms.ChoiceField):
            item.update(widget="select", options=[
                {"value": v, "label": label, "selected": v == value} for v, label in field.choices])
        elif isinstance(field, ListField):
            sub = field.item_form.base_fields
            rows = [r for r in (value or []) if isinstance(r, dict)]
            rows = rows + [{}] * max(EXTRA_ROWS, field.min_items - len(rows))
            item.update(widget="rows", columns=[
                {"name": s, "label": f.label or s, "required": f.required, **_input_kind(f)} for s, f in sub.items()],
                rows=[{"index": i, "cells": [{"name": s, "value": row.get(s, "") or "", "label": f.label or s, **_input_kind(f)}
                                             for s, f in sub.items()]} for i, row in enumerate(rows[:MAX_ROWS])])
        else:
            item.update(widget="input", value="" if value is None else value, **_input_kind(field))
        described.append(item)
    return described


def from_post(form_class, post) -> dict:
    """The posted fields as the form's JSON data (lists of rows without their empty rows)."""
    data = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = post.getlist(name)
        elif isinstance(field, ListField):
            rows = []
            for i in range(MAX_ROWS):
                row = {s: post.get(f"{name}-{i}-{s}", "").strip() for s in field.item_form.base_fields}
                if any(row.values()):
                    rows.append({k: v for k, v in row.items() if v != ""})
            data[name] = rows
        else:
            data[name] = post.get(name, "").strip()
    return data
