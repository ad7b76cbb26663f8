"""A community officer logs into the admin and finds only their own community's compounds."""

import pytest

from estates.services import role_assign
from tests.factories import build_tree, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_community_officer_logs_in_and_sees_only_their_community(live_server, page, shoot):
    tree = build_tree()
    own, other = tree.communities[0], tree.communities[2]
    officer = make_user("shequ")
    officer.is_staff = True
    officer.save()
    role_assign(user=officer, role="community_staff", target=own)
    own_compound = own.compounds.get()
    other_compound = other.compounds.get()

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "shequ")
    page.fill("#id_password", "pw-12345678")
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    shoot("10-admin-dashboard-community-officer")

    page.goto(live_server.url + "/admin/estates/compound/")
    page.wait_for_load_state("networkidle")
    listing = page.locator("main").inner_text()
    assert own_compound.name in listing
    assert other_compound.name not in listing
    shoot("11-admin-compounds-own-community")

    response = page.goto(live_server.url + f"/admin/estates/compound/edit/{other_compound.pk}/")
    assert response.status in (403, 404)
