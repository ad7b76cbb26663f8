"""An owner gets from the compound page to its notice board: the link shows once the
compound has a board (no extra query on the compound page), and leads to the notices."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from .conftest import draft, publish

pytestmark = pytest.mark.django_db


def test_compound_page_links_to_its_notice_board(client, world):
    notice = publish(world, draft(world))
    cache.clear()
    compound = world["compound"]
    page = client.get(f"/c/{compound.pk}/").content.decode()
    assert f'href="/notices/compound/{compound.pk}/"' in page
    response = client.get(f"/notices/compound/{compound.pk}/", follow=True)
    assert response.status_code == 200
    assert notice.title in response.content.decode()


def test_no_board_no_link_and_not_found(client, world):
    other = world["tree"].compounds[2]
    assert "/notices/compound/" not in client.get(f"/c/{other.pk}/").content.decode()
    assert client.get(f"/notices/compound/{other.pk}/").status_code == 404
