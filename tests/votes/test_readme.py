"""README's vote diagram is the declared workflow."""

from pathlib import Path

import pytest

from disclosures.votes.workflows import OBJECTION_WORKFLOW, PUBLICATION_WORKFLOW, VOTE_WORKFLOW

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_vote_workflow_as_declared():
    assert f"```mermaid\n{VOTE_WORKFLOW.mermaid()}\n```" in README


@pytest.mark.parametrize("workflow", [PUBLICATION_WORKFLOW, OBJECTION_WORKFLOW])
def test_readme_shows_the_publication_and_objection_workflows(workflow):
    assert f"```mermaid\n{workflow.mermaid()}\n```" in README
