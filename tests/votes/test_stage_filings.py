"""Each published stage of a vote is filed back with the street, which signs for it
(issue item 6): sent inside the publication, signed once by the compound's street only,
through the shared transition mechanism with its audit entry; on the street's dashboard
and its list."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from common.transitions import InvalidTransition
from disclosures.votes import publication
from disclosures.votes.choices import StageFilingStatus
from disclosures.votes.duties import stages_to_receive
from disclosures.votes.models import StageFiling
from disclosures.votes.stage_filings import stage_filing_receive
from tests.votes.test_publication import counted_vote, window_over

pytestmark = pytest.mark.django_db


def test_each_stage_published_is_sent_to_the_street(world):
    vote = counted_vote(world)
    assert not StageFiling.objects.exists()
    publication.publish_notice(vote=vote, actor=world.member)
    publication.publish_preliminary(vote=vote, actor=world.member)
    window_over(vote)
    publication.publish_final(vote=vote, actor=world.member)
    stages = list(StageFiling.objects.filter(vote=vote).values_list("stage", "status"))
    assert stages == [(s, StageFilingStatus.SENT) for s in ("notice", "preliminary", "final")]


def test_a_refused_publication_files_nothing(world):
    vote = counted_vote(world)
    with pytest.raises(InvalidTransition):
        publication.publish_preliminary(vote=vote, actor=world.member)  # notice first
    assert not StageFiling.objects.exists()


def test_the_street_signs_once_with_an_audit_entry(world):
    vote = counted_vote(world)
    publication.publish_notice(vote=vote, actor=world.member)
    filing = StageFiling.objects.get(vote=vote)
    today = timezone.localdate()
    assert stages_to_receive(world.street, today).count == 1
    assert stages_to_receive(world.other_street, today).count == 0
    assert stages_to_receive(world.member, today).count == 0

    for outsider in (world.member, world.other_street):
        with pytest.raises(PermissionDenied):
            stage_filing_receive(filing=filing, actor=outsider)
    signed = stage_filing_receive(filing=filing, actor=world.street)
    assert signed.status == StageFilingStatus.RECEIVED and signed.received_by == world.street
    entry = ModelLogEntry.objects.get(action="votes.stagefiling.receive")
    assert entry.user == world.street and entry.data["to"] == "received"
    # A second signature (two officers at once) is refused; state and log unchanged.
    with pytest.raises(InvalidTransition):
        stage_filing_receive(filing=filing, actor=world.street)
    assert ModelLogEntry.objects.filter(action="votes.stagefiling.receive").count() == 1
    assert stages_to_receive(world.street, today).count == 0


def test_the_street_signs_from_its_list(client, world):
    vote = counted_vote(world)
    publication.publish_notice(vote=vote, actor=world.member)
    filing = StageFiling.objects.get(vote=vote)
    url = reverse("votes_vote:stage_filings")

    client.force_login(world.other_street)
    assert vote.title not in client.get(url).content.decode()
    assert client.post(url, {"filing": filing.pk}).status_code == 404
    client.force_login(world.member)
    refused = client.get(url)  # Wagtail sends a user without the role back home
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")

    client.force_login(world.street)
    assert vote.title in client.get(url).content.decode()
    response = client.post(url, {"filing": filing.pk}, follow=True)
    assert "已签收" in response.content.decode()
    filing.refresh_from_db()
    assert filing.status == StageFilingStatus.RECEIVED
    inspect = client.get(reverse("votes_vote:inspect", args=[vote.pk])).content.decode()
    assert "签收" in inspect and "报街道备案" in inspect
