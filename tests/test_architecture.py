"""The layering of docs/architecture.md, read from every module's imports.

Each module under fieldapp/ and ui/ is parsed (not imported), and every import it makes is
counted, the ones inside functions too: a lazy import still couples two layers.
"""

from __future__ import annotations

import ast
import re
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


# The layers of docs/architecture.md, lowest first: a package imports only from its own
# layer or the ones before it, so the store never imports sync and no two packages need
# each other (no cycles).
CORE_LAYERS = ("base", "sla", "store", "seal", "rules", "records", "workflows", "reads",
               "documents", "tools", "sync", "services", "archive", "cli")
UI_LAYERS = ("kit", "visit", "workflows", "sync", "shell")


def area(module: str, top: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == top and len(parts) > 1 else None


def upward_imports(found: dict[str, Path], top: str, layers: tuple[str, ...]) -> list[str]:
    rank = {name: i for i, name in enumerate(layers)}
    return [f"{name} -> {target}" for name, path in found.items()
            if (here := area(name, top)) in rank
            for target in imports_of(name, path)
            if (there := area(target, top)) in rank and rank[there] > rank[here]]


def test_every_package_has_a_layer():
    def packages(root: str) -> set[str]:
        return {p.name for p in (ROOT / root).iterdir()
                if (p / "__init__.py").is_file()}

    assert packages("fieldapp") == set(CORE_LAYERS)
    assert packages("ui") == set(UI_LAYERS)
    # only the package's own face and the entry point sit at the top
    assert {p.name for p in (ROOT / "fieldapp").glob("*.py")} == {"__init__.py", "__main__.py"}
    assert {p.name for p in (ROOT / "ui").glob("*.py")} == {"__init__.py"}


def test_the_core_imports_only_downwards():
    assert upward_imports(CORE, "fieldapp", CORE_LAYERS) == []


def test_the_desktop_imports_only_downwards():
    assert upward_imports(UI, "ui", UI_LAYERS) == []


def mapped_paths() -> list[str]:
    """The paths the module map in docs/architecture.md names (its first code block)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("```")[1]
    found, parents = [], {0: ""}
    for line in block.splitlines():
        stripped = line.lstrip()
        if not stripped or not stripped[0].isalnum():
            continue
        indent = len(line) - len(stripped)
        parent = parents.get(indent, "")
        names = [w for w in stripped.split("  ")[0].split()
                 if re.fullmatch(r"[\w.]+(\.py|\.spec|/)", w)]
        for name in names:
            found.append(parent + name)
        if names and names[-1].endswith("/"):
            parents[indent + 2] = parent + names[-1]
    return found


def test_the_module_map_in_the_docs_matches_the_code():
    named = mapped_paths()
    assert [p for p in named if not (ROOT / p).exists()] == []
    packages = [f"{top}/{name}/" for top, layers in (("fieldapp", CORE_LAYERS), ("ui", UI_LAYERS))
                for name in layers]
    assert [p for p in packages if p not in named] == []
