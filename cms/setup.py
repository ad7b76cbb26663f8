"""Creates the portal page and points the default site at it. Idempotent: called by the
data migration, by seed_demo and by tests whose database was flushed."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

PORTAL_TITLE = "物业治理公开信息"


@transaction.atomic
def ensure_portal():
    """Return the one PortalHomePage, creating the page tree root and site if missing.

    Wagtail's initial data puts a plain "Welcome" page under the root; it is turned into
    the portal in place (no delete, so it also works inside a migration, before the
    tables of apps that reference pages exist).
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    from .models import PortalHomePage

    # A flushed database has lost Wagtail's default locale too.
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    portal = PortalHomePage.objects.first()
    if portal is None:
        plain = ContentType.objects.get_for_model(Page)
        placeholder = Page.objects.filter(depth=2, content_type=plain).order_by("path").first()
        if placeholder is not None:
            portal = _specialise(placeholder)
        else:
            root = Page.get_first_root_node() or Page.add_root(
                instance=Page(title="Root", slug="root", live=True)
            )
            portal = root.add_child(
                instance=PortalHomePage(title=PORTAL_TITLE, slug="portal", live=True)
            )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=portal,
            is_default_site=True,
            site_name="物业治理",
        )
    elif site.root_page_id != portal.pk:
        site.root_page = portal
        site.save(update_fields=["root_page"])
    Site.clear_site_root_paths_cache()
    return portal


def _specialise(page):
    """Give an existing plain Page a PortalHomePage row and content type."""
    from .models import PortalHomePage

    portal = PortalHomePage(page_ptr_id=page.pk)
    portal.__dict__.update({k: v for k, v in page.__dict__.items() if not k.startswith("_")})
    portal.save_base(raw=True)
    type(page).objects.filter(pk=page.pk).update(
        content_type=ContentType.objects.get_for_model(PortalHomePage),
        title=PORTAL_TITLE,
        draft_title=PORTAL_TITLE,
        live=True,
    )
    return PortalHomePage.objects.get(pk=page.pk)
