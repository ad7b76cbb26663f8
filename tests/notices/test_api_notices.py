"""The notices API: public reads with the feed's fields, scoped writes that keep every
rule of the admin (issue 10 §9; bad input: an edit of a published version refused)."""

import json

from disclosures.notices.models import NoticePage

from .conftest import draft, make_document, publish

BODY = [
    {"type": "text", "value": "<p>维修资金使用情况<script>alert(1)</script></p>"},
    {
        "type": "accounts",
        "value": {
            "title": "收支表",
            "rows": [
                {"side": "income", "item": "利息", "amount": "12.30", "note": ""},
                {"side": "expense", "item": "电梯维修", "amount": "10.00", "note": ""},
            ],
            "total_income": "12.30",
            "total_expense": "10.00",
        },
    },
]


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _create(client, world, **extra):
    payload = {
        "compound_id": world["compound"].pk,
        "item_code": "fund-use",
        "title": "维修资金使用公示",
        "issuer": "业主委员会",
        "body": BODY,
        **extra,
    }
    return _post(client, "/api/registry/notices/", payload)


def test_drafted_submitted_reviewed_and_read_through_the_api(client, world):
    client.force_login(world["drafter"])
    response = _create(client, world)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert _post(client, f"/api/registry/notices/{pk}/submit/", {}).json()["status"] == (
        "in_review"
    )
    client.force_login(world["officer"])
    response = _post(client, f"/api/registry/notices/{pk}/review/", {"approve": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    client.logout()
    listing = client.get(f"/api/public/notices/?compound={world['compound'].pk}").json()
    assert [n["id"] for n in listing["items"]] == [pk]
    detail = client.get(f"/api/public/notices/{pk}/").json()
    assert detail["fingerprint"] and len(detail["content_sha256"]) == 64
    assert detail["issuer"] == "业主委员会"
    assert "script" not in json.dumps(detail["body"])
    found = client.get("/api/public/notices/?q=维修资金").json()
    assert [n["id"] for n in found["items"]] == [pk]


def test_accounts_that_do_not_add_up_answer_400_and_save_nothing(client, world):
    client.force_login(world["drafter"])
    body = json.loads(json.dumps(BODY))
    body[1]["value"]["total_income"] = "99.00"
    response = _create(client, world, body=body)
    assert response.status_code == 400
    assert "收入合计" in response.json()["detail"]
    assert not NoticePage.objects.exists()


def test_an_edit_of_a_published_notice_is_refused(client, world):
    notice = publish(world, draft(world))
    client.force_login(world["drafter"])
    response = client.patch(
        f"/api/registry/notices/{notice.pk}/",
        json.dumps({"title": "改过的标题"}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "已发布的公示不能修改" in response.json()["detail"]
    assert NoticePage.objects.get(pk=notice.pk).title == notice.title


def test_a_draft_is_edited_as_a_new_revision(client, world):
    notice = draft(world)
    client.force_login(world["drafter"])
    response = client.patch(
        f"/api/registry/notices/{notice.pk}/",
        json.dumps({"title": "新标题"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert notice.revisions.count() == 2
    assert NoticePage.objects.get(pk=notice.pk).get_latest_revision_as_object().title == "新标题"


def test_a_correction_through_the_api(client, world):
    notice = publish(world, draft(world))
    client.force_login(world["drafter"])
    response = _post(
        client,
        f"/api/registry/notices/{notice.pk}/correct/",
        {"correction_note": "更正支出金额"},
    )
    assert response.status_code == 201
    correction = NoticePage.objects.get(pk=response.json()["id"])
    assert correction.corrects_id == notice.pk and not correction.live


def test_notices_outside_the_jurisdiction_answer_404(client, world):
    notice = draft(world)
    client.force_login(world["other_officer"])
    assert client.get(f"/api/registry/notices/{notice.pk}/").status_code == 404
    response = _post(client, f"/api/registry/notices/{notice.pk}/review/", {"approve": True})
    assert response.status_code == 404
    client.force_login(world["drafter"])
    response = _create(client, world, compound_id=world["tree"].compounds[2].pk)
    assert response.status_code == 404


def test_drafts_are_not_public(client, world):
    notice = draft(world)
    assert client.get(f"/api/public/notices/{notice.pk}/").status_code == 404
    listing = client.get("/api/public/notices/").json()
    assert listing["items"] == []


def test_attachments_of_published_notices_are_public_and_of_drafts_not(client, world):
    document = make_document(content=b"%PDF-1.4 public accounts", user=world["drafter"])
    notice = draft(world, attachments=[("决算表", document)])
    attachment = notice.attachments.get()
    publish(world, notice)
    notice.refresh_from_db()
    url = f"{notice.url}attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 public accounts"
    unpublished = draft(world, title="草稿", attachments=[("草稿附件", document)])
    assert unpublished.live is False
    # A draft has no public URL at all.
    assert client.get(f"/api/public/notices/{unpublished.pk}/").status_code == 404
