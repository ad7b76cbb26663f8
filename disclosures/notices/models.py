"""Required disclosures and the notices (公示) that fulfil them.

The catalogue says what each compound must publish, how often and by whom (DOMAIN 5.1,
5.4, 6.6), with national defaults that a region may override. Notices are Wagtail pages
under the compound's notice page, so drafts, revisions, preview, the moderation workflow,
scheduled publishing and locking are Wagtail's own. A notice is frozen once published: a
correction is a new notice, and each published notice is fingerprinted into the
compound's chain (:class:`NoticeFingerprint`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from estates.models import Compound

from .blocks import NoticeBodyBlock, block_error_messages
from .choices import Frequency, Publisher
from .public_cache import PublicPageMixin, board_notices, mark_public, routed_notice
from .review import (  # noqa: F401  (CommunityReviewTask: a model of this app)
    MSG_UNREVIEWED,
    CommunityReviewTask,
    review_approved,
)

NOTICE_PERIOD_DAYS = 7  # 公示期 default: seven days, the first and the last included
SLUG_PREFIX = "notices-"

MSG_FROZEN = _("已发布的公示不能修改。如需更正，请发布一则更正公示。")
MSG_PERIOD_ORDER = _("公示结束日期不能早于开始日期。")
MSG_COVERED_ORDER = _("所涉期间的结束日期不能早于开始日期。")
MSG_OBJECTION_BEFORE = _("异议截止日期不能早于公示开始日期。")
MSG_CORRECTS_OTHER = _("只能更正本小区已发布的公示。")
MSG_CORRECTION_NOTE = _("更正公示须说明更正了哪些内容。")


class DisclosureItem(models.Model):
    """One item of the required-disclosure catalogue. Rows without a region are the
    national defaults; a row with the same code in a region overrides them there and
    below (an inactive row switches the item off), since local practice varies."""

    region = models.ForeignKey(
        "estates.Region",
        verbose_name=_("适用区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosure_items",
        help_text=_("留空表示全国默认；下级区域的同编号条目覆盖上级。"),
    )
    code = models.SlugField(_("编号"), max_length=40)
    name = models.CharField(_("公示事项"), max_length=100)
    frequency = models.CharField(_("公示频次"), max_length=12, choices=Frequency.choices)
    publisher = models.CharField(_("公示主体"), max_length=12, choices=Publisher.choices)
    grace_days = models.PositiveSmallIntegerField(
        _("宽限天数"),
        default=30,
        help_text=_(
            "定期事项：所涉期间结束后多少天内须公示；变化时公示的事项：小区登记后多少天内须首次公示。"
        ),
    )
    withdraw_after_notice = models.BooleanField(
        _("公示期满后撤下"),
        default=False,
        help_text=_("勾选后，公示期结束时自动撤下；不勾选则公示期满后仍可查阅。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公示事项")
        verbose_name_plural = pgettext_lazy("复数", "公示事项")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="disclosure_item_unique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(region__isnull=True),
                name="disclosure_item_unique_national_code",
            ),
        ]

    @classmethod
    def jurisdiction_q(cls, jurisdiction) -> models.Q:
        """National defaults concern everyone; regional rows their region's staff."""
        return models.Q(region__isnull=True) | jurisdiction.q("region__path", None)

    def __str__(self) -> str:
        return self.name


