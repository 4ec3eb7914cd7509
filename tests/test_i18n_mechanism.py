"""One translation mechanism (docs/i18n.md), kept one.

`fieldapp.base.i18n` owns the language, the bilingual pair (`pick`, `pair`, `term`) and
the catalogues (`Catalogue`). Anything else that turns a language into a text is a
binding of it with no logic of its own. These tests read every module of fieldapp/ and
ui/ statically, so a second mechanism — a ``def t(zh, en)`` with its own ``if lang ==
"zh"``, a table indexed by ``language == "en"``, a catalogue read with ``json.load`` —
fails here, before it drifts from the first.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.base.i18n import LANGUAGES, Catalogue, placeholders

ROOT = Path(__file__).resolve().parent.parent
HOME = "fieldapp/base/i18n.py"

# The bindings: a language (bound or current) and a call into fieldapp.base.i18n, no more.
BINDINGS = {
    ("fieldapp/cli/context.py", "t"),  # the commands' pick, in --lang's language
    ("fieldapp/archive/portal/i18n.py", "translator"),  # the templates' t(zh, en)
    ("fieldapp/archive/portal/i18n.py", "pair"),  # the templates' label(table, key)
    ("fieldapp/archive/reports/document.py", "_t"),  # pick, the language first
    ("fieldapp/documents/labels.py", "label"),  # the documents' catalogue
    ("fieldapp/documents/kit/context.py", "t"),  # label in the document's language
    ("ui/kit/i18n.py", "tr"),  # the desktop's catalogue, recorded for the untranslated test
    ("ui/kit/i18n.py", "tr_in"),  # the same in an explicit language
    ("ui/kit/i18n.py", "pair"),
    ("ui/kit/i18n.py", "catalogue"),
    ("ui/visit/sign_view.py", "_zh"),  # a fixed-language (Chinese) label on the pad
}
# Names a translation function goes by. One outside HOME that takes a language, a key or
# the two texts must be a listed binding (a `t(moment)` or a `pick(self)` button is not).
TRANSLATING = {"t", "_t", "tr", "_tr", "pick", "_pick", "translate", "gettext", "ngettext",
               "_", "_zh", "_en", "catalogue", "translator", "i18n", "localize"}
TRANSLATION_PARAMS = {"zh", "en", "language", "lang", "key", "labels"}
# Every catalogue of keyed texts, read by the one Catalogue class.
CATALOGUES = [Catalogue("ui", "resources/i18n"),
              Catalogue("fieldapp.documents", "resources/i18n")]

LANGUAGE_CODE = {"zh", "en"}
TEXT_NAME = re.compile(r"(^|_)(zh|en)$")


def modules() -> Iterator[tuple[str, ast.Module]]:
    for top in ("fieldapp", "ui"):
        for path in sorted((ROOT / top).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name != HOME and "/migrations/" not in name:
                yield name, ast.parse(path.read_text("utf-8"), name)


def compares_language(node: ast.AST) -> bool:
    """``x == "zh"``, ``lang != "en"`` and the like, anywhere inside `node`."""
    return any(isinstance(sub, ast.Compare) and any(
        isinstance(c, ast.Constant) and c.value in LANGUAGE_CODE
        for c in [sub.left, *sub.comparators]) for sub in ast.walk(node))


def is_text(node: ast.AST | None) -> bool:
    """Whether `node` makes a user-facing text: an f-string, a non-ASCII literal, a name
    like ``zh``/``label_en``. Language codes, ASCII style names and None are not texts."""
    if node is None:
        return False
    for sub in ast.walk(node):
        if isinstance(sub, ast.JoinedStr):
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and not sub.value.isascii():
            return True
        name = sub.id if isinstance(sub, ast.Name) else (
            sub.attr if isinstance(sub, ast.Attribute) else None)
        if name and TEXT_NAME.search(name):
            return True
    return False


def language_branches(tree: ast.Module) -> Iterator[ast.AST]:
    """Places that choose a text by comparing a language with "zh"/"en" themselves."""
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp) and compares_language(node.test):
            if is_text(node.body) or is_text(node.orelse):
                yield node
        elif isinstance(node, ast.If) and compares_language(node.test):
            returns = [r for part in (node.body, node.orelse) for s in part
                       for r in ast.walk(s) if isinstance(r, ast.Return)]
            if any(is_text(r.value) for r in returns):
                yield node
        elif isinstance(node, ast.Subscript) and compares_language(node.slice):
            yield node  # pair[language == "en"]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None \
                and isinstance(node.value, ast.Compare) and compares_language(node.value):
            yield node  # zh = language == "zh", then `a if zh else b`


def test_no_module_but_the_mechanism_chooses_a_text_by_language() -> None:
    found = [f"{name}:{getattr(node, 'lineno', '?')}: {ast.unparse(node)[:80]}"
             for name, tree in modules() for node in language_branches(tree)]
    assert found == [], "use pick(zh, en, language) / term(table, key, language) instead"


def test_there_is_one_language_type() -> None:
    """Language, LANGUAGES and is_language live in the mechanism; no module lists the
    languages again (``("zh", "en")``, ``Literal["zh", "en"]``) to check a value itself."""
    found = []
    for name, tree in modules():
        for node in ast.walk(tree):
            elements = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else []
            values = {e.value for e in elements if isinstance(e, ast.Constant)}
            if len(elements) == len(LANGUAGES) and values == set(LANGUAGES):
                found.append(f"{name}:{getattr(node, 'lineno', '?')}: {ast.unparse(node)}")
    assert found == [], "use Language, LANGUAGES, is_language from fieldapp.base.i18n"


def test_translation_functions_are_bindings_of_the_mechanism() -> None:
    found = []
    for name, tree in modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or (name, node.name) in BINDINGS:
                continue
            params = {a.arg for a in node.args.args + node.args.kwonlyargs}
            if (node.name in TRANSLATING and params & TRANSLATION_PARAMS) \
                    or ({"zh", "en"} <= params and params & {"language", "lang"}):
                found.append(f"{name}:{node.lineno} def {node.name}")
    assert found == [], "a translation function outside fieldapp/base/i18n.py: use its " \
        "pick/term/Catalogue, or bind one (no logic) and list it in BINDINGS"


def test_the_bindings_hold_no_logic_of_their_own() -> None:
    """A binding compares no language and calls into the mechanism (or another binding)."""
    calls = {"pick", "pair", "term", "label", "text", "texts", "tr", "tr_in", "partial",
             "catalogue"}
    for name, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and (name, node.name) in BINDINGS:
                called = {c.func.id if isinstance(c.func, ast.Name) else c.func.attr
                          for c in ast.walk(node) if isinstance(c, ast.Call)
                          and isinstance(c.func, ast.Name | ast.Attribute)}
                assert not compares_language(node), f"{name}: {node.name}"
                assert called & calls, f"{name}: {node.name} calls none of {sorted(calls)}"


def test_the_bindings_still_exist() -> None:
    defined = {(name, node.name) for name, tree in modules() for node in ast.walk(tree)
               if isinstance(node, ast.FunctionDef)}
    assert BINDINGS - defined == set()


def test_catalogues_are_read_only_by_the_mechanism() -> None:
    """No json.load of a translation file, no QTranslator but Qt's own (ui/kit/i18n.py)."""
    found = []
    for name, tree in modules():
        source = ast.unparse(tree)
        if "QTranslator" in source and name != "ui/kit/i18n.py":
            found.append(f"{name}: QTranslator")
        if re.search(r"i18n/\{?\w*\}?\.json|\.json['\"].*i18n", source):
            found.append(f"{name}: reads a catalogue file")
    assert found == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=repr)
