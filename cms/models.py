"""The public site: one routable page at the site root renders every region and compound
page straight from the registry, so the site is always in step with it and nobody has to
create a page per compound."""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_script_prefix
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, PageViewRestriction, Site

from committees.elections.selectors.elections import candidate_notice_for
from committees.selectors.committees import committee_public_for
from disclosures.votes.selectors import public_votes_for
from estates import selectors
from estates.choices import RegionLevel

from .caching import cached_view_restrictions, mark_portal_response
from .contacts import compound_contacts
from .fragments import portal_data
from .site_settings import PortalSettings  # noqa: F401  (a model of this app)

SEARCH_PAGE_SIZE = 20
COMPOUND_PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 50


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def compound_page_data(pk: int) -> dict | None:
    """Everything the compound page shows, read with the plain ORM (cms.fragments keeps it
    until the registry changes); None when there is no such compound."""
    compound = selectors.compound_get_public(pk=pk)
    if compound is None:
        return None
    grids = selectors.grid_staff_for_compound(compound=compound)
    notice = candidate_notice_for(compound) if compound.has_published_election else None
    return {
        "compound": compound,
        "breadcrumbs": selectors.compound_breadcrumbs(compound),
        "grids": grids,
        "contacts": compound_contacts(compound, grids),
        "committee_public": (
            committee_public_for(compound) if compound.has_active_committee else None
        ),
        "candidate_notice": notice,
        "candidates": notice.candidates if notice else [],
        "public_votes": public_votes_for(compound) if compound.has_public_vote else [],
    }


class PortalHomePage(RoutablePageMixin, Page):
    """The portal: home, region, compound and search pages, all generated from the registry.

    Routes: ``/`` (provinces and prefectures), ``/r/<code>/`` (a region), ``/c/<id>/``
    (a compound), ``/search/?q=`` (compound search). Owner data is never read here.
    """

    intro = models.TextField(_("首页导语"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    # Each compound's notice board (disclosures.notices) hangs under the portal.
    subpage_types = ["notices.CompoundNoticesPage"]
    max_count = 1

    class Meta:
        verbose_name = _("门户首页")
        verbose_name_plural = pgettext_lazy("复数", "门户首页")

    def get_view_restrictions(self):
        """Restrictions on this page or its ancestors in one query (Wagtail's default takes
        two); the portal and the tree root are never aliases, so paths suffice."""
        prefixes = [
            self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)
        ]
        return cached_view_restrictions(
            self, lambda: PageViewRestriction.objects.filter(page__path__in=prefixes)
        )

    def route(self, request, path_components):
        """The portal's own routes first; any other first segment names a child, which
        can only be a compound's notice board: loaded with its compound in one query
        instead of Wagtail's two (the child, then its specific page) and a third for the
        compound the board reads (the notice pages' query budget)."""
        if self.live and path_components:
            try:
                self.resolve_subpage("/" + "/".join(path_components) + "/")
            except Http404:
                board_model = apps.get_model("notices", "CompoundNoticesPage")
                board = (
                    board_model.objects.child_of(self)
                    .filter(slug=path_components[0])
                    .select_related("compound")
                    .first()
                )
                if board is None:
                    raise
                return board.route(request, path_components[1:])
        return super().route(request, path_components)

    def _base_url(self, request: HttpRequest) -> str:
        """The portal is normally the site root: its URL is the script prefix, known without
        the site-root-paths lookup that ``get_url`` may cost."""
        site = Site.find_for_request(request)
        if site is not None and site.root_page_id == self.pk:
            return get_script_prefix()
        return self.get_url(request) or "/"

    def _render(
        self,
        request: HttpRequest,
        template: str,
        *,
        cache_as: tuple[str, dict[str, str]] | None = None,
        **context,
    ) -> HttpResponse:
        """``cache_as``: the page's canonical address below the portal (its path, and the
        query parameters it read as it read them) when anonymous visitors may be served it
        from the page cache; None (and any view restriction) keeps it out (cms.caching)."""
        base = self._base_url(request)
        context["portal_base"] = base
        response = self.render(request, template=template, context_overrides=context)
        if cache_as is not None and not self.get_view_restrictions():
            suffix, params = cache_as
            mark_portal_response(response, path=f"{base}{suffix}", params=params)
        return response

    @path("")
    def index(self, request: HttpRequest) -> HttpResponse:
        regions, totals = selectors.portal_overview()
        provinces = [r for r in regions if r.level == RegionLevel.PROVINCE]
        by_parent: dict[int | None, list] = {}
        for region in regions:
            if region.level == RegionLevel.PREFECTURE:
                by_parent.setdefault(region.parent_id, []).append(region)
        groups = [(p, by_parent.get(p.pk, [])) for p in provinces]
        return self._render(
            request,
            "cms/portal_home.html",
            cache_as=("", {}),
            groups=groups,
            totals=totals,
        )

    @path("r/<str:code>/", name="region")
    def region(self, request: HttpRequest, code: str) -> HttpResponse:
        region = selectors.region_get_public(code=code)
        if region is None:
            raise Http404
        context = {"region": region, "breadcrumbs": selectors.region_ancestors(region)}
        params = {}
        if region.level == RegionLevel.COMMUNITY:
            paginator = Paginator(selectors.compound_list_public(region=region), COMPOUND_PAGE_SIZE)
            context["compounds"] = paginator.get_page(_page_number(request))
            if "page" in request.GET:
                params["page"] = str(context["compounds"].number)
        else:
            context["children"] = selectors.region_list_children(parent=region)
        return self._render(
            request, "cms/region.html", cache_as=(f"r/{region.code}/", params), **context
        )

    @path("c/<int:pk>/", name="compound")
    def compound(self, request: HttpRequest, pk: int) -> HttpResponse:
        context = portal_data(f"compound:{pk}", lambda: compound_page_data(pk))
        if context is None:
            raise Http404
        return self._render(request, "cms/compound.html", cache_as=(f"c/{pk}/", {}), **context)

    @path("search/", name="search")
    def search(self, request: HttpRequest) -> HttpResponse:
        q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
        results = None
        params = {"q": q} if "q" in request.GET else {}
        if q:
            paginator = Paginator(selectors.compound_list_public(q=q), SEARCH_PAGE_SIZE)
            results = paginator.get_page(_page_number(request))
            if "page" in request.GET:
                params["page"] = str(results.number)
        # A search that finds nothing is not stored: any string could fill the cache.
        found = results is None or results.paginator.count > 0
        return self._render(
            request,
            "cms/search.html",
            cache_as=("search/", params) if found else None,
            q=q,
            results=results,
        )
