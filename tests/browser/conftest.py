from pathlib import Path

import pytest

from tests.browser.layout import phone_layout_faults

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def shoot(page):
    """Save a full-page screenshot under var/screenshots/ for review; at phone width the
    page must also keep its controls on screen and its table columns readable
    (tests.browser.layout)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        page.wait_for_load_state("networkidle")
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        faults = phone_layout_faults(page)
        assert faults == [], f"{name}: {faults}"
        return path

    return take


@pytest.fixture
def axe_violations(page):
    """Run axe-core's WCAG 2.1 A/AA rules on the current page."""

    def run() -> list[dict]:
        page.add_script_tag(path=str(AXE))
        return page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
                return r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
            }"""
        )

    return run
