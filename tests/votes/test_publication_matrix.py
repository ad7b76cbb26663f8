"""State × action of the publication and objection workflows: each verb only from its
own stage, and a refused verb changes nothing (issue item 6)."""

import pytest

from common.transitions import InvalidTransition
from disclosures.votes import publication
from disclosures.votes.choices import ObjectionStatus, PublicationStage
from disclosures.votes.workflows import OBJECTION_WORKFLOW, PUBLICATION_WORKFLOW

EXPECTED = {
    PublicationStage.NONE: {"publish_notice"},
    PublicationStage.NOTICE: {"publish_preliminary"},
    PublicationStage.PRELIMINARY: {"publish_final"},
    PublicationStage.FINAL: set(),
}


@pytest.mark.parametrize("stage", list(PublicationStage))
def test_each_stage_allows_only_the_next(stage):
    assert {t.name for t in PUBLICATION_WORKFLOW.allowed_from(stage)} == EXPECTED[stage]


def test_an_answered_objection_allows_nothing():
    assert {t.name for t in OBJECTION_WORKFLOW.allowed_from(ObjectionStatus.LODGED)} == {"answer"}
    assert OBJECTION_WORKFLOW.allowed_from(ObjectionStatus.ANSWERED) == []


@pytest.mark.django_db
def test_a_final_result_cannot_be_published_again(world):
    from tests.votes.test_publication import preliminary, window_over

    vote = preliminary(world)
    window_over(vote)
    publication.publish_final(vote=vote, actor=world.member)
    for verb in (
        publication.publish_notice,
        publication.publish_preliminary,
        publication.publish_final,
    ):
        with pytest.raises(InvalidTransition):
            verb(vote=vote, actor=world.member)
    vote.refresh_from_db()
    assert vote.publication == PublicationStage.FINAL
