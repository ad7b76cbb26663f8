"""A ballot sheet names each proxy's authorisation paper (授权委托书) by its document
number or title, among the papers the person importing may read; an unknown or someone
else's paper, an ambiguous title or a paper without a proxy refuses the whole file with
the row named (issue 9 §3)."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from disclosures.votes.importing import BallotImportError, ballots_import
from disclosures.votes.models import Ballot

pytestmark = pytest.mark.django_db

HEADER = "楼栋,单元,房号,表决意见,受托人,授权委托书\n"


@pytest.fixture(autouse=True)
def _storage(storage_dirs):
    """Every test here uploads files (tests/votes/conftest.py)."""


@pytest.fixture
def vote(building_vote):
    return building_vote


def paper(user, title: str):
    return get_document_model().objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 proxy", name="proxy.pdf"), uploaded_by_user=user
    )


def run(world, vote, rows: str):
    return ballots_import(
        vote=vote, actor=world.member, data=(HEADER + rows).encode(), name="票.csv"
    )


def test_papers_by_number_and_by_title_are_linked(world, vote):
    first = paper(world.member, "501委托书")
    second = paper(world.member, "502委托书")
    run(world, vote, f"5栋,1单元,501,同意,王五,{first.pk}\n5栋,1单元,502,反对,赵六,502委托书\n"
                     "5栋,1单元,503,同意,,\n")  # fmt: skip
    linked = dict(Ballot.objects.values_list("entry__room", "proxy_document"))
    assert linked == {"501": first.pk, "502": second.pk, "503": None}


def test_unknown_or_someone_elses_paper_refuses_the_file(world, vote):
    theirs = paper(world.other_member, "他人的委托书")
    with pytest.raises(BallotImportError) as refused:
        run(world, vote, f"5栋,1单元,501,同意,王五,{theirs.pk}\n5栋,1单元,502,同意,赵六,不存在\n")
    rows = dict(refused.value.rows)
    # Someone else's paper reads exactly like a missing one.
    assert "不存在或您无权使用" in rows[2] and "不存在或您无权使用" in rows[3]
    assert str(theirs.pk) in rows[2]
    assert not Ballot.objects.exists()


def test_ambiguous_title_and_paper_without_proxy_are_refused(world, vote):
    paper(world.member, "委托书")
    paper(world.member, "委托书")
    own = paper(world.member, "503委托书")
    with pytest.raises(BallotImportError) as refused:
        run(world, vote, f"5栋,1单元,501,同意,王五,委托书\n5栋,1单元,503,同意,,{own.pk}\n")
    rows = dict(refused.value.rows)
    assert "请改填文件编号" in rows[2]
    assert "没有填写受托人" in rows[3]
    assert not Ballot.objects.exists()
