"""Which database a read goes to (common.db_router): anonymous public reads to the
replica, everything else to the primary; an unreachable or failing replica is replaced
by the primary without the visitor seeing an error."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from cms import caching
from common import db_router
from common.db_router import ReplicaRouter, ReplicaRoutingMiddleware, current_routing
from estates.models import Region

router = ReplicaRouter()
DATABASES = ["default", "replica"]


def serve(request, view):
    """Run ``view`` through the routing middleware; return what it recorded."""
    seen = {}

    def get_response(req):
        seen.update(view(req) or {})
        return HttpResponse("ok")

    ReplicaRoutingMiddleware(get_response)(request)
    return seen


def read_alias(request, before=None):
    def view(_request):
        if before:
            before()
        return {"alias": router.db_for_read(Region)}

    return serve(request, view)["alias"]


@pytest.fixture
def settled(settings):
    """No registry change within the lag window (a change keeps reads on the primary)."""
    settings.REPLICA_MAX_LAG_SECONDS = 0


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_anonymous_public_read_goes_to_the_replica(replica, settled):
    assert read_alias(RequestFactory().get("/c/1/")) == "replica"
    assert read_alias(RequestFactory().head("/r/abc/")) == "replica"


@pytest.mark.django_db(transaction=True, databases=DATABASES)
@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": "/c/1/", "method": "post"},
        {"path": "/admin/", "method": "get"},
        {"path": "/c/1/", "method": "get", "HTTP_AUTHORIZATION": "Bearer x"},
        {"path": "/api/v1/compounds/", "method": "get", "HTTP_AUTHORIZATION": "Basic eDp5"},
        {"path": "/readyz", "method": "get"},
    ],
    ids=["write-method", "admin", "token", "api-basic", "readyz"],
)
def test_staff_writes_and_signed_in_reads_go_to_the_primary(replica, settled, request_kwargs):
    method = request_kwargs.pop("method")
    path = request_kwargs.pop("path")
    request = getattr(RequestFactory(), method)(path, **request_kwargs)
    assert read_alias(request) == "default"


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_a_session_cookie_means_the_primary(replica, settled, settings):
    request = RequestFactory().get("/c/1/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert read_alias(request) == "default"


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_a_read_after_a_write_in_the_same_request_goes_to_the_primary(replica, settled):
    def view(_request):
        first = router.db_for_read(Region)
        assert router.db_for_write(Region) == "default"
        return {"first": first, "after": router.db_for_read(Region)}

    seen = serve(RequestFactory().get("/c/1/"), view)
    assert seen == {"first": "replica", "after": "default"}


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_a_read_inside_a_transaction_goes_to_the_primary(replica, settled):
    def view(_request):
        with transaction.atomic():
            return {"inside": router.db_for_read(Region)}

    assert serve(RequestFactory().get("/c/1/"), view) == {"inside": "default"}


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_outside_a_request_reads_go_to_the_primary(replica, settled):
    assert router.db_for_read(Region) == "default"


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_without_a_replica_everything_reads_the_primary(settled):
    assert read_alias(RequestFactory().get("/c/1/")) == "default"


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_right_after_a_registry_change_public_reads_use_the_primary(replica, settings):
    """Replication lag: the page must not be built (and cached) from a replica that has
    not replayed the change yet."""
    settings.REPLICA_MAX_LAG_SECONDS = 60
    caching.bump_generation()
    assert read_alias(RequestFactory().get("/c/1/")) == "default"
    settings.REPLICA_MAX_LAG_SECONDS = 0
    assert read_alias(RequestFactory().get("/c/1/")) == "replica"


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_an_unreachable_replica_falls_back_to_the_primary(replica_unreachable, settled):
    assert read_alias(RequestFactory().get("/c/1/")) == "default"
    # Not tried again at once.
    assert not db_router.replica_available()


calls: list[bool] = []


def replica_breaks_midway(request):
    """Reads the replica, whose connection then breaks, as when it restarts."""
    routing = current_routing()
    calls.append(routing.public_read)
    if routing.public_read:
        assert router.db_for_read(Region) == "replica"
        raise OperationalError("terminating connection due to administrator command")
    return HttpResponse(f"{router.db_for_read(Region)}:{Region.objects.count()}")


urlpatterns = [path("breaks/", replica_breaks_midway)]


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_a_replica_failing_midway_reruns_the_request_on_the_primary(
    replica, settled, settings, client
):
    """The replica connection breaks during a public request: it is run again on the
    primary (no 500), and the replica is left alone for a while."""
    settings.ROOT_URLCONF = __name__
    calls.clear()
    response = client.get("/breaks/")
    assert response.status_code == 200
    assert response.content.decode().startswith("default:")
    assert calls == [True, False]
    assert not db_router.replica_available()


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_public_page_rows_are_read_through_the_replica_connection(replica, settled, client):
    """A whole anonymous page request: its queries run on the replica connection."""
    from django.test.utils import CaptureQueriesContext

    from cms.setup import ensure_portal
    from tests.factories import build_tree

    tree = build_tree()
    ensure_portal()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(f"/r/{tree.communities[0].code}/")
    assert response.status_code == 200
    assert len(on_replica) > 0
    assert len(on_primary) == 0