class CompoundNoticesPage(PublicPageMixin, Page):
    """The notice board of one compound: its notices are the children of this page.
    Public pages are cached (public_cache)."""

    compound = models.OneToOneField(
        Compound,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        related_name="notices_page",
    )

    content_panels = [*Page.content_panels, FieldPanel("compound")]
    parent_page_types = ["cms.PortalHomePage"]
    subpage_types = ["notices.NoticePage"]

    class Meta:
        verbose_name = _("小区公示栏")
        verbose_name_plural = pgettext_lazy("复数", "小区公示栏")

    jurisdiction_fields = ("compound__region_path", "compound_id")

    def get_context(self, request, *args, **kwargs):
        from .selectors import board

        context = super().get_context(request, *args, **kwargs)
        board_url = self.get_url(request) or ""
        # The board sits right under the portal home, where compound pages live (c/<pk>/).
        suffix = f"{self.slug}/"
        portal_url = board_url[: -len(suffix)] if board_url.endswith(suffix) else "/"
        entries = board_notices(
            self, board_url=board_url, compound_url=f"{portal_url}c/{self.compound_id}/"
        )
        kind = request.GET.get("kind", "")[:40]
        year = request.GET.get("year", "")[:4]
        shown = board.board_filter(entries, kind=kind, year=year)
        context.update(
            entries=board.board_page(shown, request.GET.get("page")),
            kinds=board.board_kinds(entries),
            years=board.board_years(entries),
            kind=kind,
            year=year,
            filtered=len(shown) != len(entries),
        )
        return context

    def serve(self, request, *args, **kwargs):
        return mark_public(self, request, super().serve(request, *args, **kwargs))

    def route(self, request, path_components):
        """A live notice with its item, fingerprint and attachments, in one query and
        kept per generation (public_cache), where Wagtail takes one query for the child
        and another for its specific page."""
        if not path_components:
            return super().route(request, path_components)
        notice = routed_notice(self, path_components[0])
        if notice is None:
            raise Http404
        notice._cached_parent_obj = self
        return notice.route(request, path_components[1:])

    def permissions_for_user(self, user):
        from .permissions import NoticePagePermissionTester

        return NoticePagePermissionTester(user, self)


def _default_end(start: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=NOTICE_PERIOD_DAYS - 1)


