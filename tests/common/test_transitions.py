"""The shared transition mechanism (common.transitions, STYLE §2.4) exercised through the
real election and joint-review workflows (DOMAIN §9): every (state, verb) pair, the
permission, jurisdiction, reason and guard refusals, the audit entry in the admin history,
and a source scan proving nothing else assigns a workflow status field."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from committees.choices import (
    CandidateStatus,
    ElectionStatus,
    FindingCategory,
    ReviewSource,
    ReviewStatus,
)
from committees.elections.services.elections import election_start_vetting
from committees.elections.workflows import (
    CANDIDATE_WORKFLOW,
    ELECTION_WORKFLOW,
    MSG_CATEGORY_REQUIRED,
    MSG_WRONG_DEPARTMENT,
    REVIEW_WORKFLOW,
)
from committees.models import Candidate, CandidateReview, Election
from common.transitions import MSG_REASON, InvalidTransition
from estates.choices import DepartmentKind
from tests.committees.review_setup import build_vetting, officer
from tests.factories import make_user

pytestmark = pytest.mark.django_db
REASON = "业主大会筹备组决定延期"
ROOT = Path(__file__).resolve().parents[2]


def set_state(obj, state: str) -> None:
    """Tests may put rows into any state directly; the app may not (scan below)."""
    type(obj).objects.filter(pk=obj.pk).update(status=state)
    obj.refresh_from_db()


def log_count(obj) -> int:
    return ModelLogEntry.objects.for_instance(obj).count()


@pytest.fixture
def vetting(tree):
    return build_vetting(tree)


@pytest.fixture
def admin_user(db):
    return make_user("platform_root", is_superuser=True, is_staff=True)


def _review(v, *, source: str, status: str = ReviewStatus.PENDING) -> CandidateReview:
    candidate = v.candidates[0]
    department = None if source == ReviewSource.AUTOMATIC else v.departments["police"]
    review = CandidateReview.objects.create(
        candidate=candidate,
        compound=candidate.compound,
        source=source,
        department=department,
        category=FindingCategory.CRIMINAL if source == ReviewSource.AUTOMATIC else "",
        # The checks this department answers for, as vetting records them (DOMAIN §9).
        checks=None if source == ReviewSource.AUTOMATIC else {FindingCategory.CRIMINAL: False},
        due_on=datetime.date(2026, 3, 16),
    )
    set_state(review, status)
    return review


def subject_for(workflow, verb: str, v):
    """An object on which the verb's guard holds, so a legal pair must succeed."""
    if workflow is ELECTION_WORKFLOW:
        # One concluded candidate: start_vetting (has candidates) and publish (all
        # concluded) both hold.
        set_state(v.candidates[0], CandidateStatus.PASSED)
        for c in v.candidates[1:]:
            set_state(c, CandidateStatus.WITHDRAWN)
        return v.election
    if workflow is CANDIDATE_WORKFLOW:
        candidate = v.candidates[0]
        answer = ReviewStatus.FAILED if verb == "fail" else ReviewStatus.PASSED
        # The verdict needs an answer for every check recorded when vetting started.
        Election.objects.filter(pk=v.election.pk).update(
            review_categories=[FindingCategory.CRIMINAL]
        )
        review = CandidateReview.objects.create(
            candidate=candidate,
            compound=candidate.compound,
            department=v.departments["police"],
            category=FindingCategory.CRIMINAL if verb == "fail" else "",
            checks={FindingCategory.CRIMINAL: False},
            due_on=datetime.date(2026, 3, 16),
        )
        set_state(review, answer)
        return candidate
    source = ReviewSource.AUTOMATIC if verb.startswith("auto_") else ReviewSource.DEPARTMENT
    return _review(v, source=source)


def fire_kwargs(workflow, verb: str) -> dict:
    kwargs = {"reason": REASON}
    if workflow is REVIEW_WORKFLOW and verb in ("fail", "flag"):
        kwargs["changes"] = {"category": FindingCategory.CRIMINAL}
    if workflow is ELECTION_WORKFLOW and verb == "start_vetting":
        # The checks vetting is done on (services.reviews.vetting_start records them).
        kwargs["changes"] = {"review_categories": [FindingCategory.CRIMINAL]}
    return kwargs


