"""Back-office forms for committees. Forms that change a committee's legal state do not
save the model themselves: :meth:`ServiceForm.perform` calls the matching service, which
validates, writes atomically and audits.

Member lists are pasted one member per line, as streets receive them from the election
(姓名 证件号码 职务 政治面貌 组织关系是否在本社区), e.g.::

    王建国 532601198001010012 主任 正式党员 是
    李秀英 532601198203020021 委员 群众
    刘居委 - 委员              (物委会 seats for the 居委会 or street: no ID number)
    张志强 532601197905050035 候补委员1
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.admin_forms import ScopedForm
from common.jurisdiction import MANAGE, VIEW
from common.validators import normalize_id_number
from estates.choosers import company_chooser, compound_chooser, region_chooser
from estates.models import Compound, Owner

from . import services
from .choices import BranchKind, ElectionStatus, LeaveReason, PartyStatus, Position
from .choosers import committee_chooser, keeper_chooser
from .elections.models import Election
from .models.bodies import (
    ArchiveRecord,
    CalendarDay,
    Committee,
    CommitteeMember,
    PartyBranch,
    RuleProfile,
    Seal,
    Term,
)
from .selectors.committees import COMMITTEE_BRANCH_KINDS

MSG_MEMBER_LINE = _("第%(line)s行格式不正确：%(text)s")
MSG_MEMBER_UNKNOWN = _("第%(line)s行：该证件号码不是本小区登记的业主。")
MSG_NO_MEMBERS = _("请填写委员名单。")
MSG_LEAVE_BOTH = _("离任日期和离任原因须同时填写。")
MSG_BRANCH_COMMITTEE = _("业委会（物委会）党支部和联合党支部须选择所属委员会。")
MSG_ELECTION_OR_REASON = _(
    "请选择产生该委员会的选举；系统上线前已成立的委员会，请不选选举并填写登记理由。"
)
MSG_ELECTION_AND_REASON = _("根据选举组建委员会时不填写登记理由。")
MSG_ELECTION_MISMATCH = _("所选选举的小区或委员会类型与填写的不一致。")
MSG_ELECTED_ON = _("登记系统上线前已成立的委员会，须填写选举日期。")


class ElectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Election) -> str:
        return f"{obj}（{obj.held_on:%Y-%m-%d}）" if obj.held_on else str(obj)


def held_elections():
    """Held elections that have not produced a term yet (DOMAIN §9: a term's members
    come from its election's passed candidates)."""
    return Election.objects.filter(status=ElectionStatus.HELD, term__isnull=True).select_related(
        "compound"
    )


POSITIONS = {
    "主任": Position.CHAIR,
    "副主任": Position.VICE_CHAIR,
    "委员": Position.MEMBER,
    "候补委员": Position.RESERVE,
    "候补": Position.RESERVE,
}
PARTY = {
    "正式党员": PartyStatus.FORMAL,
    "党员": PartyStatus.FORMAL,
    "预备党员": PartyStatus.PROBATIONARY,
    "群众": PartyStatus.NONE,
    "非党员": PartyStatus.NONE,
}
YES = {"是", "在", "本社区", "yes"}
RESERVE_RE = re.compile(r"^(候补委员|候补)(\d+)$")


def parse_members(text: str, *, compound: Compound) -> list[services.MemberSpec]:
    """One MemberSpec per non-empty line; owners are looked up by full ID number (one
    query for the whole list)."""
    rows: list[tuple[int, list[str]]] = []
    errors: list[ValidationError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        parts = raw.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) < 3:
            errors.append(
                ValidationError(MSG_MEMBER_LINE, params={"line": number, "text": raw.strip()})
            )
            continue
        rows.append((number, parts))
    ids = {normalize_id_number(p[1]) for _, p in rows if p[1] not in ("-", "—")}
    # Only owners holding a unit in this compound are found: an ID number registered
    # elsewhere (maybe outside the user's jurisdiction) gets the same answer as an
    # unknown one, so the form never tells whether a number exists (DOMAIN 4.1: members
    # are owners here).
    owners = {
        o.id_number: o
        for o in Owner.objects.filter(id_number__in=ids, ownerships__compound=compound)
        .distinct()
        .order_by("pk")
    }
    specs = []
    for number, parts in rows:
        name, id_number, position_text, *rest = parts
        reserve = RESERVE_RE.match(position_text)
        position = Position.RESERVE if reserve else POSITIONS.get(position_text)
        party = PARTY.get(rest[0]) if rest else PartyStatus.NONE
        if position is None or party is None:
            errors.append(
                ValidationError(MSG_MEMBER_LINE, params={"line": number, "text": " ".join(parts)})
            )
            continue
        owner = None
        if id_number not in ("-", "—"):
            owner = owners.get(normalize_id_number(id_number))
            if owner is None:
                errors.append(ValidationError(MSG_MEMBER_UNKNOWN, params={"line": number}))
                continue
        specs.append(
            services.MemberSpec(
                name=name,
                owner=owner,
                position=position,
                party_status=party,
                party_registered_in_community=party != PartyStatus.NONE
                and len(rest) > 1
                and rest[1] in YES,
                reserve_order=int(reserve.group(2)) if reserve else None,
            )
        )
    if errors:
        raise ValidationError(errors)
    if not specs:
        raise ValidationError(MSG_NO_MEMBERS)
    return specs


class ServiceForm(ScopedForm):
    """A model form whose save is a service call (see ``committees.viewsets``)."""

    def perform(self, *, user):  # pragma: no cover - each form defines it
        raise NotImplementedError


MEMBERS_HELP = _(
    "每行一人：姓名 证件号码 职务（主任/副主任/委员/候补委员1…） 政治面貌（正式党员/预备党员/群众）"
    " 组织关系在本社区（是/否）。物委会中的社区、街道代表证件号码填“-”。"
)


class CommitteeCreateForm(ServiceForm):
    """组建: a committee, its first term and members (DOMAIN 3.1, 4.1, 7.2), from a held
    election whose passed candidates take the seats (DOMAIN §9); or the registration,
    with its reason, of a committee elected before the system was used."""

    scoped_fields = {"compound": MANAGE, "election": MANAGE}
    choosers = {"compound": compound_chooser}
    election = ElectionChoiceField(
        label=_("选举"),
        queryset=held_elections(),
        required=False,
        help_text=_("委员须为该选举通过资格联审的候选人。"),
    )
    registration_reason = forms.CharField(
        label=_("登记理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("仅用于登记系统上线前已成立、在系统中没有选举记录的委员会。"),
    )
    elected_on = forms.DateField(
        label=_("选举日期"), required=False, help_text=_("根据选举组建时取选举日期。")
    )
    ends_on = forms.DateField(
        label=_("任期届满"), required=False, help_text=_("不填则业委会5年、物委会3年。")
    )
    members_text = forms.CharField(
        label=_("委员名单"), widget=forms.Textarea, help_text=MEMBERS_HELP
    )

    class Meta:
        model = Committee
        fields = ["compound", "kind", "set_size"]

    def clean(self):
        cleaned = super().clean()
        election, reason = cleaned.get("election"), cleaned.get("registration_reason", "").strip()
        if election is None and not reason:
            raise ValidationError(MSG_ELECTION_OR_REASON)
        if election is not None and reason:
            raise ValidationError(MSG_ELECTION_AND_REASON)
        if election is not None and (
            cleaned.get("compound") != election.compound or cleaned.get("kind") != election.kind
        ):
            raise ValidationError(MSG_ELECTION_MISMATCH)
        if election is None and not cleaned.get("elected_on"):
            self.add_error("elected_on", MSG_ELECTED_ON)
        return cleaned

    def perform(self, *, user) -> Committee:
        data = self.cleaned_data
        members = parse_members(data["members_text"], compound=data["compound"])
        if data.get("election") is not None:
            return services.committee_form(
                election=data["election"],
                set_size=data["set_size"],
                ends_on=data.get("ends_on"),
                members=members,
                actor=user,
            )
        return services.committee_register_existing(
            compound=data["compound"],
            kind=data["kind"],
            set_size=data["set_size"],
            elected_on=data["elected_on"],
            ends_on=data.get("ends_on"),
            members=members,
            reason=data["registration_reason"],
            actor=user,
        )


class CommitteeEditForm(ServiceForm):
    """Never shown: a committee changes through elections, terms and members, and ends
    through its dissolution action (committees.dissolve_views), which asks a reason and
    a confirmation. The committee's edit address leads there."""

    class Meta:
        model = Committee
        fields: list[str] = []

    def perform(self, *, user) -> Committee:
        return self.instance


class TermCreateForm(ServiceForm):
    """换届: the next term of a committee from its held election (DOMAIN 3.8); the
    members are the election's passed candidates (DOMAIN §9)."""

    scoped_fields = {"committee": MANAGE, "election": MANAGE}
    choosers = {"committee": committee_chooser}
    election = ElectionChoiceField(
        label=_("换届选举"),
        queryset=held_elections(),
        help_text=_("委员须为该选举通过资格联审的候选人。"),
    )
    set_size = forms.IntegerField(label=_("委员设定人数"), required=False, min_value=1)
    members_text = forms.CharField(
        label=_("委员名单"), widget=forms.Textarea, help_text=MEMBERS_HELP
    )

    class Meta:
        model = Term
        fields = ["committee", "starts_on", "ends_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = (
            self.fields["committee"].queryset.filter(is_active=True).select_related("compound")
        )
        self.fields["ends_on"].required = False

    def perform(self, *, user) -> Term:
        data = self.cleaned_data
        committee = data["committee"]
        return services.term_create_next(
            committee=committee,
            election=data["election"],
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            set_size=data.get("set_size"),
            members=parse_members(data["members_text"], compound=committee.compound),
            actor=user,
        )


class TermEditForm(ServiceForm):
    """Records the first meeting, the filing and the handover, each once."""

    class Meta:
        model = Term
        fields = ["first_meeting_on", "filed_on", "filing_reference", "handed_over_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_meeting_on", "filed_on", "handed_over_on"):
            if getattr(self.instance, name) is not None:
                self.fields[name].disabled = True
        if self.instance.filed_on is not None:
            self.fields["filing_reference"].disabled = True

    def perform(self, *, user) -> Term:
        term, data = self.instance, self.cleaned_data
        original = Term.objects.get(pk=term.pk)
        if data.get("first_meeting_on") and original.first_meeting_on is None:
            services.term_record_first_meeting(term=term, on=data["first_meeting_on"], actor=user)
        if data.get("filed_on") and original.filed_on is None:
            services.term_file(
                term=term,
                on=data["filed_on"],
                reference=data.get("filing_reference", ""),
                actor=user,
            )
        if data.get("handed_over_on") and original.handed_over_on is None:
            services.term_hand_over(term=term, on=data["handed_over_on"], actor=user)
        term.refresh_from_db()
        return term


class MemberEditForm(ServiceForm):
    """Leaving (DOMAIN 4.2), handing over (4.4) and party details (8.1–8.3)."""

    class Meta:
        model = CommitteeMember
        fields = [
            "party_status",
            "party_registered_in_community",
            "cross_appointment",
            "left_on",
            "leave_reason",
            "handed_over_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.left_on is not None:
            self.fields["left_on"].disabled = True
            self.fields["leave_reason"].disabled = True
        self.fields["leave_reason"].choices = [("", "---------"), *LeaveReason.choices]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("left_on")) != bool(cleaned.get("leave_reason")):
            raise ValidationError(MSG_LEAVE_BOTH)
        return cleaned

    def perform(self, *, user) -> CommitteeMember:
        data = self.cleaned_data
        original = services.member_update_party(
            member=self.instance,
            party_status=data["party_status"],
            party_registered_in_community=data["party_registered_in_community"],
            cross_appointment=data["cross_appointment"] or "",
            actor=user,
        )
        if data.get("left_on") and original.left_on is None:
            services.member_leave(
                member=original, on=data["left_on"], reason=data["leave_reason"], actor=user
            )
        if data.get("handed_over_on") and original.handed_over_on is None:
            services.member_hand_over(member=original, on=data["handed_over_on"], actor=user)
        original.refresh_from_db()
        return original


class PartyBranchCreateForm(ServiceForm):
    """A committee branch or joint branch (DOMAIN 8.1), or a red-property company branch
    or instructor (8.4)."""

    scoped_fields = {"compound": MANAGE, "committee": MANAGE, "property_company": VIEW}
    choosers = {
        "compound": compound_chooser,
        "committee": committee_chooser,
        "property_company": company_chooser,
    }

    class Meta:
        model = PartyBranch
        fields = [
            "kind",
            "compound",
            "committee",
            "property_company",
            "name",
            "secretary",
            "member_count",
            "founded_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_count"].required = False

    def perform(self, *, user) -> PartyBranch:
        data = self.cleaned_data
        kind, committee = data["kind"], data.get("committee")
        if kind in COMMITTEE_BRANCH_KINDS and committee is not None:
            return services.party_branch_create(
                committee=committee,
                kind=kind,
                name=data["name"],
                secretary=data.get("secretary", ""),
                founded_on=data["founded_on"],
                member_count=data.get("member_count"),
                actor=user,
            )
        if kind == BranchKind.COMMITTEE:
            raise ValidationError(MSG_BRANCH_COMMITTEE)
        return services.red_property_branch_create(
            compound=data["compound"],
            kind=kind,
            name=data["name"],
            secretary=data.get("secretary", ""),
            founded_on=data["founded_on"],
            property_company=data.get("property_company"),
            member_count=data.get("member_count") or 0,
            actor=user,
        )


class PartyBranchEditForm(ServiceForm):
    """Name, secretary, size (at most 50, DOMAIN 8.1) and dissolution, through the service."""

    class Meta:
        model = PartyBranch
        fields = ["name", "secretary", "member_count", "dissolved_on"]

    def perform(self, *, user) -> PartyBranch:
        data = self.cleaned_data
        return services.party_branch_update(
            branch=self.instance,
            name=data["name"],
            secretary=data.get("secretary", ""),
            member_count=data["member_count"],
            dissolved_on=data.get("dissolved_on"),
            actor=user,
        )


class SealCreateForm(ServiceForm):
    """Seals after filing, one serving keeper (DOMAIN 3.3, 3.6)."""

    scoped_fields = {"committee": MANAGE, "keeper": MANAGE}
    choosers = {"committee": committee_chooser, "keeper": keeper_chooser}

    class Meta:
        model = Seal
        fields = ["committee", "name", "made_on", "keeper"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keeper"].queryset = (
            self.fields["keeper"]
            .queryset.filter(left_on__isnull=True)
            .exclude(position=Position.RESERVE)
        )

    def perform(self, *, user) -> Seal:
        data = self.cleaned_data
        return services.seal_register(
            committee=data["committee"],
            name=data["name"],
            made_on=data["made_on"],
            keeper=data["keeper"],
            actor=user,
        )


class SealEditForm(ScopedForm):
    class Meta:
        model = Seal
        fields = ["returned_on"]


class ArchiveCreateForm(ServiceForm):
    scoped_fields = {"committee": MANAGE}
    choosers = {"committee": committee_chooser}

    class Meta:
        model = ArchiveRecord
        fields = ["committee", "kind", "title", "dated_on", "document"]

    def perform(self, *, user) -> ArchiveRecord:
        data = self.cleaned_data
        return services.archive_add(
            committee=data["committee"],
            kind=data["kind"],
            title=data["title"],
            dated_on=data["dated_on"],
            document=data.get("document"),
            actor=user,
        )


MSG_CALENDAR_YEAR = _("日期须在%(first)s年至%(last)s年之间。")
CALENDAR_YEARS = (2000, 2100)


class CalendarDayForm(ScopedForm):
    """A public holiday or a make-up working day (调休), entered by platform
    administrators from the State Council's yearly notice (DOMAIN 1.10)."""

    class Meta:
        model = CalendarDay
        fields = ["date", "is_rest_day", "note"]

    def clean_date(self):
        day = self.cleaned_data["date"]
        first, last = CALENDAR_YEARS
        if not first <= day.year <= last:
            raise ValidationError(MSG_CALENDAR_YEAR, params={"first": first, "last": last})
        return day


class RuleProfileForm(ScopedForm):
    """A region's local rules (DOMAIN L rules; 3.1, 3.8, 7.2, 8.2)."""

    scoped_fields = {"region": MANAGE}
    choosers = {"region": region_chooser}

    class Meta:
        model = RuleProfile
        fields = [
            "region",
            "small_committee_allowed",
            "small_committee_max_households",
            "term_change_lead_months",
            "management_min_size",
            "management_owner_share_required",
            "management_owner_share",
            "management_community_chair",
            "party_share_target",
        ]


class ArchiveEditForm(ScopedForm):
    class Meta:
        model = ArchiveRecord
        fields = ["kind", "title", "dated_on", "document"]
