"""README's workflow diagrams are the declared workflows, not a drawing that can drift."""

from pathlib import Path

import pytest

from committees.elections.workflows import CANDIDATE_WORKFLOW, ELECTION_WORKFLOW, REVIEW_WORKFLOW

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("workflow", [ELECTION_WORKFLOW, CANDIDATE_WORKFLOW, REVIEW_WORKFLOW])
def test_readme_shows_each_workflow_as_declared(workflow):
    assert f"```mermaid\n{workflow.mermaid()}\n```" in README
