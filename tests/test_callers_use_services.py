"""The command line and the archive's staff and portal routes write through the services
(docs/architecture.md, "Services"): none of their modules imports a core function that
writes — a record's or workflow's command in fieldapp.records, fieldapp.workflows or the
tools — so a rule or a transaction lives in one place, the service both they and the
desktop call. Reads (get_slip, the read models) and labels may be imported directly.

Which core functions write is read from the code, not listed by hand: a function that
adds, deletes or flushes through a session, runs an INSERT/UPDATE/DELETE, opens
`store.write()`, or calls such a function (followed across modules).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ("fieldapp.records", "fieldapp.workflows", "fieldapp.tools")
CALLERS = ("fieldapp.cli", "fieldapp.archive.cli", "fieldapp.archive.report_cli",
           "fieldapp.archive.api", "fieldapp.archive.portal")
SESSION_WRITES = {"add", "add_all", "delete", "merge", "flush", "bulk_save_objects"}
SQL_WRITES = {"insert", "update", "delete"}
COLLECTION = {"append", "extend", "clear", "remove"}

# Caller module → the core write functions it may still import, each with its reason.
# Keep it short; the last test makes an entry leave once it is not needed.
ALLOWED: dict[str, dict[str, str]] = {}


def _module_name(path: Path) -> str:
    name = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
    return name.removesuffix(".__init__")


def _modules(prefixes: tuple[str, ...]) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "fieldapp").rglob("*.py")):
        name = _module_name(path)
        if name.startswith(prefixes) and (name in prefixes or
                                          any(name.startswith(p + ".") for p in prefixes)):
            found[name] = path
    return found


@dataclass
class Module:
    """One module's imports (local name → module or module.function) and functions."""

    names: dict[str, str] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)


def _read(name: str, path: Path) -> Module:
    tree = ast.parse(path.read_text("utf-8"))
    module = Module()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                module.names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for alias in node.names:
                module.names[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            module.functions[node.name] = node
    return module


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _resolve(module_name: str, module: Module, dotted: str) -> str:
    head, _, rest = dotted.partition(".")
    if head in module.functions and not rest:
        return f"{module_name}.{head}"
    target = module.names.get(head)
    return f"{target}.{rest}" if target and rest else (target or dotted)


def _calls(function: ast.FunctionDef) -> Iterator[ast.Call]:
    yield from (n for n in ast.walk(function) if isinstance(n, ast.Call))


def _changes_rows(function: ast.FunctionDef) -> bool:
    """Given a session, it sets a column on a row (`slip.handling = …`, `setattr`) or
    changes a row's collection (`slip.fee_lines.append(…)`)."""
    if "session" not in {a.arg for a in function.args.args + function.args.kwonlyargs}:
        return False
    for node in ast.walk(function):
        targets = (node.targets if isinstance(node, ast.Assign) else
                   [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else [])
        if any(isinstance(t, ast.Attribute) for t in targets):
            return True
        if isinstance(node, ast.Call) and (
                (isinstance(node.func, ast.Name) and node.func.id == "setattr")
                or (isinstance(node.func, ast.Attribute) and node.func.attr in COLLECTION
                    and isinstance(node.func.value, ast.Attribute))):
            return True
    return False


def _writes_itself(function: ast.FunctionDef) -> bool:
    if _changes_rows(function):
        return True
    for call in _calls(function):
        if isinstance(call.func, ast.Attribute):
            if call.func.attr in SESSION_WRITES and _dotted(call.func.value) in (
                    "session", "self.session", "s"):
                return True
            if call.func.attr == "write" and not call.args:  # store.write()
                return True
        if isinstance(call.func, ast.Name) and call.func.id in SQL_WRITES:
            return True
    return False


def write_functions() -> set[str]:
    """Every core function that writes, by its dotted name."""
    modules = {name: _read(name, path) for name, path in _modules(CORE).items()}
    callees: dict[str, set[str]] = {}
    writes: set[str] = set()
    for name, module in modules.items():
        for fname, function in module.functions.items():
            full = f"{name}.{fname}"
            callees[full] = {_resolve(name, module, d) for c in _calls(function)
                             if (d := _dotted(c.func))}
            if _writes_itself(function):
                writes.add(full)
    changed = True
    while changed:
        changed = False
        for full, called in callees.items():
            if full not in writes and called & writes:
                writes.add(full)
                changed = True
    return writes


def _used(module_name: str, path: Path) -> set[str]:
    """The core names a caller module reaches: imported ones and module.attribute uses."""
    module = _read(module_name, path)
    used = {target for target in module.names.values() if target.startswith(CORE)}
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (dotted := _dotted(node)):
            resolved = _resolve(module_name, module, dotted)
            if resolved.startswith(CORE):
                used.add(resolved)
    return used


def _allowed(caller: str, name: str) -> bool:
    return name in ALLOWED.get(caller, {})


def _offences() -> dict[str, list[str]]:
    writes = write_functions()
    found: dict[str, list[str]] = {}
    for caller, path in _modules(CALLERS).items():
        bad = sorted(n for n in _used(caller, path) & writes if not _allowed(caller, n))
        if bad:
            found[caller] = bad
    return found


def test_the_detector_finds_the_core_functions_that_write() -> None:
    """Else the next test would pass for the wrong reason."""
    assert write_functions() >= {
        "fieldapp.records.service_requests.take_request",
        "fieldapp.records.slips.record_print",
        "fieldapp.records.slips.update_slip",
        "fieldapp.records.slips.set_fee_lines",
        "fieldapp.records.reference.create_engineer",
        "fieldapp.workflows.complaints.open_complaint",
        "fieldapp.workflows.questions.record_question",
        "fieldapp.tools.exchange.import_slips",
        "fieldapp.tools.demo.fill_demo",
    }
    assert not write_functions() & {
        "fieldapp.records.slips.get_slip", "fieldapp.records.sla_records.request_clocks",
        "fieldapp.tools.exchange.export_slips", "fieldapp.workflows.repair.repair_overview"}


def test_the_cli_and_archive_routes_import_no_core_write_function() -> None:
    assert _offences() == {}


def test_every_allowed_write_is_still_used_and_says_why() -> None:
    """An entry the code no longer needs leaves the list (else it hides a regression)."""
    writes = write_functions()
    callers = _modules(CALLERS)
    for caller, rules in ALLOWED.items():
        if caller not in callers:  # not written yet / removed: the entry goes
            continue
        used = _used(caller, callers[caller]) & writes
        for rule, reason in rules.items():
            assert reason.strip()
            assert rule in used, f"{caller}: {rule} is no longer used"
