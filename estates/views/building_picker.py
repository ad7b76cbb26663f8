"""The grid form's building search (estates.widgets.BuildingPickerWidget): a small JSON
answer of the buildings, and whole compounds, of one community the user may manage.

``GET ?region=<community id>&q=<words>`` answers ``{"results": [...]}``; bad parameters
(a region that is not a number, a pasted page of text) and another jurisdiction's
community answer an empty list, never an error that tells one from the other."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from common.access import MSG_FORBIDDEN

from ..building_picker import buildings_for_grid

URL_NAME = "estates_grid_building_search"
#: Placing buildings into a grid is part of adding or editing one.
GRID_PERMISSIONS = ("estates.add_grid", "estates.change_grid")


@require_GET
def building_search_view(request: HttpRequest) -> JsonResponse:
    user = request.user
    if not user.is_active or not any(user.has_perm(p) for p in GRID_PERMISSIONS):
        # A JSON answer, not the admin's redirect home: the caller is a script.
        return JsonResponse({"results": [], "error": str(MSG_FORBIDDEN)}, status=403)
    options = buildings_for_grid(
        user=user, community=request.GET.get("region"), q=request.GET.get("q", "")
    )
    return JsonResponse({"results": [option.as_json() for option in options]})


def register_admin_urls():
    """For the ``register_admin_urls`` hook (estates.wagtail_hooks)."""
    return [path("grid-buildings/search/", building_search_view, name=URL_NAME)]
