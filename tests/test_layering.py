"""Imports go one way: ``bot`` -> ``index`` and ``ingest`` -> ``index``; ``index`` imports neither.

Read from the source with ``ast`` (nothing is imported), so a forbidden import
inside a function, which a package-level check would miss, fails here too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# A package may not import these; everything else of the project is allowed.
FORBIDDEN = {
    "index": {"ingest", "bot"},
    "ingest": {"bot"},
}
# ``bot`` answers from ``index`` alone; only its entry points build a missing knowledge base with ``ingest``.
BOT_MODULES_THAT_MAY_INGEST = ("bot/runtime.py", "bot/__main__.py")
LEAF_MODULES = ("index/records.py",)  # shared by every layer, so they import nothing of the project
PROJECT = {"bot", "index", "ingest"}


def imported_packages(path: Path) -> set[tuple[int, str]]:
    """(line, top-level package) for every absolute import in a module."""
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_lower_layer_does_not_import_a_higher_one(package):
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {imported}"
        for path in _modules(package)
        for line, imported in sorted(imported_packages(path))
        if imported in FORBIDDEN[package]
    ]
    assert not wrong, "\n".join(wrong)


def test_answering_and_the_channels_read_the_index_not_ingest():
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports ingest"
        for path in _modules("bot")
        if str(path.relative_to(REPO)) not in BOT_MODULES_THAT_MAY_INGEST
        for line, imported in sorted(imported_packages(path))
        if imported == "ingest"
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", LEAF_MODULES)
def test_the_shared_records_import_nothing_of_the_project(module):
    assert not {imported for _, imported in imported_packages(REPO / module)} & PROJECT


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from bot.answering import Answer\n    import ingest.build\n")
    assert imported_packages(module) == {(2, "bot"), (3, "ingest")}
