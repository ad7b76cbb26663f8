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


def _neutralised(view_class):
    """A subclass of a Wagtail report view whose CSV export is neutralised."""
    return type(
        view_class.__name__,
        (NeutralisedCsvExportMixin, view_class),
        {"__module__": __name__, "__doc__": f"{view_class.__doc__ or ''} (CSV neutralised)"},
    )


def stock_report_export_overrides(admin_prefix: str = "admin/") -> list:
    """URL patterns to place before Wagtail's admin URLs: its page reports (aging pages,
    locked pages, workflows, workflow tasks), whose exports carry page titles and the
    names users give themselves, with the CSV export neutralised. Same views, same
    permission checks, same URL names for links (the admin's own patterns stay behind).
    The site history report has its own scoped view (common.history)."""
    from django.urls import path
    from wagtail.admin.auth import require_admin_access
    from wagtail.admin.views.reports.aging_pages import AgingPagesView
    from wagtail.admin.views.reports.locked_pages import LockedPagesView
    from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

    reports = {
        "locked": LockedPagesView,
        "workflow": WorkflowView,
        "workflow_tasks": WorkflowTasksView,
        "aging-pages": AgingPagesView,
    }
    patterns = []
    for segment, view_class in reports.items():
        view = _neutralised(view_class)
        patterns += [
            path(f"{admin_prefix}reports/{segment}/", require_admin_access(view.as_view())),
            path(
                f"{admin_prefix}reports/{segment}/results/",
                require_admin_access(view.as_view(results_only=True)),
            ),
        ]
    return patterns
