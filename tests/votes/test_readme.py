"""README's vote diagram is the declared workflow."""

from pathlib import Path

from disclosures.votes.workflows import VOTE_WORKFLOW

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_vote_workflow_as_declared():
    assert f"```mermaid\n{VOTE_WORKFLOW.mermaid()}\n```" in README
