"""Papers filed with a proposal: the committee attaches its own uploads; they are kept in
the submitted version, and readable in the filing's jurisdiction only."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from common.files import document_visible
from disclosures.filings import services
from tests.filings.helpers import draft

pytestmark = pytest.mark.django_db

BASE = "/api/registry/filings/"


def upload(user, title="三家报价单"):
    document = get_document_model()(title=title, uploaded_by_user=user)
    document.file.save("quote.txt", ContentFile(b"quotation"), save=False)
    document.save()
    return document


def test_attach_through_the_api_and_keep_in_version(client, world):
    filing = draft(world)
    paper = upload(world.member)
    client.force_login(world.member)
    answer = client.post(
        f"{BASE}{filing.pk}/documents",
        {"title": "三家报价单", "document_id": paper.pk},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert [d["title"] for d in answer.json()["documents"]] == ["三家报价单"]
    services.filing_submit(filing=filing, actor=world.member)
    version = filing.versions.get()
    assert version.documents == [{"title": "三家报价单", "document": paper.pk}]
    # Linked now: readable by the community and the street, not by another jurisdiction.
    assert document_visible(world.community, paper)
    assert document_visible(world.street, paper)
    assert not document_visible(world.other_community, paper)


def test_someone_elses_upload_answers_404(client, world):
    filing = draft(world)
    paper = upload(world.other_member)
    client.force_login(world.member)
    answer = client.post(
        f"{BASE}{filing.pk}/documents",
        {"title": "别人的文件", "document_id": paper.pk},
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert not filing.documents.exists()


def test_attach_through_the_admin(client, world):
    filing = draft(world)
    paper = upload(world.member)
    client.force_login(world.member)
    url = reverse("filings_filing:add_document", args=[filing.pk])
    assert client.get(url).status_code == 200
    answer = client.post(url, {"title": "施工方案", "document": paper.pk})
    assert answer.status_code == 302
    assert list(filing.documents.values_list("title", flat=True)) == ["施工方案"]
