"""Chinese search over published notices only (issue 10 §6; STACK.md §6)."""

import datetime

from django.utils import timezone

from disclosures.notices.selectors.notices import notice_search

from .conftest import draft, publish


def _titles(results):
    return sorted(n.title for n in results)


def test_a_word_inside_chinese_text_is_found(world):
    publish(world, draft(world, title="专项维修资金使用公示"))
    assert _titles(notice_search("维修资金")) == ["专项维修资金使用公示"]
    assert _titles(notice_search("资金 公示")) == ["专项维修资金使用公示"]
    assert _titles(notice_search("电梯")) == []


def test_body_text_is_found(world):
    publish(world, draft(world, title="年度公示", body=[("text", "<p>三号楼电梯大修费用</p>")]))
    assert _titles(notice_search("电梯大修")) == ["年度公示"]


def test_drafts_scheduled_and_expired_notices_are_never_found(world):
    from disclosures.notices.models import NoticePage

    draft(world, title="维修资金草稿")
    later = timezone.localdate() + datetime.timedelta(days=5)
    publish(world, draft(world, title="维修资金待发布", notice_starts_on=later))
    expired = publish(world, draft(world, title="维修资金已撤下"))
    NoticePage.objects.get(pk=expired.pk).unpublish(set_expired=True)
    assert _titles(notice_search("维修资金")) == []


def test_a_corrected_version_is_not_found_but_its_correction_is(world):
    from disclosures.notices.services.notices import notice_correct

    original = publish(world, draft(world, title="维修资金公示"))
    publish(
        world,
        notice_correct(
            actor=world["drafter"],
            original=original,
            correction_note="更正金额",
            title="维修资金公示（更正）",
        ),
    )
    assert _titles(notice_search("维修资金")) == ["维修资金公示（更正）"]


def test_filtered_by_region_and_compound(world):
    tree = world["tree"]
    publish(world, draft(world, title="维修资金公示"))
    assert _titles(notice_search("维修资金", region=tree.streets[0])) == ["维修资金公示"]
    assert _titles(notice_search("维修资金", region=tree.streets[1])) == []
    assert _titles(notice_search("维修资金", compound=tree.compounds[1])) == []
    assert _titles(notice_search("维修资金", compound=tree.compounds[0])) == ["维修资金公示"]
