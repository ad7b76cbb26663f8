"""The admin upload of a ballot sheet: the whole file as one batch waiting for the
second person, with the scan of the paper ballots attached; or nothing, every bad row
named on the screen (issue 9 §3)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model

from disclosures.votes.models import Ballot, BallotBatch

pytestmark = pytest.mark.django_db

HEADER = "楼栋,单元,房号,表决意见,受托人\n"


@pytest.fixture(autouse=True)
def _storage(storage_dirs):
    """Every test here uploads files (tests/votes/conftest.py)."""


@pytest.fixture
def vote(building_vote):
    return building_vote


def sheet(text: str, name: str = "表决票.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("gbk"), content_type="text/csv")


def url(vote) -> str:
    return reverse("votes_vote:import", args=[vote.pk])


def test_member_imports_a_sheet_with_its_scan(client, world, vote):
    scan = get_document_model().objects.create(
        title="5栋纸质表决票", file=ContentFile(b"%PDF-1.4 scan", name="scan.pdf"),
        uploaded_by_user=world.member,
    )  # fmt: skip
    client.force_login(world.member)
    inspect = client.get(reverse("votes_vote:inspect", args=[vote.pk])).content.decode()
    assert url(vote) in inspect
    form = client.get(url(vote))
    assert form.status_code == 200 and "表决票汇总表" in form.content.decode()

    response = client.post(
        url(vote), {"file": sheet(HEADER + "5栋,1单元,501,同意,\n5栋,1单元,502,反对,王五\n"),
                    "scan": scan.pk},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = BallotBatch.objects.get(vote=vote)
    assert batch.scan == scan and batch.is_pending and batch.original_name == "表决票.csv"
    assert batch.entered_by == world.member
    assert sorted(batch.ballots.values_list("entry__room", "choice")) == [
        ("501", "agree"), ("502", "oppose"),
    ]  # fmt: skip


def test_a_bad_row_refuses_the_whole_file_and_names_it(client, world, vote):
    client.force_login(world.member)
    response = client.post(
        url(vote), {"file": sheet(HEADER + "5栋,1单元,501,同意,\n5栋,1单元,999,同意,\n")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "第3行" in page and "表决票文件未导入" in page
    assert not Ballot.objects.exists() and not BallotBatch.objects.exists()


def test_wrong_kind_of_file_is_refused_in_chinese(client, world, vote):
    client.force_login(world.member)
    response = client.post(url(vote), {"file": sheet("x", name="票.exe")})
    assert "只接受 .csv" in response.content.decode()
    assert not Ballot.objects.exists()


def test_someone_elses_paper_cannot_be_attached(client, world, vote):
    theirs = get_document_model().objects.create(
        title="他人的文件", file=ContentFile(b"%PDF-1.4", name="x.pdf"),
        uploaded_by_user=world.other_member,
    )  # fmt: skip
    client.force_login(world.member)
    response = client.post(
        url(vote), {"file": sheet(HEADER + "5栋,1单元,501,同意,\n"), "scan": theirs.pk}
    )
    assert response.status_code == 200
    assert not Ballot.objects.exists()


def test_outside_the_jurisdiction_the_vote_does_not_exist(client, world, vote):
    client.force_login(world.other_member)
    assert client.get(url(vote)).status_code == 404
    response = client.post(url(vote), {"file": sheet(HEADER + "5栋,1单元,501,同意,\n")})
    assert response.status_code == 404
    assert not Ballot.objects.exists()


def test_an_election_sheet_has_a_column_per_candidate(client, world):
    from disclosures.votes.models import BallotMark
    from tests.committees.committee_helpers import owners_in
    from tests.votes.test_election_votes import election_vote, published_election

    owners = owners_in(world.tree.compounds[0], 2)
    vote = election_vote(world, published_election(world, owners, seats=1))
    names = [owner.name for owner in owners]
    client.force_login(world.member)
    form = client.get(url(vote)).content.decode()
    assert all(name in form for name in names)  # the headings the sheet needs
    entry = vote.electorate.order_by("pk").first()
    header = f"楼栋,单元,房号,{names[0]},{names[1]}\n"
    row = f"{entry.building_name},{entry.entrance},{entry.room},同意,反对\n"
    response = client.post(url(vote), {"file": sheet(header + row)})
    assert response.status_code == 302, response.content.decode()[:3000]
    marks = dict(BallotMark.objects.filter(ballot__vote=vote).values_list("item__name", "choice"))
    assert marks == {names[0]: "agree", names[1]: "oppose"}


def test_scan_attached_to_an_entered_batch(client, world, vote):
    from disclosures.votes import services

    entry = vote.electorate.order_by("pk").first()
    ballot = services.ballot_enter(
        vote=vote, actor=world.member, building=entry.building_name,
        entrance=entry.entrance, room=entry.room, choice="同意",
    )  # fmt: skip
    scan = get_document_model().objects.create(
        title="第一批纸质票", file=ContentFile(b"%PDF-1.4", name="s.pdf"),
        uploaded_by_user=world.member,
    )  # fmt: skip
    scan_url = reverse("votes_vote:batch_scan", args=[vote.pk, ballot.batch_id])
    client.force_login(world.member)
    inspect = client.get(reverse("votes_vote:inspect", args=[vote.pk])).content.decode()
    assert scan_url in inspect
    response = client.post(scan_url, {"scan": scan.pk})
    assert response.status_code == 302
    assert BallotBatch.objects.get(pk=ballot.batch_id).scan == scan
    # Outside the jurisdiction the batch does not exist.
    client.force_login(world.other_member)
    assert client.post(scan_url, {"scan": scan.pk}).status_code == 404
