"""Registration only: permission policies, the "基础信息" menu group, the dashboard panel."""

from importlib.util import find_spec

from wagtail import hooks

from common import dashboard, history

from . import (
    choosers,
    permissions,  # noqa: F401  (registers policies before any viewset asks)
)
from .services import LOG_ACTIONS
from .views import building_picker
from .viewsets import JurisdictionPanel, RegistryViewSetGroup

# The spreadsheet import registers its own views; only a missing module is tolerated,
# an import error inside it still surfaces.
if find_spec("estates.import_hooks") is not None:
    from . import import_hooks  # noqa: F401


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return RegistryViewSetGroup()


@hooks.register("register_admin_viewset")
def register_registry_choosers():
    return list(choosers.CHOOSERS)


@hooks.register("construct_homepage_panels")
def add_jurisdiction_panel(request, panels):
    panels.insert(0, JurisdictionPanel(request.user))


# The admin home: each role's duties first; Wagtail's site summary only for page editors.
hooks.register("construct_homepage_panels", dashboard.add_duty_panel)
hooks.register("construct_homepage_summary_items", dashboard.hide_site_summary)

# The site history report and its exports, scoped by jurisdiction (common.history).
hooks.register("register_admin_urls", history.register_admin_urls)
# The grid form's building search (estates.widgets.BuildingPickerWidget).
hooks.register("register_admin_urls", building_picker.register_admin_urls)
hooks.register("register_reports_menu_item", history.reports_menu_item)
hooks.register("construct_reports_menu", history.replace_stock_menu_item)


@hooks.register("register_log_actions")
def register_registry_log_actions(actions):
    for action, label in LOG_ACTIONS:
        actions.register_action(action, label, label)
