"""The notice rules in Wagtail's admin: a published notice cannot be edited in place, an
unreviewed one cannot be published, and drafters and reviewers see the personal-data
warning (issue 10 §2–4)."""

from django.contrib.messages import get_messages
from django.urls import reverse

from disclosures.notices.models import NoticePage
from tests.factories import make_user, valid_id_number

from .conftest import draft, publish

EMPTY_FORMSET = {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_edit_of_a_published_notice_is_refused_in_the_admin(client, world):
    notice = publish(world, draft(world))
    client.force_login(world["officer"])
    url = reverse("wagtailadmin_pages:edit", args=[notice.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert any("已发布的公示不能修改" in m for m in _messages(response))
    response = client.post(url, {"title": "改过的标题", "slug": notice.slug})
    assert response.status_code == 302
    assert NoticePage.objects.get(pk=notice.pk).title == notice.title


def test_delete_of_a_published_notice_is_refused_in_the_admin(client, world):
    notice = publish(world, draft(world))
    client.force_login(world["officer"])
    response = client.post(reverse("wagtailadmin_pages:delete", args=[notice.pk]))
    assert response.status_code == 302
    assert NoticePage.objects.filter(pk=notice.pk).exists()


def test_drafter_edits_drafts_of_their_compound_only(client, world):
    mine = draft(world)
    client.force_login(world["drafter"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk])).status_code == 200
    from disclosures.notices.services.notices import compound_board_ensure

    other_board = compound_board_ensure(compound=world["tree"].compounds[2])
    add = reverse("wagtailadmin_pages:add", args=["notices", "noticepage", other_board.pk])
    assert client.get(add).status_code in (302, 403)
    mine_board = mine.get_parent()
    add = reverse("wagtailadmin_pages:add", args=["notices", "noticepage", mine_board.pk])
    assert client.get(add).status_code == 200


def test_direct_publish_without_review_is_refused_in_the_admin(client, world):
    notice = draft(world)
    client.force_login(world["officer"])
    url = reverse("wagtailadmin_pages:edit", args=[notice.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = _form_data(response.context["form"])
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302
    assert any("须经社区审核" in m for m in _messages(response)), _messages(response)
    assert not NoticePage.objects.get(pk=notice.pk).live


def test_reviewer_sees_the_personal_data_warning(client, world):
    from disclosures.notices.services.notices import notice_submit

    notice = draft(world, body=[("text", f"<p>身份证 {valid_id_number()}</p>")])
    notice_submit(actor=world["drafter"], notice=notice)
    client.force_login(world["officer"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk]))
    assert response.status_code == 200
    warnings = [m for m in _messages(response) if "个人信息" in m]
    assert warnings and "正文第1段" in warnings[0]


def _form_data(form):
    """The edit form as the browser would post it, unchanged."""
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    notice = form.instance
    data = {
        "title": notice.title,
        "slug": notice.slug,
        "item": notice.item_id,
        "document_number": notice.document_number,
        "issuer": notice.issuer,
        "issued_on": notice.issued_on.isoformat(),
        "contact_name": "",
        "contact_phone": "",
        "notice_starts_on": notice.notice_starts_on.isoformat(),
        "notice_ends_on": notice.ends_on.isoformat(),
        "objection_method": "",
        "objection_until": notice.objection_deadline.isoformat(),
        "period_starts_on": "",
        "period_ends_on": "",
        "body": streamfield([("text", rich_text("<p>正文</p>"))]),
        "attachments": EMPTY_FORMSET,
        "corrects": "",
        "correction_note": "",
        "comments": EMPTY_FORMSET,
    }
    return nested_form_data(data)


def test_notices_are_neither_copied_nor_moved_in_the_admin(client, world):
    from disclosures.notices.services.notices import compound_board_ensure

    notice = publish(world, draft(world))
    other_board = compound_board_ensure(compound=world["tree"].compounds[1])
    client.force_login(make_user("root", is_superuser=True))
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[notice.pk]),
        {"new_title": "副本", "new_slug": "copy", "new_parent_page": notice.get_parent().pk},
    )
    assert response.status_code == 302
    assert NoticePage.objects.count() == 1
    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[notice.pk, other_board.pk])
    )
    assert any("不能移动" in m for m in _messages(response))
    assert NoticePage.objects.get(pk=notice.pk).get_parent().pk == notice.get_parent().pk


def test_page_history_shows_the_fingerprint_entry(client, world):
    notice = publish(world, draft(world))
    client.force_login(make_user("auditor", is_superuser=True))
    response = client.get(reverse("wagtailadmin_pages:history", args=[notice.pk]))
    assert response.status_code == 200
    assert "记入公示指纹链" in response.content.decode()
