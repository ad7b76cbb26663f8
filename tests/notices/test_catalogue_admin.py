"""Configuring the catalogue per region in the admin (issue 10 §1), and who reads the
attachments of notices (private papers until published, common.files)."""

from django.urls import reverse

from disclosures.notices.models import DisclosureItem
from tests.factories import make_user

from .conftest import draft, make_document

FORM = {
    "code": "fund-use",
    "name": "维修资金使用（每季度）",
    "frequency": "quarterly",
    "publisher": "committee",
    "grace_days": "30",
    "sort_order": "40",
    "basis": "",
    "is_active": "on",
}


def _street_officer(world):
    from estates.services import role_assign

    user = make_user("street")
    role_assign(user=user, role="street_staff", target=world["tree"].streets[0])
    return user


def test_street_staff_override_an_item_for_their_street(client, world):
    street = world["tree"].streets[0]
    client.force_login(_street_officer(world))
    response = client.post(reverse("notices_disclosureitem:add"), {**FORM, "region": street.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DisclosureItem.objects.filter(region=street, code="fund-use").exists()


def test_street_staff_cannot_configure_another_region_or_the_national_default(client, world):
    other = world["tree"].streets[1]
    client.force_login(_street_officer(world))
    response = client.post(reverse("notices_disclosureitem:add"), {**FORM, "region": other.pk})
    assert response.status_code == 200
    assert not DisclosureItem.objects.filter(region=other).exists()
    response = client.post(reverse("notices_disclosureitem:add"), {**FORM, "code": "new"})
    assert "全国默认目录只能由平台管理员修改" in response.content.decode()
    national = DisclosureItem.objects.get(region=None, code="fund-use")
    response = client.post(
        reverse("notices_disclosureitem:edit", args=[national.pk]), {**FORM, "region": ""}
    )
    national.refresh_from_db()
    assert national.frequency == "yearly"


def test_attachments_are_read_by_staff_of_the_compound_only(client, world):
    document = make_document(content=b"%PDF-1.4 accounts", user=world["drafter"])
    draft(world, attachments=[("决算表", document)])
    url = reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    client.force_login(world["officer"])
    assert client.get(url).status_code == 200
    client.force_login(world["other_officer"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 404)


def test_drafter_starts_a_notice_from_the_compliance_screen(client, world):
    from disclosures.notices.models import CompoundNoticesPage

    client.force_login(world["drafter"])
    compound = world["compound"]
    page = client.get(reverse("notices_compliance"), {"compound": compound.pk})
    assert "起草公示" in page.content.decode()
    response = client.post(reverse("notices_draft_start", args=[compound.pk]))
    board = CompoundNoticesPage.objects.get(compound=compound)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "wagtailadmin_pages:add", args=["notices", "noticepage", board.pk]
    )
    other = world["tree"].compounds[2]
    response = client.post(reverse("notices_draft_start", args=[other.pk]))
    assert response.status_code == 404
    assert not CompoundNoticesPage.objects.filter(compound=other).exists()
