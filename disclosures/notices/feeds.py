"""Atom feeds of published notices, per compound and per region (issue 10, item 5).

Public content only: published, not expired notices (corrected versions give way to
their correction), with the notice's metadata and fingerprint; no body text, contact or
attachment, so nothing personal leaves through a feed reader. Each feed costs a fixed
number of queries: the notices with their item, compound and fingerprint in one, and
the site's root paths once per request for their URLs. Anonymous readers get a stored
feed from the portal's page cache at no query, until the next publication, correction or
expiry (public_cache).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from cms.caching import mark_portal_response

from .selectors.public import (
    compound_for_public,
    notice_feed_for_compound,
    notice_feed_for_region,
    region_for_feed,
)


class _NoticeFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Stored under the feed's own path (no query parameters); a 404 is not stored.
        return mark_portal_response(super().__call__(request, *args, **kwargs), path=request.path)

    def item_title(self, notice):
        return notice.title

    def item_link(self, notice):
        # Relative to the site: the feed makes it absolute with the request's host.
        return notice.get_url() or "/"

    def item_pubdate(self, notice):
        return notice.first_published_at

    def item_updateddate(self, notice):
        return notice.first_published_at

    def item_author_name(self, notice):
        return notice.issuer

    def item_categories(self, notice):
        return [notice.item.name]

    def item_description(self, notice):
        lines = [
            _("%(compound)s · %(item)s")
            % {"compound": notice.compound.name, "item": notice.item.name},
            _("发布单位：%(issuer)s") % {"issuer": notice.issuer},
            _("公示期：%(start)s 至 %(end)s")
            % {"start": notice.notice_starts_on.isoformat(), "end": notice.ends_on.isoformat()},
        ]
        if notice.document_number:
            lines.insert(1, _("文号：%(number)s") % {"number": notice.document_number})
        if notice.corrects_id:
            lines.append(_("本公示为更正公示。"))
        fingerprint = getattr(notice, "fingerprint", None)
        if fingerprint is not None:
            lines.append(_("内容指纹（SHA-256）：%(sha)s") % {"sha": fingerprint.content_sha256})
        return "\n".join(lines)


class CompoundNoticeFeed(_NoticeFeed):
    def get_object(self, request, pk: int):
        compound = compound_for_public(pk=pk)
        if compound is None:
            raise Http404
        return compound

    def title(self, compound):
        return _("%(name)s信息公示") % {"name": compound.name}

    def subtitle(self, compound):
        return _("%(name)s已发布的公示") % {"name": compound.name}

    def link(self, compound):
        return reverse("notices_feed_compound", args=[compound.pk])

    def items(self, compound):
        return notice_feed_for_compound(compound=compound)


class RegionNoticeFeed(_NoticeFeed):
    def get_object(self, request, code: str):
        region = region_for_feed(code=code)
        if region is None:
            raise Http404
        return region

    def title(self, region):
        return _("%(name)s各小区信息公示") % {"name": region.name}

    def subtitle(self, region):
        return _("%(name)s各小区已发布的公示") % {"name": region.name}

    def link(self, region):
        return reverse("notices_feed_region", args=[region.code])

    def items(self, region):
        return notice_feed_for_region(region=region)
