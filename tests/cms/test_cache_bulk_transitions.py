"""Many objects moved through a workflow at once (Workflow.fire_many: one UPDATE, no
post_save) still drop the cached public pages once the change is committed."""

import pytest

from cms.caching import registry_generation
from committees.elections.workflows import CANDIDATE_WORKFLOW
from tests.committees.review_setup import build_vetting

pytestmark = pytest.mark.django_db


def test_candidates_moved_in_bulk_drop_cached_pages(tree, django_capture_on_commit_callbacks):
    vetting = build_vetting(tree, compound=tree.compounds[0])
    before = registry_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CANDIDATE_WORKFLOW.fire_many(vetting.candidates, "submit", actor=vetting.street_staff)
    assert callbacks  # the bulk change announced itself on commit
    assert registry_generation() != before
