"""Wagtail's site listing with its columns named in the reader's language.

Wagtail's own listing (``wagtail.sites.views.IndexView``) leaves three columns without a
label, so they are headed by the field names in English ("Port", "Site name", "Root
page") whatever the language. This listing heads them with the fields' own translated
names (Wagtail's catalogue has them: 端口号, 站点名称, 根页面). :func:`site_admin_overrides`
places it before Wagtail's admin URLs, as the other overrides in config.urls; the add,
edit and delete views stay Wagtail's.
"""

from __future__ import annotations

from django.urls import path
from django.utils.functional import lazy
from django.utils.text import capfirst
from wagtail.admin.ui.tables import Column
from wagtail.models import Site
from wagtail.sites.views import IndexView, SiteViewSet


def _field_label(name: str):
    return lazy(lambda: capfirst(Site._meta.get_field(name).verbose_name), str)()


class SiteIndexView(IndexView):
    columns = [
        IndexView.columns[0],  # the site (hostname), labelled by Wagtail
        Column("port", label=_field_label("port"), sort_key="port"),
        Column("site_name", label=_field_label("site_name")),
        Column("root_page", label=_field_label("root_page")),
        IndexView.columns[-1],  # the default site flag, labelled by Wagtail
    ]


class LabelledSiteViewSet(SiteViewSet):
    index_view_class = SiteIndexView


_sites = LabelledSiteViewSet("wagtailsites", url_prefix="sites")


def site_admin_overrides(admin_prefix: str = "admin/") -> list:
    """URL patterns to place before Wagtail's admin URLs: the site listing and its
    results (the URL names stay Wagtail's, which resolve here)."""
    return [
        path(f"{admin_prefix}sites/", _sites.index_view),
        path(f"{admin_prefix}sites/results/", _sites.index_results_view),
    ]
