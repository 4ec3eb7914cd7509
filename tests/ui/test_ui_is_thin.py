"""The desktop is a thin shell (docs/architecture.md): no module under ui/ imports
SQLAlchemy or the ORM's rows; screens reach the store through `fieldapp.services`,
called off the GUI thread by `ui.kit.ops`."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
FORBIDDEN = ("sqlalchemy", "fieldapp.store.models", "fieldapp.store.workflow_models",
             "fieldapp.store.finding_models")

# Screens not yet on services: none since issue 22. Should one ever need a session again
# for a while, name it here with the reason; the second test makes it leave once converted.
NOT_YET_THIN: frozenset[str] = frozenset()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module}
    return names


def _modules() -> dict[str, Path]:
    return {p.relative_to(UI.parent).with_suffix("").as_posix().replace("/", "."): p
            for p in sorted(UI.rglob("*.py"))}


def test_no_ui_module_imports_sqlalchemy_or_orm_rows() -> None:
    offenders = {name: sorted(m for m in _imports(path) if m.startswith(FORBIDDEN))
                 for name, path in _modules().items() if name not in NOT_YET_THIN}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_allow_list_names_only_modules_that_still_need_it() -> None:
    """A converted module leaves the list (else the list hides its next regression)."""
    modules = _modules()
    assert set(modules) >= NOT_YET_THIN
    still = {name for name in NOT_YET_THIN
             if any(m.startswith(FORBIDDEN) for m in _imports(modules[name]))}
    assert still == set(NOT_YET_THIN)
