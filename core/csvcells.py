"""CSV cells that a spreadsheet cannot run: OWASP's rule against formula (CSV) injection.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so the spreadsheet shows
the text instead of evaluating it. `writer(file)` is csv.writer with every row's cells neutralised: every CSV
export in the project writes through it.
"""
from __future__ import annotations

import csv

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _SafeWriter:
    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> _SafeWriter:
    return _SafeWriter(out, **options)