def test_every_key_exists_in_both_languages_with_the_same_placeholders(
        catalogue: Catalogue) -> None:
    assert catalogue.problems() == []
    texts = [catalogue.texts(lang) for lang in LANGUAGES]
    assert all(list(t) == list(texts[0]) for t in texts)  # the same keys in the same order
    for key in texts[0]:
        assert len({placeholders(t[key]) for t in texts}) == 1, key
        assert all(t[key].strip() for t in texts), f"{key}: empty"


def test_the_check_names_a_missing_key_and_a_different_placeholder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "pkg_i18n_probe" / "i18n"
    folder.mkdir(parents=True)
    (folder.parent / "__init__.py").write_text("")
    (folder / "zh.json").write_text('{"a": "第 {page} 页", "b": "乙", "c": "丙"}', "utf-8")
    (folder / "en.json").write_text('{"a": "Page {number}", "b": "B"}', "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    probe = Catalogue("pkg_i18n_probe", "i18n")
    assert probe.problems() == [
        "'a': placeholders differ: zh ['page'], en ['number']",
        "i18n/en.json lacks 'c'"]
    assert probe.text("c", "en") == "丙"  # Chinese stands in for a missing text
    assert probe.text("zz", "en") == "zz"  # a missing key shows itself
    assert probe.text("a", "zh", page=3) == "第 3 页"
