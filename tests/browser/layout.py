"""What a phone-sized screen must not do (issue "Phone-sized screens"): put a control
outside the viewport, or squeeze a table column until its words break one character a
line. The ``shoot`` fixture checks every screenshot taken at phone width."""

from __future__ import annotations

PHONE_MAX = 480  # viewports this wide or narrower are phones


def controls_off_screen(page, width: int | None = None) -> list[str]:
    """Every visible button or button-styled link in the main area whose box leaves the
    viewport horizontally."""
    width = width or page.viewport_size["width"]
    outside = []
    controls = page.locator("main button, main a.button, main input[type=submit]")
    for i in range(controls.count()):
        control = controls.nth(i)
        box = control.bounding_box()
        if not control.is_visible() or box is None:
            continue
        if box["x"] < 0 or box["x"] + box["width"] > width + 1:
            outside.append(f"{control.inner_text().strip()} {box}")
    return outside


def cramped_cells(page) -> list[str]:
    """Cells of the main area's tables too narrow for two characters of their text."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main table td, main table th')]
            .filter(cell => cell.offsetParent !== null && cell.innerText.trim().length > 1)
            .filter(cell => {
              const style = getComputedStyle(cell);
              const content = cell.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
              return content < 2 * parseFloat(style.fontSize);
            })
            .map(cell => cell.innerText.trim())"""
    )


def phone_layout_faults(page) -> list[str]:
    """Both faults on a phone-sized page; nothing on a wider one."""
    if page.viewport_size["width"] > PHONE_MAX:
        return []
    return [f"off screen: {c}" for c in controls_off_screen(page)] + [
        f"cramped cell: {c}" for c in cramped_cells(page)
    ]