class NoticePage(PublicPageMixin, RoutablePageMixin, Page):
    """A notice (公示) of one catalogue item, with the metadata owners expect of one."""

    compound = models.ForeignKey(
        Compound,
        verbose_name=_("小区"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    item = models.ForeignKey(
        DisclosureItem,
        verbose_name=_("公示事项"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    issuer = models.CharField(_("发布单位"), max_length=100)
    issued_on = models.DateField(_("发布日期"), default=timezone.localdate)
    notice_starts_on = models.DateField(_("公示开始日期"), default=timezone.localdate)
    notice_ends_on = models.DateField(
        _("公示结束日期"), null=True, blank=True, help_text=_("留空则为开始日期起7天。")
    )
    objection_method = models.TextField(
        _("异议方式"),
        blank=True,
        help_text=_("业主对公示内容有异议时，以何种方式向谁提出。"),
    )
    objection_until = models.DateField(
        _("异议截止日期"), null=True, blank=True, help_text=_("留空则为公示结束日期。")
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("联系电话"), max_length=20, blank=True, help_text=_("发布单位对外公开的联系电话。")
    )
    period_starts_on = models.DateField(_("所涉期间开始"), null=True, blank=True)
    period_ends_on = models.DateField(_("所涉期间结束"), null=True, blank=True)
    body = StreamField(NoticeBodyBlock(), verbose_name=_("正文"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_note = models.TextField(_("更正说明"), blank=True)
    # Set when a correction of this notice is published; not content (the notice keeps
    # its fingerprint), it only keeps the superseded version out of search.
    is_superseded = models.BooleanField(_("已被更正"), default=False, editable=False)
    # The segmented words of title, body and attachment text (disclosures.notices.search),
    # written once at first publication (the content is frozen from then on); a GIN
    # index over them serves the public search on PostgreSQL (migration 0004).
    search_words = models.TextField(_("检索词"), blank=True, default="", editable=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("item"),
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("issuer")]),
                FieldRowPanel(
                    [
                        FieldPanel("issued_on"),
                        FieldPanel("contact_name"),
                        FieldPanel("contact_phone"),
                    ]
                ),
            ],
            heading=_("公示信息"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("notice_starts_on"), FieldPanel("notice_ends_on")]),
                FieldPanel("objection_method"),
                FieldPanel("objection_until"),
            ],
            heading=_("公示期与异议"),
        ),
        FieldRowPanel(
            [FieldPanel("period_starts_on"), FieldPanel("period_ends_on")], heading=_("所涉期间")
        ),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("附件")),
        MultiFieldPanel([FieldPanel("corrects"), FieldPanel("correction_note")], heading=_("更正")),
    ]
    parent_page_types = ["notices.CompoundNoticesPage"]
    subpage_types: list[str] = []

    # Pre-segmented Chinese words (STACK.md §6), so a word inside a title is found.
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_text"),
        index.AutocompleteField("search_text"),
        index.FilterField("compound"),
        index.FilterField("is_superseded"),
        index.FilterField("expired"),
    ]

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = pgettext_lazy("复数", "公示")
        permissions = [("review_noticepage", _("审核发布公示"))]

    jurisdiction_fields = ("compound__region_path", "compound_id")

    # Fields whose values are the notice's content: a published notice keeps them as they
    # were (MSG_FROZEN) and the fingerprint covers them (disclosures.notices.fingerprints).
    CONTENT_FIELDS = (
        "title", "slug", "item_id", "document_number", "issuer", "issued_on",
        "notice_starts_on", "notice_ends_on", "objection_method", "objection_until",
        "contact_name", "contact_phone", "period_starts_on", "period_ends_on",
        "corrects_id", "correction_note",
    )  # fmt: skip

    def __str__(self) -> str:
        return self.title

    # Derived values -----------------------------------------------------------------

    def search_text(self) -> str:
        from .search import zh_segment
        from .text import notice_plain_text

        return zh_segment(f"{self.title} {notice_plain_text(self)}")

    @property
    def is_frozen(self) -> bool:
        """Published once (now or before): its content may no longer change."""
        return bool(self.pk) and (
            self.first_published_at is not None
            or NoticeFingerprint.objects.filter(page_id=self.pk).exists()
        )

    @property
    def ends_on(self) -> datetime.date:
        return self.notice_ends_on or _default_end(self.notice_starts_on)

    @property
    def objection_deadline(self) -> datetime.date:
        return self.objection_until or self.ends_on

    def in_notice_period(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.notice_starts_on <= today <= self.ends_on

    # Validation and the publication guard ------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.notice_starts_on and not self.notice_ends_on:
            self.notice_ends_on = _default_end(self.notice_starts_on)
        if (
            self.notice_ends_on
            and self.notice_starts_on
            and self.notice_ends_on < self.notice_starts_on
        ):
            errors["notice_ends_on"] = MSG_PERIOD_ORDER
        if not self.objection_until and self.notice_ends_on:
            self.objection_until = self.notice_ends_on
        if (
            self.objection_until
            and self.notice_starts_on
            and self.objection_until < self.notice_starts_on
        ):
            errors["objection_until"] = MSG_OBJECTION_BEFORE
        if (
            self.period_starts_on
            and self.period_ends_on
            and self.period_ends_on < self.period_starts_on
        ):
            errors["period_ends_on"] = MSG_COVERED_ORDER
        try:
            # Block rules (accounts add up, rich text sanitised) on every path, not only
            # the admin form: StreamField does not validate its blocks on a model clean.
            self.body = self._meta.get_field("body").stream_block.clean(self.body)
        except ValidationError as error:
            errors["body"] = block_error_messages(error)
        from .attachments import validate_attachment

        attachment_errors = []
        for attachment in self.attachments.all():
            try:
                validate_attachment(attachment.title, attachment.document)
            except ValidationError as error:
                attachment_errors += error.messages
        if attachment_errors:
            errors["__all__"] = attachment_errors
        if self.corrects_id:
            original = NoticePage.objects.filter(pk=self.corrects_id).first()
            if (
                original is None
                or original.pk == self.pk
                or original.first_published_at is None
                or (self.compound_id and original.compound_id != self.compound_id)
            ):
                errors["corrects"] = MSG_CORRECTS_OTHER
            if not self.correction_note.strip():
                errors["correction_note"] = MSG_CORRECTION_NOTE
        if errors:
            raise ValidationError(errors)
        self._schedule_from_notice_period()

    def _schedule_from_notice_period(self) -> None:
        """Scheduled publishing follows the 公示期: a notice whose period starts later goes
        live at the start of that day; an item withdrawn after its period expires at the
        end of the last day."""
        tz = timezone.get_current_timezone()
        if self.notice_starts_on and self.first_published_at is None:
            start = datetime.datetime.combine(self.notice_starts_on, datetime.time.min, tz)
            self.go_live_at = start if start > timezone.now() else None
        if self.item_id and self.item.withdraw_after_notice:
            self.expire_at = datetime.datetime.combine(
                self.ends_on + datetime.timedelta(days=1), datetime.time.min, tz
            )
        else:
            self.expire_at = None

    def full_clean(self, *args, **kwargs):
        self._set_compound()
        super().full_clean(*args, **kwargs)

    def _set_compound(self) -> None:
        if self.compound_id or not self.path or self.depth <= 1:
            return
        parent_path = self.path[: -self.steplen]
        board = CompoundNoticesPage.objects.filter(path=parent_path).only("compound_id").first()
        if board is not None:
            self.compound_id = board.compound_id

    def save_revision(self, *args, **kwargs):
        if self.is_frozen:
            raise ValidationError(MSG_FROZEN, code="frozen")
        return super().save_revision(*args, **kwargs)

    def save(self, *args, **kwargs):
        """The integrity checkpoint every publication passes (the admin, a workflow's
        approval, scheduled publishing, the API all save the page live): a first
        publication must have been approved by the community review and hold no personal
        data, and is then fingerprinted into the chain; a published notice's content
        never changes."""
        from . import fingerprints, guard
        from .search import notice_search_words

        self._set_compound()
        with transaction.atomic():
            stored = (
                NoticePage.objects.select_for_update().filter(pk=self.pk).first()
                if self.pk
                else None
            )
            if stored is not None and stored.first_published_at is not None:
                if fingerprints.content_differs(stored, self):
                    raise ValidationError(MSG_FROZEN, code="frozen")
            going_live = (
                self.live
                and (stored is None or not stored.live)
                and (not NoticeFingerprint.objects.filter(page_id=self.pk).exists())
            )
            if going_live:
                if not review_approved(self, self.live_revision_id):
                    raise PermissionDenied(MSG_UNREVIEWED)
                guard.notice_check_personal_data(self)
                self.search_words = notice_search_words(self)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "search_words"}
            super().save(*args, **kwargs)
            if going_live:
                fingerprints.fingerprint_record(notice=self)
                if self.corrects_id:
                    NoticePage.objects.filter(pk=self.corrects_id).update(is_superseded=True)

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise ValidationError(MSG_FROZEN, code="frozen")
        return super().delete(*args, **kwargs)

    def permissions_for_user(self, user):
        from .permissions import NoticePagePermissionTester

        return NoticePagePermissionTester(user, self)

    @path("")
    def notice(self, request):
        return mark_public(self, request, self.render(request))

    @path("attachments/<int:pk>/", name="attachment")
    def attachment(self, request, pk: int):
        """An attachment of this published notice, public like the notice (documents are
        otherwise private papers, common.files); a draft's attachments are not served."""
        from .views import attachment_serve

        return attachment_serve(request, notice=self, attachment_pk=pk)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Loaded with the page when it was routed from its board (CompoundNoticesPage.route).
        context["fingerprint"] = getattr(self, "fingerprint", None)
        # A correction's publication marks the corrected notice superseded (save below):
        # a notice never corrected needs no query for its corrections.
        context["corrections"] = (
            self.corrections.live().order_by("first_published_at") if self.is_superseded else []
        )
        return context


