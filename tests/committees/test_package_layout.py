"""Elections and the joint review are a package of their own inside committees/: its
models, workflows, services, selectors, admin views, API and PDF live together, and the
committee side reaches them only through that package (no second copy left behind)."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "committees" / "elections"
PARTS = (
    "models.py",
    "workflows.py",
    "services/elections.py",
    "services/reviews.py",
    "selectors/elections.py",
    "selectors/reviews.py",
    "api.py",
    "views.py",
    "wagtail_hooks.py",
    "pdf.py",
    "stats.py",
)
FORMER = (
    "committees/models/elections.py",
    "committees/workflows.py",
    "committees/services/elections.py",
    "committees/services/reviews.py",
    "committees/selectors/elections.py",
    "committees/selectors/reviews.py",
    "committees/review_api.py",
    "committees/review_views.py",
    "committees/review_hooks.py",
    "committees/pdf.py",
    "committees/stats_reviews.py",
)


def test_elections_package_holds_every_part():
    assert [part for part in PARTS if not (PACKAGE / part).is_file()] == []
    assert [path for path in FORMER if (ROOT / path).exists()] == []


def test_election_models_stay_in_the_committees_app():
    for name in ("Election", "Candidate", "CandidateReview", "ReviewCheck"):
        model = apps.get_model("committees", name)
        assert model.__module__ == "committees.elections.models"
