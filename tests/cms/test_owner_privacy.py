"""No owner data on the public side: not on any portal page, not in search, not in the
public API (owners are private; only grid staff are public, DOMAIN 0.1)."""

import pytest
from django.core.cache import cache

from estates.models import Compound, Owner, Region
from tests.cms.builders import make_full_compound, seed_private_owners

pytestmark = pytest.mark.django_db


def test_owner_data_never_appears_in_public_pages_or_api(client, tree, portal):
    compound = make_full_compound(region=tree.communities[0], name="阳光花园二期")
    seed_private_owners(compound)
    owners = list(Owner.objects.all())
    assert len(owners) >= 18
    secrets = set()
    for owner in owners:
        secrets.update({owner.name, owner.id_number})
        if owner.phone:
            secrets.add(owner.phone)

    urls = ["/", "/search/?q=阳光", "/search/?q=小区"]
    urls += [f"/r/{code}/" for code in Region.objects.values_list("code", flat=True)]
    urls += [f"/c/{pk}/" for pk in Compound.objects.values_list("pk", flat=True)]
    urls += [
        "/api/public/regions/",
        f"/api/public/regions/{tree.county.code}/",
        "/api/public/compounds/?q=阳光",
        "/api/public/compounds/?page_size=100",
    ]
    urls += [f"/api/public/compounds/{pk}/" for pk in Compound.objects.values_list("pk", flat=True)]
    for url in urls:
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        leaked = [s for s in secrets if s in body]
        assert not leaked, (url, leaked)

    # Searching for an owner's name or phone finds nothing (the page only echoes the query).
    assert (
        '找到 <span class="nowrap">0 个小区</span>'
        in client.get("/search/?q=李秀英").content.decode()
    )
    assert (
        '找到 <span class="nowrap">0 个小区</span>'
        in client.get("/search/?q=13987654321").content.decode()
    )
    assert client.get("/api/public/compounds/?q=李秀英").json()["count"] == 0
