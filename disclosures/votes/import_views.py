"""The admin upload of a ballot sheet (CSV or XLSX) with the scan of its paper ballots:
the whole file goes in as one batch waiting for the second person's check, or nothing
does and every bad row is named (:mod:`.importing`)."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.documents import get_document_model
from wagtail.documents.widgets import AdminDocumentChooser

from common.access import fetch, require_role
from common.admin_mixins import AdminPageMixin
from common.files import documents_visible_to
from estates.importing import RegistryFileError, read_upload

from . import services
from .importing import COLUMNS, BallotImportError, ballots_import
from .models import BallotBatch
from .selectors import votes_visible_to
from .workflows import ENTER_BALLOT

ALLOWED_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx"}
MSG_SUFFIX = _("只接受 .csv、.txt（Unicode 文本）或 .xlsx 文件。")
MSG_SIZE = _("文件超过 %(limit)s MB 的上限。")
MSG_SCAN_ATTACHED = _("扫描件已附上，复核人将对照核对。")
MSG_IMPORTED = _("已导入%(count)d张表决票，须由另一人复核后计入。")


class BallotImportForm(forms.Form):
    file = forms.FileField(label=_("表决票汇总表（.csv、.txt 或 .xlsx）"))
    scan = forms.ModelChoiceField(
        label=_("纸质表决票扫描件"),
        help_text=_("复核人将对照扫描件核对每张表决票。"),
        queryset=get_document_model().objects.none(),
        required=False,
        widget=AdminDocumentChooser,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only papers the user may read can be attached (common.files).
        self.fields["scan"].queryset = documents_visible_to(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(MSG_SUFFIX)
        limit = settings.REGISTRY_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(MSG_SIZE % {"limit": f"{limit / 1024 / 1024:g}"})
        return upload


class BallotImportView(AdminPageMixin, FormView):
    template_name = "votes/admin/import.html"
    form_class = BallotImportForm
    page_title = _("导入表决票")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, ENTER_BALLOT)
        self.vote = fetch(votes_visible_to(request.user), user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def _columns(self) -> list[str]:
        """The sheet's headings: one choice column, or for an election one column per
        candidate (headed by the name) in its place."""
        names = [names[0] for key, names in COLUMNS.items()]
        if not self.vote.election_id:
            return names
        candidates = list(self.vote.items.order_by("order").values_list("name", flat=True))
        index = list(COLUMNS).index("choice")
        return names[:index] + candidates + names[index + 1 :]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "vote": self.vote,
            "columns": self._columns(),
            "refused_rows": kwargs.get("refused_rows", []),
            "inspect_url": reverse("votes_vote:inspect", args=[self.vote.pk]),
        }

    def form_valid(self, form):
        try:
            data, name = read_upload(form.cleaned_data["file"])
            with transaction.atomic():
                ballots = ballots_import(
                    vote=self.vote, actor=self.request.user, data=data, name=name
                )
                scan = form.cleaned_data.get("scan")
                if scan is not None:
                    services.batch_attach_scan(
                        batch=ballots[0].batch, actor=self.request.user, document=scan
                    )
        except RegistryFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        except BallotImportError as error:
            return self.render_to_response(
                self.get_context_data(form=form, refused_rows=error.messages)
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_IMPORTED % {"count": len(ballots)})
        return redirect("votes_vote:inspect", self.vote.pk)


class BatchScanForm(forms.Form):
    scan = forms.ModelChoiceField(
        label=_("纸质表决票扫描件"),
        queryset=get_document_model().objects.none(),
        widget=AdminDocumentChooser,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"].queryset = documents_visible_to(user)


class BatchScanView(AdminPageMixin, FormView):
    """Attach the scan of a sitting's paper ballots to its batch, so the second person
    checks the entries against it (four eyes)."""

    template_name = "votes/admin/batch_scan.html"
    form_class = BatchScanForm
    page_title = _("附上表决票扫描件")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, ENTER_BALLOT)
        self.vote = fetch(votes_visible_to(request.user), user=request.user, pk=kwargs["pk"])
        self.batch = fetch(
            BallotBatch.objects.filter(vote=self.vote), user=request.user, pk=kwargs["batch_pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "vote": self.vote,
            "batch": self.batch,
            "inspect_url": reverse("votes_vote:inspect", args=[self.vote.pk]),
        }

    def form_valid(self, form):
        try:
            services.batch_attach_scan(
                batch=self.batch, actor=self.request.user, document=form.cleaned_data["scan"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SCAN_ATTACHED)
        return redirect("votes_vote:inspect", self.vote.pk)
