"""A street officer runs an election in the admin, through the real views: opens it for a
compound, nominates owners with the autocomplete (owners of that compound only, DOMAIN
4.1), attaches papers they may read, sends the list to the joint review, publishes the
candidate notice after a confirmation (DOMAIN 2.4, §9), cancels, withdraws a candidate.
Every verb goes through the election workflow with its audit entry, buttons appear only
in the states that allow them, and a refusal leaves nothing half-saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import ModelLogEntry

from committees.choices import CandidateStatus, ElectionStatus
from committees.elections.services.elections import MSG_ELECTION_OPEN, MSG_NOT_OWNER
from committees.models import Candidate, Election
from tests.committees.election_flow import as_post, notice_data, vet_all
from tests.committees.review_setup import build_vetting, owner_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def v(tree):
    return build_vetting(tree)


def url(name: str, *args) -> str:
    return reverse(f"committees_reviews:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def audited(obj, action: str, user) -> bool:
    return ModelLogEntry.objects.for_instance(obj).filter(action=action, user=user).exists()


# ------------------------------------------------------------------ opening


def test_officer_finds_the_compound_and_opens_its_first_election(client, tree, v):
    compound = tree.compounds[1]  # 开化街道's second compound: no committee, no election
    client.force_login(v.street_staff)
    listing = text(client.get(url("elections")))
    assert url("pick_compound") in listing
    found = text(client.get(url("pick_compound"), {"q": compound.name[:3]}))
    assert url("open", compound.pk) in found
    # The compound that has an election open leads to it instead.
    busy = text(client.get(url("pick_compound"), {"q": tree.compounds[0].name}))
    assert url("matrix", v.election.pk) in busy
    form = text(client.get(url("open", compound.pk)))
    assert "首次选举" in form
    response = client.post(
        url("open", compound.pk),
        {"kind": "owners", "term_number": 1, "seats": 7, "started_on": "2026-04-01"},
    )
    election = Election.objects.get(compound=compound)
    assert response.status_code == 302 and response.url == url("matrix", election.pk)
    assert (election.status, election.seats) == (ElectionStatus.NOMINATING, 7)
    assert audited(election, "committees.election.open_nominations", v.street_staff)


def test_a_second_open_election_is_refused_with_the_reason(client, v):
    client.force_login(v.street_staff)
    compound = v.election.compound
    response = client.post(
        url("open", compound.pk),
        {"kind": "owners", "term_number": 2, "seats": 5, "started_on": "2026-04-01"},
    )
    assert response.status_code == 200
    assert str(MSG_ELECTION_OPEN) in text(response)
    assert Election.objects.filter(compound=compound).count() == 1


def test_another_streets_compound_cannot_be_opened_or_found(client, tree, v):
    client.force_login(v.street_staff)
    other = tree.compounds[2]  # 卧龙街道
    assert client.get(url("open", other.pk)).status_code == 404
    found = text(client.get(url("pick_compound"), {"q": other.name}))
    assert url("open", other.pk) not in found and "没有名称包含该文字的小区" in found


def test_a_very_long_search_is_cut_not_refused(client, v):
    client.force_login(v.street_staff)
    assert client.get(url("pick_compound"), {"q": "花" * 2000}).status_code == 200
    response = client.get(url("owners", v.election.pk), {"q": "李" * 2000})
    assert response.status_code == 200 and response.json() == {"results": []}


# ------------------------------------------------------------------ nominating


def test_autocomplete_offers_owners_of_the_compound_only(client, tree, v):
    mine = owner_in(v.election.compound, "李明华")
    elsewhere = owner_in(tree.compounds[1], "李明辉")  # same street, another compound
    client.force_login(v.street_staff)
    results = client.get(url("owners", v.election.pk), {"q": "李明"}).json()["results"]
    assert [r["id"] for r in results] == [mine.pk]
    assert elsewhere.pk not in [r["id"] for r in results]
    assert mine.id_number not in str(results)  # name and unit only
    nominated = client.get(url("owners", v.election.pk), {"q": "李建国"}).json()["results"]
    assert nominated[0]["nominated"] is True
    # By phone too (the first digits).
    assert client.get(url("owners", v.election.pk), {"q": "1398765"}).json()["results"]


def test_autocomplete_is_scoped_to_the_jurisdiction(client, v):
    client.force_login(v.other_street_staff)
    assert client.get(url("owners", v.election.pk), {"q": "李"}).status_code == 404


def test_nominating_with_the_autocomplete_creates_the_candidate(client, v):
    owner = owner_in(v.election.compound, "赵丽娟")
    client.force_login(v.street_staff)
    page = text(client.get(url("nominate", v.election.pk)))
    assert 'role="combobox"' in page and "nominate.js" in page
    assert owner.name not in page  # no list of owners is rendered
    response = client.post(
        url("nominate", v.election.pk),
        {
            "owner_query": owner.name,
            "owner": owner.pk,
            "position_sought": "member",
            "party_status": "formal",
            "nominated_on": "2026-03-03",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    candidate = Candidate.objects.get(election=v.election, owner=owner)
    assert (candidate.name, candidate.party_status) == ("赵丽娟", "formal")
    assert audited(candidate, "wagtail.create", v.street_staff)


def test_an_owner_of_another_compound_is_refused_in_chinese(client, tree, v):
    elsewhere = owner_in(tree.compounds[1], "孙志强")
    client.force_login(v.street_staff)
    response = client.post(
        url("nominate", v.election.pk),
        {
            "owner_query": elsewhere.name,
            "owner": elsewhere.pk,
            "position_sought": "member",
            "party_status": "none",
            "nominated_on": "2026-03-03",
        },
    )
    assert response.status_code == 200
    assert str(MSG_NOT_OWNER) in text(response)
    assert not Candidate.objects.filter(owner=elsewhere).exists()


def test_a_non_owner_or_a_typed_name_without_a_choice_is_refused(client, tree, v):
    stranger = owner_in(tree.compounds[2], "钱多多")  # outside the jurisdiction
    client.force_login(v.street_staff)
    for owner_id in (stranger.pk, ""):
        response = client.post(
            url("nominate", v.election.pk),
            {
                "owner_query": "钱多多",
                "owner": owner_id,
                "position_sought": "member",
                "party_status": "none",
                "nominated_on": "2026-03-03",
            },
        )
        assert response.status_code == 200
        assert "从下拉列表中选择一位本小区业主" in text(response)
    assert Candidate.objects.filter(election=v.election).count() == 3


def _document(title: str, user):
    document = get_document_model()(title=title, uploaded_by_user=user)
    document.file.save(f"{title}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    return document


def test_only_a_document_the_officer_may_read_is_attached(client, v, settings, tmp_path):
    settings.PRIVATE_ROOT = str(tmp_path)
    own = _document("提名表", v.street_staff)
    foreign = _document("他人文件", make_user("someone_else"))
    client.force_login(v.street_staff)
    base = {"position_sought": "member", "party_status": "none", "nominated_on": "2026-03-03"}
    refused_owner = owner_in(v.election.compound, "周海")
    response = client.post(
        url("nominate", v.election.pk),
        {**base, "owner": refused_owner.pk, "owner_query": "周海", "document": foreign.pk},
    )
    assert "所选提名材料不存在，或您无权查看" in text(response)
    assert not Candidate.objects.filter(owner=refused_owner).exists()
    client.post(
        url("nominate", v.election.pk),
        {**base, "owner": refused_owner.pk, "owner_query": "周海", "document": own.pk},
    )
    assert Candidate.objects.get(owner=refused_owner).nomination_document == own


# ------------------------------------------------------------------ buttons by state


def buttons(client, v) -> str:
    return text(client.get(url("matrix", v.election.pk)))


def test_buttons_follow_the_state(client, v):
    client.force_login(v.street_staff)
    nominating = buttons(client, v)
    assert url("nominate", v.election.pk) in nominating
    assert url("action", v.election.pk, "start_vetting") in nominating
    assert url("action", v.election.pk, "cancel") in nominating
    assert url("action", v.election.pk, "publish") not in nominating
    assert url("withdraw", v.candidates[0].pk) in nominating
    vet_all(v)
    vetting = buttons(client, v)
    assert url("nominate", v.election.pk) not in vetting
    assert url("action", v.election.pk, "start_vetting") not in vetting
    assert url("action", v.election.pk, "publish") in vetting
    client.post(url("action", v.election.pk, "publish"), as_post(notice_data()))
    published = buttons(client, v)
    for verb in ("start_vetting", "publish", "hold", "conclude"):
        assert url("action", v.election.pk, verb) not in published
    # Holding is the owners' vote: the screen says so plainly, with no button for it.
    assert "业主大会投票决定" in published
    assert "完成选举" not in published


def test_a_reviewer_or_viewer_sees_no_action_buttons(client, v):
    client.force_login(v.other_street_staff)
    assert client.get(url("matrix", v.election.pk)).status_code == 404


# ------------------------------------------------------------------ confirmation, publishing


def test_publishing_asks_for_confirmation_then_saves_the_notice(client, v):
    vet_all(v)
    client.force_login(v.street_staff)
    confirm = client.get(url("action", v.election.pk, "publish"))
    page = text(confirm)
    assert "确认公示候选人" in page and "不能撤回" in page
    assert v.candidates[0].name in page
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.VETTING  # GET changes nothing
    response = client.post(url("action", v.election.pk, "publish"), as_post(notice_data()))
    assert response.status_code == 302
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.PUBLISHED
    assert v.election.issued_by == "开化街道党工委"
    assert v.election.notice_until == notice_data()["notice_until"]
    assert audited(v.election, "committees.election.publish", v.street_staff)


def test_a_notice_too_close_to_the_election_is_refused_and_nothing_is_saved(client, v):
    vet_all(v)
    client.force_login(v.street_staff)
    bad = notice_data(planned_on=notice_data()["notice_from"] + datetime.timedelta(days=10))
    response = client.post(url("action", v.election.pk, "publish"), as_post(bad))
    assert response.status_code == 200
    assert "15日前公示" in text(response)
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.VETTING
    assert (v.election.issued_by, v.election.notice_from) == ("", None)


def test_a_verb_the_state_does_not_allow_is_refused_with_a_message(client, v):
    client.force_login(v.street_staff)
    response = client.post(
        url("action", v.election.pk, "publish"), as_post(notice_data()), follow=True
    )
    assert "当前状态为“提名中”，不能执行“公示候选人”" in text(response)
    v.election.refresh_from_db()
    assert (v.election.status, v.election.issued_by) == (ElectionStatus.NOMINATING, "")
    assert client.get(url("action", v.election.pk, "hold")).status_code == 404


def test_cancelling_needs_a_reason_and_is_audited(client, v):
    client.force_login(v.street_staff)
    assert "不能恢复" in text(client.get(url("action", v.election.pk, "cancel")))
    client.post(url("action", v.election.pk, "cancel"), {"reason": ""})
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.NOMINATING
    client.post(url("action", v.election.pk, "cancel"), {"reason": "小区合并，重新组织"})
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.CANCELLED
    entry = ModelLogEntry.objects.for_instance(v.election).get(action="committees.election.cancel")
    assert entry.data["reason"] == "小区合并，重新组织"


def test_withdrawing_a_candidate_is_confirmed_and_audited(client, v):
    candidate = v.candidates[1]
    client.force_login(v.street_staff)
    assert "不能恢复" in text(client.get(url("withdraw", candidate.pk)))
    client.post(url("withdraw", candidate.pk), {"reason": "本人书面申请退出"})
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.WITHDRAWN
    assert audited(candidate, "committees.candidate.withdraw", v.street_staff)
    # Withdrawn already: a second attempt is refused with the workflow's message.
    response = client.post(url("withdraw", candidate.pk), {"reason": "再次"}, follow=True)
    assert "不能执行“退出候选”" in text(response)


def test_another_street_cannot_act_on_the_election(client, v):
    client.force_login(v.other_street_staff)
    for path in (
        url("action", v.election.pk, "cancel"),
        url("nominate", v.election.pk),
        url("withdraw", v.candidates[0].pk),
    ):
        assert client.post(path, {"reason": "x"}).status_code == 404
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.NOMINATING


# ------------------------------------------------------------------ the add buttons


def test_the_listings_add_buttons_lead_to_the_election_screens(client, v):
    admin = make_user("admin_el", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("committees_election:add"))
    assert response.status_code == 302 and response.url == url("pick_compound")
    response = client.get(reverse("committees_candidate:add"))
    assert response.status_code == 302 and response.url == url("elections")
    listing = text(client.get(reverse("committees_election:index")))
    assert url("pick_compound") in listing
    assert url("matrix", v.election.pk) in listing  # each row leads to its screen
    assert reverse("committees_candidate:add") not in text(
        client.get(reverse("committees_candidate:index"))
    )


def test_the_generic_election_and_candidate_screens_open_without_error(client, v):
    admin = make_user("admin_el2", is_superuser=True, is_staff=True)
    client.force_login(admin)
    for name, pk in (
        ("committees_election", v.election.pk),
        ("committees_candidate", v.candidates[0].pk),
    ):
        for view in ("edit", "inspect", "history"):
            response = client.get(reverse(f"{name}:{view}", args=[pk]))
            assert response.status_code == 200, (name, view)
        assert client.get(reverse(f"{name}:index")).status_code == 200
