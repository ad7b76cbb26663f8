"""Forms of the election screens. They only collect input: every rule (an owner of the
compound, DOMAIN 4.1; one open election per compound; the 15-day notice, DOMAIN 2.4) is
checked by the services, whose Chinese messages the views attach to the fields."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.documents.widgets import AdminDocumentChooser

from common.access import scoped
from common.files import documents_visible_to
from estates.models import Owner

from ..choices import CommitteeKind, PartyStatus, Position

MSG_PICK_OWNER = _("请输入姓名或手机号，并从下拉列表中选择一位本小区业主。")
MSG_OWNER_NOT_IN_COMPOUND = _("候选人必须是本小区的业主。")

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # HTML date inputs take ISO


class ElectionOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("委员会类型"), choices=CommitteeKind.choices)
    term_number = forms.IntegerField(label=_("届次"), min_value=1)
    seats = forms.IntegerField(
        label=_("应选人数"),
        min_value=1,
        max_value=11,
        help_text=_("业主委员会一般为5至11人，单数。"),
    )
    started_on = forms.DateField(label=_("启动日期"), widget=DATE)
    planned_on = forms.DateField(
        label=_("计划选举日期"),
        required=False,
        widget=DATE,
        help_text=_("可稍后在公示候选人时填写。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()


class NominationForm(forms.Form):
    """The owner is picked with the autocomplete (committees/elections/nominate.js): the
    visible box searches, a hidden field carries the chosen owner's id. No list of owners
    is rendered."""

    owner_query = forms.CharField(
        label=_("候选人（业主）"),
        max_length=50,
        required=False,
        help_text=_("输入姓名或手机号的前几位，从列表中选择。只列出本小区的业主。"),
    )
    owner = forms.ModelChoiceField(
        queryset=Owner.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"required": MSG_PICK_OWNER, "invalid_choice": MSG_PICK_OWNER},
    )
    position_sought = forms.ChoiceField(label=_("拟任职务"), choices=Position.choices)
    party_status = forms.ChoiceField(
        label=_("政治面貌"), choices=PartyStatus.choices, initial=PartyStatus.NONE
    )
    nominated_on = forms.DateField(label=_("提名日期"), widget=DATE)
    document = forms.ModelChoiceField(
        label=_("提名材料"),
        queryset=get_document_model().objects.none(),
        required=False,
        widget=AdminDocumentChooser,
        help_text=_("只能选择您有权查看的文件；新文件可在选择窗口中上传。"),
        error_messages={"invalid_choice": _("所选提名材料不存在，或您无权查看。")},
    )

    def __init__(self, *args, user, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.election = election
        # Owners the user may see; the service then requires one of this compound.
        self.fields["owner"].queryset = scoped(Owner, user=user)
        self.fields["document"].queryset = documents_visible_to(user)
        self.fields["nominated_on"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class NoticeForm(forms.Form):
    """The candidate notice (候选人公示) entered when the list is published."""

    notice_from = forms.DateField(label=_("公示开始日期"), widget=DATE)
    notice_until = forms.DateField(label=_("公示截止日期"), widget=DATE)
    planned_on = forms.DateField(
        label=_("计划选举日期"), widget=DATE, help_text=_("须在公示开始15日之后。")
    )
    issued_by = forms.CharField(
        label=_("发布单位"), max_length=100, help_text=_("如：开化街道党工委、东方社区党委。")
    )
    objection_place = forms.CharField(
        label=_("异议受理地点"),
        max_length=200,
        help_text=_("如：东方社区党群服务中心二楼。"),
    )
    objection_phone = forms.CharField(label=_("异议受理电话"), max_length=30, required=False)
    objection_until = forms.DateField(label=_("异议受理截止日期"), widget=DATE)


class EmptyForm(forms.Form):
    """A confirmation with nothing to fill in."""
