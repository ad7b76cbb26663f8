"""The community officer's notices to review: a duty on the admin home and a list at the
top of the compliance screen, scoped to the compounds the officer manages (issue 10 §2)."""

from django.urls import reverse
from django.utils import timezone

from common.dashboard import duties_for
from disclosures.notices.duties import notices_to_review
from disclosures.notices.services.notices import notice_review, notice_submit

from .conftest import draft


def test_submitted_notice_waits_for_its_compounds_officer_only(world, client):
    notice = draft(world)
    today = timezone.localdate()
    assert notices_to_review(world["officer"], today).count == 0
    notice_submit(actor=world["drafter"], notice=notice)

    assert notices_to_review(world["officer"], today).count == 1
    assert notices_to_review(world["other_officer"], today).count == 0
    assert notices_to_review(world["drafter"], today).count == 0
    assert "notices.to_review" in [d.key for d in duties_for(world["officer"])]
    assert "notices.to_review" not in [d.key for d in duties_for(world["drafter"])]

    client.force_login(world["officer"])
    page = client.get(reverse("notices_compliance")).content.decode()
    assert "待我审核的公示" in page
    assert reverse("wagtailadmin_pages:edit", args=[notice.pk]) in page
    client.force_login(world["other_officer"])
    page = client.get(reverse("notices_compliance")).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[notice.pk]) not in page

    notice_review(actor=world["officer"], notice=notice, approve=True)
    assert notices_to_review(world["officer"], today).count == 0
