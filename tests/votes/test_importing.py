"""Ballots from CSV or XLSX: a whole file or nothing, every bad row named."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from disclosures.filings.choices import ScopeKind
from disclosures.votes import services
from disclosures.votes.importing import BallotImportError, ballots_import
from disclosures.votes.models import Ballot
from tests.votes.helpers import accepted_filing, add_units, open_vote, today

pytestmark = pytest.mark.django_db

HEADER = "楼栋,单元,房号,表决意见,受托人\n"


@pytest.fixture
def vote(world):
    """A vote of building 5栋 (501–504) of compound 0, which also has 1栋."""
    compound = world.tree.compounds[0]
    add_units(compound, "5栋", [(room, "89.50") for room in ("501", "502", "503", "504")])
    filing = accepted_filing(
        world, scope_kind=ScopeKind.BUILDINGS, buildings=[compound.buildings.get(name="5栋")]
    )
    return open_vote(world, filing)


def rows_of(error) -> dict[int, str]:
    return dict(error.value.rows)


class TestImport:
    def test_a_utf8_file_goes_in_with_who_and_when(self, world, vote):
        data = (HEADER + "5栋,1单元,501,同意,\n5栋,1单元,502,反对,王五\n").encode()
        ballots = ballots_import(vote=vote, actor=world.member, data=data, name="票.csv")
        assert [(b.entry.room, b.choice, b.proxy_name) for b in ballots] == [
            ("501", "agree", ""),
            ("502", "oppose", "王五"),
        ]
        saved = Ballot.objects.get(entry__room="502")
        assert saved.entered_by == world.member and saved.source == "imported"
        assert saved.cast_on == today()

    def test_gbk_with_full_width_digits(self, world, vote):
        data = (HEADER + "５栋,１单元,５０３,弃权,\n").encode("gbk")
        ballots_import(vote=vote, actor=world.member, data=data, name="票.csv")
        assert Ballot.objects.get().entry.room == "503"

    def test_xlsx(self, world, vote):
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["楼栋", "单元", "房号", "表决意见", "投票日期"])
        sheet.append(["5栋", "1单元", 504, "同意", today()])
        buffer = io.BytesIO()
        book.save(buffer)
        ballots_import(vote=vote, actor=world.member, data=buffer.getvalue(), name="票.xlsx")
        assert Ballot.objects.get().entry.room == "504"

    def test_every_bad_row_is_named_and_nothing_is_saved(self, world, vote):
        services.ballot_enter(
            vote=vote,
            actor=world.member,
            building="5栋",
            entrance="1单元",
            room="504",
            choice="同意",
        )
        early = (vote.starts_on - timedelta(days=1)).isoformat()
        data = (
            "楼栋,单元,房号,表决意见,投票日期\n"
            "5栋,1单元,501,同意,\n"  # row 2: fine
            "1栋,1单元,101,同意,\n"  # row 3: in the compound, outside the scope
            "5栋,1单元,599,同意,\n"  # row 4: no such unit
            "5栋,1单元,502,可以,\n"  # row 5: unknown choice
            f"5栋,1单元,503,同意,{early}\n"  # row 6: before the period
            "5栋,1单元,504,同意,\n"  # row 7: already has a ballot
            "5栋,1单元,501,同意,\n"  # row 8: twice in this file
        ).encode()
        with pytest.raises(BallotImportError) as error:
            ballots_import(vote=vote, actor=world.member, data=data, name="票.csv")
        rows = rows_of(error)
        assert sorted(rows) == [3, 4, 5, 6, 7, 8]
        assert "不在本次表决范围内" in rows[3]
        assert "没有房屋" in rows[4]
        assert "可以" in rows[5]
        assert "不在表决期间" in rows[6]
        assert "已有表决票" in rows[7]
        assert "第2行重复" in rows[8]
        assert error.value.messages[0].startswith("表决票文件未导入：6行有误")
        assert Ballot.objects.count() == 1  # only the one entered before

    def test_missing_columns_and_unreadable_files(self, world, vote):
        with pytest.raises(BallotImportError) as error:
            ballots_import(
                vote=vote, actor=world.member, data="楼栋,房号\n5栋,501\n".encode(), name="a.csv"
            )
        assert "表决意见" in error.value.messages[0]
        with pytest.raises(BallotImportError):
            ballots_import(vote=vote, actor=world.member, data=b"", name="a.csv")
        with pytest.raises(BallotImportError):
            ballots_import(vote=vote, actor=world.member, data=b"\xd0\xcf\x11\xe0xx", name="a.xls")

    def test_only_who_may_enter_ballots_may_import(self, world, vote):
        data = (HEADER + "5栋,1单元,501,同意,\n").encode()
        with pytest.raises(PermissionDenied):
            ballots_import(vote=vote, actor=world.community, data=data, name="票.csv")
        assert not Ballot.objects.exists()
