"""Private papers are never public files: nomination papers and archives (e.g. 业主名册) are
Wagtail documents kept out of MEDIA_ROOT and streamed only to staff whose role may view the
record that links them and whose jurisdiction covers it. Compound photos stay public."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model

from committees.choices import ArchiveKind, CommitteeKind
from committees.elections.services.elections import candidate_nominate, election_open
from committees.models import Committee
from committees.services import committees as committee_services
from tests.cms.test_portal_pages import make_image
from tests.committees.committee_helpers import owners_in
from tests.estates.admin_helpers import officer

pytestmark = pytest.mark.django_db

PAPER = b"%PDF-1.4 nomination paper: ID 532601197503120011"
ROLL = b"%PDF-1.4 owners' roll with ID numbers and phones"
MEDIA_URLS = "tests.common.private_files_urls"


@pytest.fixture(autouse=True)
def storage_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings


def paper(user, title: str, content: bytes, name: str):
    return get_document_model().objects.create(
        title=title, file=ContentFile(content, name=name), uploaded_by_user=user
    )


@pytest.fixture
def world(tree):
    """开化街道 (streets[0]): a nomination paper in compounds[0], 业主名册 in the archive
    of compounds[1]'s committee; 卧龙街道 (streets[1]) has its own staff."""
    kaihua = officer("street_staff", tree.streets[0], "kaihua")
    nominated_in, archived_in = tree.compounds[0], tree.compounds[1]
    nomination = paper(kaihua, "李建国提名材料", PAPER, "nomination.pdf")
    election = election_open(
        compound=nominated_in,
        kind=CommitteeKind.OWNERS,
        term_number=1,
        seats=5,
        started_on=date(2026, 3, 2),
        actor=kaihua,
    )
    candidate_nominate(
        election=election,
        owner=owners_in(nominated_in, 1)[0],
        nominated_on=date(2026, 3, 3),
        actor=kaihua,
        document=nomination,
    )
    roll = paper(kaihua, "阳光花园业主名册", ROLL, "roll.pdf")
    # The archive's committee as a bare row: how it was formed does not matter here.
    committee = Committee.objects.create(
        compound=archived_in, kind=CommitteeKind.OWNERS, set_size=7, formed_on=date(2024, 3, 1)
    )
    committee_services.archive_add(
        committee=committee,
        kind=ArchiveKind.MINUTES,
        title="业主名册",
        dated_on=date(2024, 3, 2),
        document=roll,
        actor=kaihua,
    )
    return {
        "tree": tree,
        "nomination": nomination,
        "roll": roll,
        "kaihua": kaihua,
        "wolong": officer("street_staff", tree.streets[1], "wolong"),
        "community": officer("community_staff", tree.communities[0], "kaihua_community1"),
        "member": officer("committee_member", archived_in, "member_of_archived_in"),
        "reviewer": officer("department_reviewer", tree.county, "police_reviewer"),
        "admin": officer("platform_admin", tree.province, "platform_admin"),
    }


def fetch(client, document):
    return client.get(document.url)


