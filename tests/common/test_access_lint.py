"""Views and API modules fetch objects only through common.access (or a selector that
goes through the jurisdiction scope): a lookup by id written in a view bypasses the scope
and may answer differently for another jurisdiction's id than for a missing one."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
VIEW_MODULES = (
    "*/api.py",
    "*/*/api.py",
    "*/*_api.py",
    "*/views.py",
    "*/*/views.py",
    "*/*_views.py",
    "*/views/*.py",
    "common/admin_mixins.py",
)
BYPASSES = re.compile(
    r"get_object_or_404\(|\.objects\.get\(|\.(?:get|filter)\((?:pk|id)=|"
    r"\.objects\.filter\([a-z_]*id="
)


def view_modules() -> list[Path]:
    found = {path for pattern in VIEW_MODULES for path in ROOT.glob(pattern)}
    return sorted(p for p in found if ".venv" not in p.parts and "tests" not in p.parts)


def bypasses(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if BYPASSES.search(line)]


def test_the_scan_finds_the_view_modules_and_catches_a_bypass():
    names = {str(p.relative_to(ROOT)) for p in view_modules()}
    assert {
        "estates/api.py",
        "committees/elections/api.py",
        "committees/elections/views.py",
    } <= names
    assert bypasses("    job = get_object_or_404(ImportJob, pk=pk)")
    assert bypasses("    c = Compound.objects.get(pk=compound_id)")
    assert bypasses("    e = elections.filter(pk=election_id).first()")
    assert not bypasses("    e = fetch(Election, user=request.user, pk=election_id)")


def test_no_view_or_api_module_fetches_by_id_around_the_access_module():
    found = {
        str(path.relative_to(ROOT)): hits
        for path in view_modules()
        if (hits := bypasses(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "fetch through common.access.fetch instead: " + repr(found)
