"""The notice-board poster in the admin: a compound outside the user's jurisdiction
answers 404 like a missing one (issue 10, bad input: a poster for a compound outside the
user's jurisdiction)."""

from django.urls import reverse

from .conftest import draft, publish


def test_poster_in_the_admin_for_a_compound_in_jurisdiction(world, client):
    publish(world, draft(world))
    client.force_login(world["officer"])
    response = client.get(
        reverse("notices_poster_admin", args=[world["compound"].pk]), {"size": "A3"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_poster_in_the_admin_outside_jurisdiction_answers_like_a_missing_one(world, client):
    client.force_login(world["other_officer"])
    outside = client.get(reverse("notices_poster_admin", args=[world["compound"].pk]))
    missing = client.get(reverse("notices_poster_admin", args=[999999]))
    assert outside.status_code == missing.status_code == 404


def test_poster_in_the_admin_needs_a_login(world, client):
    response = client.get(reverse("notices_poster_admin", args=[world["compound"].pk]))
    assert response.status_code == 302
