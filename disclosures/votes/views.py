"""Back-office screens of owners' votes: start a vote on an accepted filing, confirm each
verb, the keyboard-only ballot entry screen (building by building, one row per unit, the
units still missing counted), and the second person's check of each batch (four eyes).

Views are thin: they check the role, fetch through ``common.access`` (404 outside the
jurisdiction) and call the services, which authorise again and fire the transitions.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from committees.choices import ElectionStatus
from committees.elections.workflows import MANAGE_ELECTION
from committees.models import Election
from common.access import fetch, require_role, scoped
from common.admin_mixins import AdminPageMixin
from disclosures.filings.choices import FilingStatus, ScopeKind
from disclosures.filings.models import Filing
from estates.models import Unit

from . import elections, publication, services
from .models import BallotBatch
from .selectors import votes_visible_to
from .workflows import ENTER_BALLOT, MANAGE_VOTE, PUBLICATION_WORKFLOW, VOTE_WORKFLOW

INSPECT_URL = "votes_vote:inspect"
VIEW_VOTE = "votes.view_vote"

MSG_DONE = _("操作已完成：%(action)s。")
MSG_CREATED = _("表决已创建，开启后冻结表决业主名册。")
MSG_ENTERED = _("已录入%(count)d张表决票，须由另一人复核后计入。")
MSG_NOTHING = _("没有填写任何表决意见。")
MSG_ROW = _("%(unit)s：%(message)s")
MSG_UNKNOWN_ADDRESS = _("第%(line)d行“%(text)s”不是本小区的房屋（格式：楼栋 单元 房号）。")
MSG_CONFIRMED = _("该批表决票已复核，计入表决结果。")
MSG_REJECTED = _("该批表决票已退回作废，相关房屋可重新录入。")

# One key per choice at the entry screen: type 1, 2 or 3 and Tab to the next unit.
KEYS = {"1": "agree", "2": "oppose", "3": "abstain"}


def _error_text(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


def vote_actions(vote, user) -> list[tuple[str, str]]:
    """(verb, label) of the verbs the user may fire on the vote now."""
    return [
        (t.name, str(t.label))
        for workflow in (VOTE_WORKFLOW, PUBLICATION_WORKFLOW)
        for t in workflow.available(vote, user)
    ]


class VoteForm(forms.Form):
    filing = forms.ModelChoiceField(label=_("重大事项报备"), queryset=Filing.objects.none())
    election = forms.ModelChoiceField(
        label=_("选举"),
        queryset=Election.objects.none(),
        required=False,
        help_text=_("选举或更换业主委员会委员时选择已公示候选人的选举；每名候选人一项。"),
    )
    title = forms.CharField(label=_("表决事项"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("表决开始日期"), widget=forms.DateInput({"type": "date"}))
    ends_on = forms.DateField(label=_("表决截止日期"), widget=forms.DateInput({"type": "date"}))
    units = forms.CharField(
        label=_("列支范围内房屋"),
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("仅按维修资金列支范围表决时填写，每行一户：楼栋 单元 房号。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filing"].queryset = (
            scoped(Filing, user=user)
            .filter(status=FilingStatus.ACCEPTED)
            .select_related("compound")
            .order_by("-accepted_on")
        )
        self.fields["election"].queryset = (
            scoped(Election, user=user)
            .filter(status=ElectionStatus.PUBLISHED)
            .select_related("compound")
            .order_by("-started_on")
        )

    def clean(self):
        data = super().clean()
        filing = data.get("filing")
        data["unit_list"] = []
        if filing is None or filing.scope_kind != ScopeKind.COST_SHARING:
            return data
        addresses = {
            (services.normalise(b), services.normalise(e), services.normalise(r)): pk
            for pk, b, e, r in Unit.objects.filter(compound=filing.compound).values_list(
                "pk", "building__name", "entrance", "room"
            )
        }
        wanted = []
        for line_no, line in enumerate((data.get("units") or "").splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            key = (
                services.normalise(parts[0]),
                services.normalise(parts[1]) if len(parts) == 3 else "",
                services.normalise(parts[-1]),
            )
            if len(parts) not in (2, 3) or key not in addresses:
                self.add_error("units", MSG_UNKNOWN_ADDRESS % {"line": line_no, "text": line})
                continue
            wanted.append(addresses[key])
        data["unit_list"] = list(Unit.objects.filter(pk__in=wanted))
        return data


class VoteCreateView(AdminPageMixin, FormView):
    form_class = VoteForm
    template_name = "votes/admin/form.html"
    page_title = _("发起业主表决")
    header_icon = "tasks"
    required_role = MANAGE_VOTE

    def get_initial(self):
        today = timezone.localdate()
        return {"starts_on": today, "ends_on": today + timedelta(days=14)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if data.get("election") is not None:
                vote = elections.election_vote_create(
                    election=data["election"],
                    filing=data["filing"],
                    actor=self.request.user,
                    title=data["title"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
                messages.success(self.request, MSG_CREATED)
                return redirect(reverse(INSPECT_URL, args=[vote.pk]))
            vote = services.vote_create(
                filing=data["filing"],
                actor=self.request.user,
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                units=data["unit_list"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_CREATED)
        return redirect(reverse(INSPECT_URL, args=[vote.pk]))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea({"rows": 3}))


class VoteActionView(AdminPageMixin, FormView):
    """Confirm a verb (GET), then fire it (POST); a refusal comes back as a message."""

    form_class = ReasonForm
    template_name = "votes/admin/confirm.html"
    header_icon = "tasks"

    RUN = {
        "open": lambda v, u, r: services.vote_open(vote=v, actor=u),
        "close": lambda v, u, r: services.vote_close(vote=v, actor=u),
        "count": lambda v, u, r: services.vote_count(vote=v, actor=u),
        "cancel": lambda v, u, r: services.vote_cancel(vote=v, actor=u, reason=r),
        "publish_notice": lambda v, u, r: publication.publish_notice(vote=v, actor=u),
        "publish_preliminary": lambda v, u, r: publication.publish_preliminary(vote=v, actor=u),
        "publish_final": lambda v, u, r: publication.publish_final(vote=v, actor=u),
    }

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, VIEW_VOTE)
        self.vote = fetch(votes_visible_to(request.user), user=request.user, pk=kwargs["pk"])
        self.transition = VOTE_WORKFLOW.by_name.get(
            kwargs["verb"]
        ) or PUBLICATION_WORKFLOW.by_name.get(kwargs["verb"])
        if self.transition is None:
            raise PermissionDenied
        require_role(request.user, self.transition.permission)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.transition.label

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "vote": self.vote,
            "transition": self.transition,
            "cancel_url": reverse(INSPECT_URL, args=[self.vote.pk]),
        }

    def form_valid(self, form):
        try:
            self.RUN[self.transition.name](
                self.vote, self.request.user, form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(self.request, _error_text(error))
        else:
            messages.success(self.request, MSG_DONE % {"action": self.transition.label})
        return redirect(reverse(INSPECT_URL, args=[self.vote.pk]))


class BallotEntryView(AdminPageMixin, TemplateView):
    """Paper ballots, building by building: one row per unit still without a ballot, a
    one-key choice per row (1 同意, 2 反对, 3 弃权), Tab to the next. The page saves all its
    rows or none, naming each refused row; saved ballots wait for the second person."""

    template_name = "votes/admin/entry.html"
    page_title = _("录入表决票")
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, ENTER_BALLOT)
        self.vote = fetch(votes_visible_to(request.user), user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def _rows(self, building: str):
        taken = set(self.vote.ballots.filter(voided=False).values_list("entry_id", flat=True))
        entries = list(self.vote.electorate.order_by("building_name", "entrance", "room"))
        buildings: dict[str, int] = {}
        for entry in entries:
            buildings.setdefault(entry.building_name, 0)
            if entry.pk not in taken:
                buildings[entry.building_name] += 1
        current = building if building in buildings else next(iter(buildings), "")
        rows = [e for e in entries if e.building_name == current and e.pk not in taken]
        return buildings, current, rows

    def get_context_data(self, **kwargs):
        building = self.request.GET.get("building") or self.request.POST.get("building") or ""
        buildings, current, rows = self._rows(building)
        items = list(self.vote.items.order_by("order")) if self.vote.election_id else []
        marks = kwargs.get("marks", {})
        return {
            **super().get_context_data(**kwargs),
            "vote": self.vote,
            "buildings": buildings.items(),
            "building": current,
            "rows": rows,
            "items": items,
            "election_rows": [
                (
                    row,
                    [
                        (item, f"mark-{row.pk}-{item.pk}", marks.get(f"{row.pk}-{item.pk}", ""))
                        for item in items
                    ],
                )
                for row in rows
            ],
            "missing": sum(buildings.values()),
            "today": timezone.localdate(),
            "values": kwargs.get("values", {}),
            "errors": kwargs.get("errors", []),
            "inspect_url": reverse(INSPECT_URL, args=[self.vote.pk]),
        }

    def post(self, request, *args, **kwargs):
        if self.vote.election_id:
            return _election_post(self, request)
        _buildings, current, rows = self._rows(request.POST.get("building", ""))
        values = {row.pk: request.POST.get(f"choice-{row.pk}", "").strip() for row in rows}

        def enter(row, cast_on) -> None:
            text = values[row.pk]
            services.ballot_enter(
                vote=self.vote,
                actor=request.user,
                building=row.building_name,
                entrance=row.entrance,
                room=row.room,
                choice=KEYS.get(services.normalise(text), text),
                cast_on=cast_on,
                proxy_name=request.POST.get(f"proxy-{row.pk}", "").strip(),
            )

        chosen = [row for row in rows if values[row.pk]]
        return self.enter_rows(request, current, chosen, enter, {"values": values})

    def enter_rows(self, request, current: str, chosen: list, enter, typed: dict):
        """Enter each chosen row with ``enter(row, cast_on)``, all in one transaction: every
        bad row is named and nothing is kept, or every ballot is in. ``typed`` (what the
        user typed) goes back to the form on refusal."""
        try:
            cast_on = forms.DateField(required=False).clean(request.POST.get("cast_on"))
        except ValidationError as error:
            return self.render_to_response(
                self.get_context_data(**typed, errors=[_error_text(error)])
            )
        cast_on = cast_on or timezone.localdate()
        if not chosen:
            messages.error(request, MSG_NOTHING)
            return self.render_to_response(self.get_context_data(**typed))
        errors = []
        try:
            with transaction.atomic():
                for row in chosen:
                    try:
                        enter(row, cast_on)
                    except ValidationError as error:
                        errors.append(MSG_ROW % {"unit": row, "message": _error_text(error)})
                if errors:
                    raise ValidationError(errors)
        except ValidationError:
            return self.render_to_response(self.get_context_data(**typed, errors=errors))
        messages.success(request, MSG_ENTERED % {"count": len(chosen)})
        url = reverse("votes_vote:entry", args=[self.vote.pk])
        return redirect(f"{url}?building={current}")


class BatchActionView(AdminPageMixin, FormView):
    """The second person confirms a batch (its ballots then count) or rejects it with a
    reason (kept, void, the units free to enter again)."""

    form_class = ReasonForm
    template_name = "votes/admin/batch_confirm.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, ENTER_BALLOT)
        self.vote = fetch(votes_visible_to(request.user), user=request.user, pk=kwargs["pk"])
        self.batch = fetch(
            BallotBatch.objects.filter(vote=self.vote).select_related("entered_by"),
            user=request.user,
            pk=kwargs["batch_pk"],
        )
        self.verb = kwargs["verb"]
        if self.verb not in ("confirm", "reject"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("复核表决票") if self.verb == "confirm" else _("退回表决票")

    def get_context_data(self, **kwargs):
        ballots = self.batch.ballots.select_related("entry").order_by(
            "entry__building_name", "entry__entrance", "entry__room"
        )
        return {
            **super().get_context_data(**kwargs),
            "vote": self.vote,
            "batch": self.batch,
            "ballots": ballots,
            "verb": self.verb,
            "cancel_url": reverse(INSPECT_URL, args=[self.vote.pk]),
        }

    def form_valid(self, form):
        try:
            if self.verb == "confirm":
                services.batch_confirm(batch=self.batch, actor=self.request.user)
                messages.success(self.request, MSG_CONFIRMED)
            else:
                services.batch_reject(
                    batch=self.batch, actor=self.request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(self.request, MSG_REJECTED)
        except ValidationError as error:
            messages.error(self.request, _error_text(error))
        return redirect(reverse(INSPECT_URL, args=[self.vote.pk]))


def _election_post(view: BallotEntryView, request):
    """An election's rows: one key per candidate (1 同意, 2 反对, 3 弃权); a row with any
    key typed is a ballot and needs all of them (the service names what is missing)."""
    _buildings, current, rows = view._rows(request.POST.get("building", ""))
    items = list(view.vote.items.order_by("order"))
    marks = {
        f"{row.pk}-{item.pk}": request.POST.get(f"mark-{row.pk}-{item.pk}", "").strip()
        for row in rows
        for item in items
    }

    def enter(row, cast_on) -> None:
        typed = {
            item.pk: marks[f"{row.pk}-{item.pk}"] for item in items if marks[f"{row.pk}-{item.pk}"]
        }
        elections.election_ballot_enter(
            vote=view.vote,
            actor=request.user,
            building=row.building_name,
            entrance=row.entrance,
            room=row.room,
            marks={key: KEYS.get(services.normalise(text), text) for key, text in typed.items()},
            cast_on=cast_on,
            proxy_name=request.POST.get(f"proxy-{row.pk}", "").strip(),
        )

    chosen = [row for row in rows if any(marks[f"{row.pk}-{item.pk}"] for item in items)]
    return view.enter_rows(request, current, chosen, enter, {"marks": marks})


class ElectionConcludeView(AdminPageMixin, FormView):
    """Seat the final result of an election vote (election staff): the election is held
    and the elected become the new term (disclosures.votes.elections)."""

    form_class = forms.Form
    template_name = "votes/admin/confirm.html"
    header_icon = "tasks"
    page_title = _("根据表决结果完成选举")

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_ELECTION)
        self.vote = fetch(votes_visible_to(request.user), user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "vote": self.vote,
            "transition": {"label": self.page_title, "requires_reason": False},
            "cancel_url": reverse(INSPECT_URL, args=[self.vote.pk]),
        }

    def form_valid(self, form):
        try:
            elections.election_conclude(vote=self.vote, actor=self.request.user)
        except ValidationError as error:
            messages.error(self.request, _error_text(error))
        else:
            messages.success(self.request, MSG_DONE % {"action": self.page_title})
        return redirect(reverse(INSPECT_URL, args=[self.vote.pk]))
