"""README's filing and report diagrams are the declared workflows."""

from pathlib import Path

import pytest

from disclosures.filings.workflows import FILING_WORKFLOW, REPORT_WORKFLOW

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("workflow", [FILING_WORKFLOW, REPORT_WORKFLOW])
def test_readme_shows_the_filing_workflows_as_declared(workflow):
    assert f"```mermaid\n{workflow.mermaid()}\n```" in README