def text(response) -> str:
    """A page or a JSON answer (the chooser's HTML inside it) as readable text."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_anonymous_visitors_get_404_for_every_private_paper(client, world):
    for document in (world["nomination"], world["roll"]):
        assert fetch(client, document).status_code == 404


def test_staff_of_another_street_get_the_same_404(client, world):
    client.force_login(world["wolong"])
    for document in (world["nomination"], world["roll"]):
        assert fetch(client, document).status_code == 404
    missing = reverse("wagtaildocs_serve", args=[world["roll"].pk + 100, "roll.pdf"])
    assert client.get(missing).status_code == 404


# Who reads what: the role's view permission on the linking record, inside the jurisdiction.
READERS = [
    ("kaihua", "nomination", True),
    ("kaihua", "roll", True),
    ("admin", "nomination", True),
    ("admin", "roll", True),
    ("community", "nomination", True),  # organises the election in its community
    ("community", "roll", False),  # no archive permission, other community too
    ("member", "roll", True),  # own compound's archive
    ("member", "nomination", False),  # no candidate permission, other compound
    ("reviewer", "nomination", False),
    ("reviewer", "roll", False),
    ("wolong", "nomination", False),
    ("wolong", "roll", False),
]


@pytest.mark.parametrize(("who", "what", "reads"), READERS)
def test_role_and_jurisdiction_decide_who_reads(client, world, who, what, reads):
    client.force_login(world[who])
    response = fetch(client, world[what])
    if reads:
        assert response.status_code == 200
        assert body(response) == (PAPER if what == "nomination" else ROLL)
    else:
        assert response.status_code == 404


def test_papers_live_outside_media_root_and_media_url_does_not_serve_them(
    client, world, storage_dirs
):
    storage_dirs.ROOT_URLCONF = MEDIA_URLS
    for document in (world["nomination"], world["roll"]):
        path = Path(document.file.path)
        assert path.is_file()
        assert path.is_relative_to(storage_dirs.PRIVATE_ROOT)
        assert not path.is_relative_to(storage_dirs.MEDIA_ROOT)
        assert client.get(f"/media/{document.file.name}").status_code == 404
    client.force_login(world["kaihua"])
    # Streamed by Wagtail's view, never a redirect to a file URL.
    response = fetch(client, world["roll"])
    assert response.status_code == 200 and body(response) == ROLL


def test_compound_photos_stay_public(client, world, storage_dirs):
    storage_dirs.ROOT_URLCONF = MEDIA_URLS
    image = make_image(title="阳光花园小区南门")
    path = Path(image.file.path)
    assert path.is_relative_to(storage_dirs.MEDIA_ROOT)
    response = client.get(f"/media/{image.file.name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == path.read_bytes()


def test_document_lists_show_other_streets_no_titles(client, world):
    client.force_login(world["wolong"])
    pages = [
        client.get(reverse("wagtaildocs:index")),
        client.get(reverse("wagtaildocs_chooser:choose")),
        client.get("/admin/api/main/documents/"),
    ]
    for page in pages:
        # A listing that answers at all: a redirect would pass the check below unread.
        assert page.status_code == 200
        shown = text(page)
        assert "李建国提名材料" not in shown and "阳光花园业主名册" not in shown


def test_admin_api_lists_only_documents_in_jurisdiction(client, world):
    client.force_login(world["kaihua"])
    titles = {d["title"] for d in client.get("/admin/api/main/documents/").json()["items"]}
    assert titles == {"李建国提名材料", "阳光花园业主名册"}
    client.force_login(world["community"])
    titles = {d["title"] for d in client.get("/admin/api/main/documents/").json()["items"]}
    assert titles == {"李建国提名材料"}


def test_election_organiser_uploads_and_chooses_nomination_papers(client, world, storage_dirs):
    """Community staff organise elections: they may upload a paper in the chooser, find it
    there, and read it; staff of another street can neither list nor read it."""
    organiser = world["community"]
    client.force_login(organiser)
    chooser = client.get(reverse("wagtaildocs_chooser:choose"))
    assert chooser.status_code == 200
    assert "李建国提名材料" in text(chooser)
    response = client.post(
        reverse("wagtaildocs_chooser:create"),
        {
            "document-chooser-upload-title": "王秀英提名材料",
            "document-chooser-upload-file": SimpleUploadedFile("wang.pdf", b"%PDF-1.4 wang"),
        },
    )
    assert response.status_code == 200
    uploaded = get_document_model().objects.get(title="王秀英提名材料")
    assert uploaded.uploaded_by_user == organiser
    assert Path(uploaded.file.path).is_relative_to(storage_dirs.PRIVATE_ROOT)
    assert "王秀英提名材料" in text(client.get(reverse("wagtaildocs_chooser:choose")))
    assert fetch(client, uploaded).status_code == 200

    client.force_login(world["wolong"])
    assert fetch(client, uploaded).status_code == 404
    assert "王秀英提名材料" not in text(client.get("/admin/api/main/documents/"))


def test_a_document_of_another_street_cannot_be_attached_to_read_it(client, world):
    """Linking a paper from one's own archive must not open another street's paper: the
    archive form offers only documents the user may read."""
    tree = world["tree"]
    committee = Committee.objects.create(
        compound=tree.compounds[2],
        kind=CommitteeKind.OWNERS,
        set_size=7,
        formed_on=date(2024, 3, 1),
    )
    record = committee_services.archive_add(
        committee=committee,
        kind=ArchiveKind.MINUTES,
        title="卧龙第1社区会议记录",
        dated_on=date(2024, 5, 6),
        actor=world["wolong"],
    )
    client.force_login(world["wolong"])
    response = client.post(
        reverse("committees_archiverecord:edit", args=[record.pk]),
        {
            "kind": ArchiveKind.MINUTES,
            "title": "卧龙第1社区会议记录",
            "dated_on": "2024-05-06",
            "document": world["roll"].pk,
        },
    )
    assert response.status_code == 200  # the form again, with the refused choice
    record.refresh_from_db()
    assert record.document is None
    assert fetch(client, world["roll"]).status_code == 404


def test_document_edit_page_opens_for_its_uploader_only_in_jurisdiction(client, world):
    edit = reverse("wagtaildocs:edit", args=[world["roll"].pk])
    client.force_login(world["kaihua"])
    page = client.get(edit)
    assert page.status_code == 200 and "阳光花园业主名册" in page.content.decode()
    client.force_login(world["wolong"])
    page = client.get(edit)
    assert page.status_code != 200 and "阳光花园业主名册" not in page.content.decode()


def test_a_served_paper_is_never_kept_by_a_shared_cache(client, world):
    """A proxy or CDN between reader and server must not keep a paper and hand it to the
    next visitor: the answer says it is for this reader only, and varies by the session."""
    client.force_login(world["kaihua"])
    response = fetch(client, world["roll"])
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert "private" in directives
    assert "public" not in directives
    assert "Cookie" in response["Vary"]


def test_admin_pages_of_another_streets_paper_answer_as_for_a_missing_one(client, world):
    """Edit, delete, usage and the chooser's answer: 404 for a paper the user may not
    read, as for an id that does not exist, so no id tells that a paper exists."""
    roll = world["roll"]
    missing = roll.pk + 1000
    names = [
        "wagtaildocs:edit",
        "wagtaildocs:delete",
        "wagtaildocs:document_usage",
        "wagtaildocs:edit_multiple",
        "wagtaildocs:delete_multiple",
        "wagtaildocs_chooser:chosen",
    ]
    client.force_login(world["wolong"])
    for name in names:
        assert client.get(reverse(name, args=[missing])).status_code == 404, name
        response = client.get(reverse(name, args=[roll.pk]))
        assert response.status_code == 404, name
        assert "阳光花园业主名册" not in response.content.decode()
    client.force_login(world["kaihua"])
    for name in ("wagtaildocs:edit", "wagtaildocs:document_usage", "wagtaildocs_chooser:chosen"):
        response = client.get(reverse(name, args=[roll.pk]))
        assert response.status_code == 200, name
        assert "阳光花园业主名册" in text(response)
    client.logout()
    response = client.get(reverse("wagtaildocs:edit", args=[roll.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("action", ["delete", "add_tags", "add_to_collection"])
def test_bulk_actions_name_no_paper_of_another_street(client, world, action):
    """A bulk action's confirmation page lists what the user may not act on; another
    street's paper is not in that list (nor acted on), as for an id that does not exist."""
    roll = world["roll"]
    url = f"/admin/bulk/wagtaildocs/document/{action}/?id={roll.pk}&next=/admin/documents/"
    client.force_login(world["wolong"])
    response = client.get(url)
    assert response.status_code == 200
    assert "阳光花园业主名册" not in response.content.decode()
    client.force_login(world["kaihua"])
    assert "阳光花园业主名册" in client.get(url).content.decode()
