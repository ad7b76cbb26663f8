"""No silent failures: no import guard can remove an admin area, the election and review
services do not import each other, and no module-level constant is assigned twice (a
later assignment would silently replace or extend the first)."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"tests", "migrations", ".venv", "node_modules", "var", "bench", ".git"}
SWALLOWED = {"ImportError", "ModuleNotFoundError"}
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")


def sources() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts)]


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _names(node: ast.AST | None) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} if node else set()


def test_no_import_error_is_swallowed():
    found = []
    for path in sources():
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.ExceptHandler) and _names(node.type) & SWALLOWED:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and "suppress" in _names(node.func) | {getattr(node.func, "attr", "")}
                and any(_names(arg) & SWALLOWED for arg in node.args)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def _imports(path: Path) -> tuple[set[str], list[int]]:
    """Modules imported (relative ones by their last part) and the lines of imports made
    inside functions."""
    tree = parse(path)
    modules, inner = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            modules.add((node.module or "").split(".")[-1])
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner += [
                n.lineno for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)
            ]
    return modules, inner


def test_election_and_review_services_do_not_import_each_other():
    services = ROOT / "committees" / "elections" / "services"
    reviews, reviews_inner = _imports(services / "reviews.py")
    _elections, elections_inner = _imports(services / "elections.py")
    assert "elections" not in reviews
    assert reviews_inner == [] and elections_inner == []


def _module_assignments(body: list[ast.stmt]):
    for node in body:
        if isinstance(node, ast.Assign):
            yield from (n for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            yield node.target
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody"):
                yield from _module_assignments(getattr(node, block, []))


def test_no_module_constant_is_assigned_twice():
    found = {}
    for path in sources():
        counts = Counter(
            n.id for n in _module_assignments(parse(path).body) if CONSTANT.match(n.id)
        )
        twice = sorted(name for name, count in counts.items() if count > 1)
        if twice:
            found[str(path.relative_to(ROOT))] = twice
    assert found == {}
