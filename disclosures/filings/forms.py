"""Admin forms of the filings: the committee's draft (and revision), and the reason or note
an officer gives with a review. The forms only collect input; the services validate,
authorise and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.documents.widgets import AdminDocumentChooser

from committees.models import Committee
from common.access import scoped
from common.files import documents_visible_to
from common.jurisdiction import VIEW
from estates.models import Building

from .choices import MatterType, ScopeKind
from .models import Filing

FILING_FIELDS = [
    "matter_type",
    "title",
    "proposal",
    "amount",
    "planned_vote_on",
    "scope_kind",
    "scope_buildings",
    "scope_note",
]


class FilingForm(forms.ModelForm):
    """The filing as the committee writes it. A new filing names its committee (one of
    the active committees in the user's jurisdiction); the buildings offered are those of
    the user's compounds."""

    committee = forms.ModelChoiceField(
        label=_("委员会"), queryset=Committee.objects.none(), required=True
    )

    class Meta:
        model = Filing
        fields = FILING_FIELDS
        widgets = {
            "planned_vote_on": forms.DateInput(attrs={"type": "date"}),
            "proposal": forms.Textarea(attrs={"rows": 8}),
            "scope_buildings": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "amount": _("使用或筹集专项维修资金、支出共有部分收益时填写。"),
            "planned_vote_on": _("街道接收报备后须间隔规定天数方可开始表决。"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        committees = scoped(Committee, user=user, level=VIEW).filter(is_active=True)
        if self.instance.pk:
            del self.fields["committee"]
            buildings = Building.objects.filter(compound_id=self.instance.compound_id)
        else:
            self.fields["committee"].queryset = committees.select_related("compound")
            buildings = Building.objects.filter(compound__committees__in=committees)
        self.fields["scope_buildings"].queryset = scoped(
            buildings.distinct(), user=user, level=VIEW
        ).select_related("compound")
        self.fields["matter_type"].choices = MatterType.choices
        self.fields["scope_kind"].choices = ScopeKind.choices

    def _post_clean(self):
        # The services run the model's validation and the cross-field rules; the form
        # only keeps the cleaned values (its own instance is never saved).
        pass

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in FILING_FIELDS if name in self.fields}
        data.pop("scope_buildings", None)
        data["scope_note"] = data.get("scope_note") or ""
        return data


class FilingDocumentForm(forms.Form):
    """A paper to file with the proposal: a Wagtail document the user may read (their own
    upload, or one already linked in their jurisdiction)."""

    title = forms.CharField(label=_("材料名称"), max_length=200)
    document = forms.ModelChoiceField(
        label=_("文件"), queryset=get_document_model().objects.none(), widget=AdminDocumentChooser
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents_visible_to(user)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由或意见"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReportForm(forms.Form):
    content = forms.CharField(
        label=_("报告内容"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