PAIRS = [
    (workflow, state, transition.name)
    for workflow in (ELECTION_WORKFLOW, CANDIDATE_WORKFLOW, REVIEW_WORKFLOW)
    for state in workflow.states.values
    for transition in workflow.transitions
]


@pytest.mark.parametrize(
    ("workflow", "state", "verb"),
    PAIRS,
    ids=[f"{w.model}:{s}:{v}" for w, s, v in PAIRS],
)
def test_every_state_verb_pair(vetting, admin_user, workflow, state, verb):
    obj = subject_for(workflow, verb, vetting)
    set_state(obj, state)
    before = log_count(obj)
    transition = workflow.by_name[verb]
    if state in transition.sources:
        workflow.fire(obj, verb, actor=admin_user, **fire_kwargs(workflow, verb))
        obj.refresh_from_db()
        assert obj.status == transition.target
        assert log_count(obj) == before + 1
    else:
        with pytest.raises(InvalidTransition):
            workflow.fire(obj, verb, actor=admin_user, **fire_kwargs(workflow, verb))
        obj.refresh_from_db()
        assert obj.status == state
        assert log_count(obj) == before


def test_actor_without_permission_is_refused(vetting):
    # A department reviewer does not organise elections (committees.manage_election).
    with pytest.raises(PermissionDenied):
        ELECTION_WORKFLOW.fire(vetting.election, "start_vetting", actor=vetting.police_reviewer)
    assert vetting.election.status == ElectionStatus.NOMINATING


def test_actor_outside_jurisdiction_is_refused(vetting):
    # 卧龙街道 staff hold the permission but not the compound in 开化街道.
    with pytest.raises(PermissionDenied):
        ELECTION_WORKFLOW.fire(vetting.election, "start_vetting", actor=vetting.other_street_staff)
    vetting.election.refresh_from_db()
    assert vetting.election.status == ElectionStatus.NOMINATING
    assert not ModelLogEntry.objects.filter(action="committees.election.start_vetting").exists()