class NoticeAttachment(Orderable):
    """A document attached to a notice (PDF, image). Its bytes are in the fingerprint."""

    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("附件名称"), max_length=200)

    panels = [FieldPanel("title"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = pgettext_lazy("复数", "附件")

    jurisdiction_fields = ("page__compound__region_path", "page__compound_id")

    def __str__(self) -> str:
        return self.title


class NoticeFingerprint(models.Model):
    """One published notice in its compound's hash chain. Append-only: rows are written
    once, at first publication, and never changed or deleted; ``verify_notices``
    recomputes every link."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=255, editable=False)
    sequence = models.PositiveIntegerField(_("序号"))
    page = models.OneToOneField(
        NoticePage, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="fingerprint"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("版本"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"))
    content_sha256 = models.CharField(_("内容指纹"), max_length=64)
    previous_sha256 = models.CharField(_("前一条指纹"), max_length=64)
    sha256 = models.CharField(_("链上指纹"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("公示指纹")
        verbose_name_plural = pgettext_lazy("复数", "公示指纹")
        ordering = ["compound_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "sequence"], name="notice_fingerprint_unique_sequence"
            )
        ]
        indexes = [models.Index(fields=["region_path"], name="notice_fp_region_idx")]

    jurisdiction_fields = ("region_path", "compound_id")

    def __str__(self) -> str:
        return self.sha256

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("公示指纹只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("公示指纹只能追加，不能删除。"))
