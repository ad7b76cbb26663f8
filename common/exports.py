"""Spreadsheet exports that a spreadsheet program cannot run as formulas.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs skip before looking for one) is read by Excel, WPS and LibreOffice as a
formula, so a name typed as ``=HYPERLINK(…)`` in the registry would run on the machine of
whoever opens the export. Wagtail's XLSX export already writes such cells as text; its CSV
export writes them as they are. Every CSV export goes through :func:`neutralise_cell`,
which prefixes such text with an apostrophe (the program shows the text, not its result).
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would read as a formula made plain text.

    Only text is changed: numbers, dates and ``None`` are returned as they are, so a
    negative amount stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class NeutralisedCsvExportMixin:
    """For a view using Wagtail's ``SpreadsheetExportMixin``: CSV cells and headings go
    through :func:`neutralise_cell` (the XLSX export already stores them as text)."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: neutralise_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    def get_heading(self, queryset, field):
        return neutralise_cell(super().get_heading(queryset, field))