def test_reviewer_of_another_department_is_refused_with_message(vetting):
    """DOMAIN §9: the market-supervision reviewer cannot answer the police check."""
    election_start_vetting(election=vetting.election, actor=vetting.street_staff)
    review = CandidateReview.objects.get(
        candidate=vetting.candidates[0], department__kind=DepartmentKind.POLICE
    )
    with pytest.raises(PermissionDenied) as refused:
        REVIEW_WORKFLOW.fire(review, "pass", actor=vetting.market_reviewer)
    assert str(refused.value) == str(MSG_WRONG_DEPARTMENT % {"department": "文山市公安局"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING and log_count(review) == 0
    # The police reviewer may.
    REVIEW_WORKFLOW.fire(review, "pass", actor=vetting.police_reviewer)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PASSED


def test_reason_required(vetting):
    before = log_count(vetting.election)
    with pytest.raises(ValidationError) as refused:
        ELECTION_WORKFLOW.fire(vetting.election, "cancel", actor=vetting.street_staff, reason=" ")
    assert refused.value.error_list[0].message == MSG_REASON
    vetting.election.refresh_from_db()
    assert vetting.election.status == ElectionStatus.NOMINATING
    assert log_count(vetting.election) == before


def test_guard_refusal_writes_nothing(vetting, admin_user):
    """A "failed" answer without a reason category (DOMAIN §9) is refused before any
    field, status or audit entry is written."""
    review = _review(vetting, source=ReviewSource.DEPARTMENT)
    with pytest.raises(ValidationError) as refused:
        REVIEW_WORKFLOW.fire(
            review,
            "fail",
            actor=admin_user,
            changes={"category": "", "answered_on": datetime.date(2026, 3, 5)},
        )
    assert refused.value.error_list[0].message == MSG_CATEGORY_REQUIRED
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    assert review.answered_on is None
    assert log_count(review) == 0


def test_audit_entry_and_admin_history(client, vetting):
    street = vetting.street_staff
    ELECTION_WORKFLOW.fire(vetting.election, "cancel", actor=street, reason=REASON)
    entry = ModelLogEntry.objects.for_instance(vetting.election).get(
        action="committees.election.cancel"
    )
    assert entry.user_id == street.pk
    assert entry.data == {"from": "nominating", "to": "cancelled", "reason": REASON}
    assert entry.timestamp is not None
    client.force_login(street)
    response = client.get(reverse("committees_election:history", args=[vetting.election.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "取消选举" in html  # the registered label of the verb
    assert street.username in html or street.get_full_name() in html
    # Staff of another street cannot read the history (404: not in their jurisdiction).
    client.force_login(vetting.other_street_staff)
    other = client.get(reverse("committees_election:history", args=[vetting.election.pk]))
    assert other.status_code == 404


def test_mermaid_diagram_lists_every_transition():
    diagram = CANDIDATE_WORKFLOW.mermaid()
    assert diagram.startswith("stateDiagram-v2\n    [*] --> nominated")
    assert "under_review --> failed: fail" in diagram
    assert "passed --> withdrawn: withdraw" in diagram


def test_community_staff_may_manage_own_compound(vetting):
    staff = officer("community_staff", vetting.tree.communities[0], "kaihua_c1_second")
    ELECTION_WORKFLOW.fire(vetting.election, "cancel", actor=staff, reason=REASON)
    assert vetting.election.status == ElectionStatus.CANCELLED


# ---------------------------------------------------------------- source scan


def _workflow_models() -> dict[str, set[str]]:
    """Model class name → status field, from every Workflow(model=...) declaration."""
    found: dict[str, set[str]] = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Workflow":
                keywords = {k.arg: k.value for k in node.keywords}
                model = keywords.get("model")
                if isinstance(model, ast.Constant):
                    field = keywords.get("status_field")
                    name = field.value if isinstance(field, ast.Constant) else "status"
                    found.setdefault(model.value.split(".")[1], set()).add(name)
    return found


def _sources() -> list[Path]:
    skip = {"tests", "migrations", ".venv", "node_modules", "var", "bench"}
    return [p for p in ROOT.rglob("*.py") if not skip & set(p.relative_to(ROOT).parts)]


WRITE_METHODS = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}


def _violations(paths: list[Path] | None = None, root: Path = ROOT) -> list[str]:
    models = _workflow_models()
    fields = set().union(*models.values())
    problems = []
    for path in paths if paths is not None else _sources():
        rel = path.relative_to(root).as_posix()
        if rel == "common/transitions.py":
            continue
        source = path.read_text(encoding="utf-8")
        if not any(name in source for name in models):
            continue  # the file never touches a workflow model
        for node in ast.walk(ast.parse(source)):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in fields:
                    problems.append(f"{rel}:{node.lineno} assigns .{target.attr}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            keyword_names = {k.arg for k in node.keywords}
            if (name in WRITE_METHODS or name in models) and keyword_names & fields:
                problems.append(f"{rel}:{node.lineno} {name}(status=...)")
            if (
                name == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in fields
            ):
                problems.append(f"{rel}:{node.lineno} setattr status")
    return problems


def test_only_the_transition_mechanism_assigns_workflow_status():
    """STYLE §2.4: a status field changes only in Workflow.fire (creation defaults aside)."""
    models = _workflow_models()
    assert {"Election", "Candidate", "CandidateReview"} <= set(models)
    assert _violations() == []


def test_scan_catches_a_direct_assignment(tmp_path):
    """The scanner itself works: planted assignments are reported, reads are not."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from committees.models import Candidate\n"
        "def bad(c: Candidate):\n    c.status = 'passed'\n"
        "    Candidate.objects.filter(pk=1).update(status='failed')\n"
        "    Candidate.objects.filter(status='failed').count()\n",
        encoding="utf-8",
    )
    problems = _violations([planted], root=tmp_path)
    assert problems == ["planted.py:3 assigns .status", "planted.py:4 update(status=...)"]


def test_candidate_fixture_is_nominated(vetting):
    assert {c.status for c in Candidate.objects.filter(election=vetting.election)} == {
        CandidateStatus.NOMINATED
    }
    assert Election.objects.get(pk=vetting.election.pk).status == ElectionStatus.NOMINATING
