"""Keeps the portal cache in step with the registry: any change to a row the public pages
show drops all cached pages, when it is saved and again when it is committed
(cms.caching.registry_changed). cms listens to estates; estates never imports cms."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from common.transitions import fired_in_bulk
from estates.models import Building, Compound, Grid, GridStaff, PropertyCompany, Region, Unit
from estates.signals import registry_bulk_changed

from .caching import registry_changed, view_restrictions_changed

WATCHED_MODELS = (Region, Compound, Building, Unit, Grid, GridStaff, PropertyCompany)


def _watch(model, uid: str, receiver=registry_changed) -> None:
    post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save")
    post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete")


def connect() -> None:
    for model in WATCHED_MODELS:
        _watch(model, f"cms.portal.{model.__name__}")
    # A view restriction added, changed or removed: cached pages (and each worker's table
    # of restrictions) are dropped at once, so a page restricted now is never replayed.
    from wagtail.models import PageViewRestriction

    _watch(PageViewRestriction, "cms.portal.restrictions", view_restrictions_changed)
    m2m_changed.connect(
        view_restrictions_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="cms.portal.restriction_groups",
    )
    # Committees and published candidate lists appear on compound pages.
    from committees.models import Candidate, Committee, CommitteeMember, Election, PartyBranch, Term

    for model in (Committee, Term, CommitteeMember, PartyBranch, Election, Candidate):
        _watch(model, f"cms.portal.{model.__name__}")
        # Many objects moved through a workflow at once (one UPDATE, no post_save).
        fired_in_bulk.connect(
            registry_changed, sender=model, dispatch_uid=f"cms.portal.{model.__name__}.bulk"
        )
    # Owners' votes: each publication stage appears on the compound page.
    from disclosures.votes.models import Objection, Vote

    for model in (Vote, Objection):
        _watch(model, f"cms.portal.{model.__name__}")
    # Sent once a bulk write (import, seed) has committed.
    registry_bulk_changed.connect(registry_changed, dispatch_uid="cms.portal.bulk")
    m2m_changed.connect(
        registry_changed, sender=Grid.buildings.through, dispatch_uid="cms.portal.grid_buildings"
    )
    # A compound photo's title (its alt text) or file may change in the image library.
    from wagtail.images import get_image_model

    _watch(get_image_model(), "cms.portal.image")
    # Sites and pages: the portal's title and intro, and the per-process site table. Each
    # model by name: a receiver for every sender would cost every delete its fast path.
    from wagtail.models import Site, get_page_models

    for model in (Site, *get_page_models()):
        _watch(model, f"cms.portal.site_or_page.{model._meta.label_lower}")
    # The footer's operating body, contact and filing numbers, and the compound pages'
    # hotline: each process reloads them with its site table, and cached pages drop.
    from .site_settings import PortalSettings

    _watch(PortalSettings, "cms.portal.settings")
