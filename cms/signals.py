"""Keeps the portal cache in step with the registry: any change to a row the public pages
show drops all cached pages (cms listens to estates; estates never imports cms)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from estates.models import Building, Compound, Grid, GridStaff, PropertyCompany, Region, Unit
from estates.signals import registry_bulk_changed

from .caching import registry_changed, view_restrictions_changed

WATCHED_MODELS = (Region, Compound, Building, Unit, Grid, GridStaff, PropertyCompany)


def connect() -> None:
    for model in WATCHED_MODELS:
        uid = f"cms.portal.{model.__name__}"
        post_save.connect(registry_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(registry_changed, sender=model, dispatch_uid=f"{uid}.delete")
    from wagtail.models import PageViewRestriction

    for signal in (post_save, post_delete):
        signal.connect(
            view_restrictions_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"cms.portal.restrictions.{signal is post_save}",
        )
    # Committees and published candidate lists appear on compound pages.
    from committees.models import Candidate, Committee, CommitteeMember, Election, PartyBranch, Term

    for model in (Committee, Term, CommitteeMember, PartyBranch, Election, Candidate):
        uid = f"cms.portal.{model.__name__}"
        post_save.connect(registry_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(registry_changed, sender=model, dispatch_uid=f"{uid}.delete")
    registry_bulk_changed.connect(registry_changed, dispatch_uid="cms.portal.bulk")
    m2m_changed.connect(
        registry_changed, sender=Grid.buildings.through, dispatch_uid="cms.portal.grid_buildings"
    )
    # A compound photo's title (its alt text) or file may change in the image library.
    from wagtail.images import get_image_model

    image_model = get_image_model()
    post_save.connect(registry_changed, sender=image_model, dispatch_uid="cms.portal.image.save")
    post_delete.connect(
        registry_changed, sender=image_model, dispatch_uid="cms.portal.image.delete"
    )
    # Sites and pages: the portal's title and intro, and the per-process site table. Each
    # model by name: a receiver for every sender would cost every delete its fast path.
    from wagtail.models import Site, get_page_models

    for model in (Site, *get_page_models()):
        uid = f"cms.portal.site_or_page.{model._meta.label_lower}"
        post_save.connect(_site_or_page_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_site_or_page_changed, sender=model, dispatch_uid=f"{uid}.delete")


def _site_or_page_changed(**kwargs) -> None:
    """Now, and again once the change is committed: a request of another worker that
    reloads the site table in between would otherwise keep the old page until the next
    change (the page cache at least expires; the table does not)."""
    registry_changed()
    transaction.on_commit(registry_changed)
