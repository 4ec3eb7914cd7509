"""The layering of docs/architecture.md, read from every module's imports.

Each module under fieldapp/ and ui/ is parsed (not imported), and every import it makes is
counted, the ones inside functions too: a lazy import still couples two layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "shiboken6")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def imports_of(name: str, path: Path) -> Iterator[str]:
    """Every module `name` imports, absolute, with `from x import y` also yielding x.y."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


CORE = modules("fieldapp")
UI = modules("ui")


def test_the_core_never_imports_qt_or_the_desktop():
    offenders = [f"{name} -> {target}" for name, path in CORE.items()
                 for target in imports_of(name, path)
                 if target.split(".")[0] in (*QT, "ui")]
    # `fieldapp` without a sub-command opens the desktop: the entry point may start it.
    assert [o for o in offenders if not o.startswith("fieldapp.cli ->")] == []


def test_the_desktop_imports_no_server_code():
    offenders = [f"{name} -> {target}" for name, path in UI.items()
                 for target in imports_of(name, path)
                 if target.startswith("fieldapp.archive") or target.split(".")[0] == "fastapi"]
    assert offenders == []
