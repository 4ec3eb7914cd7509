"""`fieldapp --self-test`: a headless check that this installation works.

For CI (the frozen bundle is smoke-tested with it, see docs/install.md) and for support
on an engineer's laptop. It never touches the user's store: in a temporary folder it
opens a store (running the migrations shipped with the program), makes demo data with a
sealed slip, renders the customer copy with the CJK font embedded (the bundled one in a
frozen build), reads the slip and seal back from the copy, verifies the seal, and, where
Qt is installed, starts Qt offscreen in a child process (so a missing platform plugin,
which aborts a Qt process, shows up as a failed check instead of a crash).

Qt is only ever imported in that child process: the core stays free of PySide6.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sqlalchemy import Engine, select

import fieldapp
from fieldapp.base.i18n import pick
from fieldapp.store import Store, open_store
from fieldapp.store.migrate import alembic_config, current_revision, head_revision

QT_PROBE_ENV = "FIELDAPP_SELFTEST_QT_PROBE"
QT_PROBE_TIMEOUT = 60
# Image formats the desktop app relies on (icons, logos, signatures).
QT_IMAGE_FORMATS = ("png", "jpeg", "svg")


@dataclass(frozen=True)
class CheckResult:
    name_zh: str
    name_en: str
    ok: bool
    detail: str = ""

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        if not self.detail:
            return f"{mark} {self.name}"
        return f"{mark} {self.name}{pick('：', ': ')}{self.detail}"


def is_frozen() -> bool:
    """True in the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def run_self_test(data_dir: Path | None = None, *,
                  on_result: Callable[[CheckResult], None] | None = None) -> list[CheckResult]:
    """Run every check; `data_dir` is an empty folder for the test store (default: a
    temporary folder, removed afterwards). `on_result` sees each result as it comes."""
    if data_dir is not None:
        return _Checks(data_dir, on_result).run()
    with tempfile.TemporaryDirectory(prefix="fieldapp-selftest-",
                                     ignore_cleanup_errors=True) as tmp:
        return _Checks(Path(tmp), on_result).run()


class _Checks:
    def __init__(self, folder: Path, on_result: Callable[[CheckResult], None] | None) -> None:
        self.folder = folder
        self.on_result = on_result
        self.results: list[CheckResult] = []

    def add(self, zh: str, en: str, ok: bool, detail: str = "") -> bool:
        result = CheckResult(zh, en, ok, detail)
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        return ok

    def attempt(self, zh: str, en: str, check: Callable[[], str]) -> bool:
        """Run `check` (returns a detail, raises on failure) and record the outcome."""
        try:
            detail = check()
        except Exception as exc:  # a self-test reports every failure, whatever its kind
            return self.add(zh, en, False, f"{type(exc).__name__}: {exc}")
        return self.add(zh, en, True, detail)

    def run(self) -> list[CheckResult]:
        self.folder.mkdir(parents=True, exist_ok=True)
        store = None

        def open_it() -> str:
            nonlocal store
            store = open_store(self.folder / "store")
            return _migration_detail(store.engine)

        if self.attempt("数据库与迁移", "Store and migrations", open_it):
            assert store is not None
            try:
                self._documents(store)
            finally:
                store.close()
        self._qt()
        return self.results

    def _documents(self, store: Store) -> None:
        # Imported here, not at the top: a module missing from a bundle is a failed check.
        from fieldapp.tools.demo import fill_demo

        sealed: list[tuple[str, str]] = []

        def demo() -> str:
            fill_demo(store, requests=3)
            sealed.extend(_sealed_slips(store))
            if not sealed:
                raise AssertionError(pick("演示数据中没有已封存的服务单", "no sealed slip in demo"))
            number, seal = sealed[0]
            return f"{number} {seal[:12]}…"

        if not self.attempt("演示数据与封存", "Demo data and sealing", demo):
            return
        number, seal = sealed[0]
        self.attempt("校验封存码", "Verify the seal", lambda: _verify(store, number))
        font: list[Path] = []
        if not self.attempt("PDF 中文字体", "PDF CJK font", lambda: _font(font)):
            return
        pdf: list[bytes] = []
        if self.attempt("客户联 PDF（嵌入字体）", "Customer copy PDF (font embedded)",
                        lambda: _render(store, self.folder, number, font[0], pdf)):
            self.attempt("读回单号、封存码与版本", "Read back slip, seal and version",
                         lambda: _read_back(pdf[0], number, seal))

    def _qt(self) -> None:
        has_ui = importlib.util.find_spec("ui") is not None
        if importlib.util.find_spec("PySide6") is None:
            if has_ui:
                self.add("Qt 图形界面（离屏）", "Qt GUI (offscreen)", False,
                         pick("缺少 PySide6", "PySide6 is missing"))
            return
        self.attempt("Qt 图形界面（离屏）", "Qt GUI (offscreen)", lambda: _qt_check(has_ui))


def _migration_detail(engine: Engine) -> str:
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise AssertionError(f"revision {current} != head {head}")
    location = Path(str(alembic_config().get_main_option("script_location")))
    if is_frozen() and not location.is_relative_to(_bundle_dir()):
        raise AssertionError(f"migrations outside the bundle: {location}")
    return pick(f"版本 {head}", f"revision {head}")


def _bundle_dir() -> Path:
    return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)).resolve()


def _sealed_slips(store: Store) -> list[tuple[str, str]]:
    from fieldapp.store.models import Slip

    with store.read() as session:
        rows = session.execute(
            select(Slip.number, Slip.seal).where(Slip.seal.is_not(None)).order_by(Slip.number)
        ).all()
    return [(n, s) for n, s in rows if s is not None]  # the query keeps sealed ones only


def _verify(store: Store, number: str) -> str:
    from fieldapp.records.slips import get_slip
    from fieldapp.seal.sealing import verify_slip

    with store.read() as session:
        result = verify_slip(get_slip(session, number))
    if not result.ok:
        raise AssertionError("; ".join(pick(zh, en) for zh, en in result.problems))
    return number


def _font(found: list[Path]) -> str:
    """The bundled font in a frozen build (required there), else the usual search."""
    from fieldapp.documents.fonts import BUNDLED_FONT_DIR, find_cjk_font, register_cjk_font

    bundled = sorted(p for p in BUNDLED_FONT_DIR.glob("*.tt[fc]") if p.is_file())
    if bundled:
        path = bundled[0]
        register_cjk_font(path)  # raises FontError if it cannot draw Chinese
    elif is_frozen():
        raise AssertionError(pick(f"程序包中没有字体：{BUNDLED_FONT_DIR}",
                                  f"no font bundled in {BUNDLED_FONT_DIR}"))
    else:
        path = find_cjk_font().path
    found.append(path)
    return f"{path.name} ({pick('随程序附带', 'bundled') if bundled else pick('系统', 'system')})"


def _render(store: Store, folder: Path, number: str, font: Path, out: list[bytes]) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from fieldapp.base.settings import Settings
    from fieldapp.documents.copies import render_copy
    from fieldapp.documents.fonts import register_cjk_font

    settings = Settings.in_dir(folder)  # defaults; never saved
    settings.set("pdf_font", str(font))
    pdf = render_copy(store, number, settings, copy="customer")
    if not pdf.startswith(b"%PDF-"):
        raise AssertionError("not a PDF")
    # An embedded subset is named "ABCDEF+<PostScript name>" and has a /FontFile2 stream.
    # register_cjk_font registers a TTFont; the stubs type getFont as the base class.
    name: str | bytes = cast(TTFont, pdfmetrics.getFont(register_cjk_font(font))).face.name
    face = name if isinstance(name, bytes) else name.encode()
    fonts = set(re.findall(rb"/BaseFont\s*/([^\s/]+)", pdf))
    if b"/FontFile2" not in pdf or not any(f.partition(b"+")[2].startswith(face) for f in fonts):
        raise AssertionError(pick(f"PDF 未嵌入字体 {face.decode()}：{fonts}",
                                  f"the PDF does not embed {face.decode()}: {fonts}"))
    out.append(pdf)
    return f"{face.decode()}, {len(pdf) // 1024} KiB"


def _read_back(pdf: bytes, number: str, seal: str) -> str:
    import pypdfium2 as pdfium

    from fieldapp.documents import parse_qr_payload, qr_payload, read_payload_from_pdf

    if read_payload_from_pdf(pdf) != (number, seal):
        raise AssertionError(pick("PDF 元数据中的单号或封存码不符",
                                  "slip or seal in the PDF metadata differ"))
    if parse_qr_payload(qr_payload(number, seal)) != (number, seal):
        raise AssertionError(pick("二维码内容无法读回", "the QR payload does not read back"))
    document = pdfium.PdfDocument(pdf)
    try:
        creator = document.get_metadata_dict().get("Creator", "")
        pages = len(document)
    finally:
        document.close()
    if creator != f"fieldapp {fieldapp.__version__}":
        raise AssertionError(f"Creator {creator!r}")
    return f"{creator}, {pages} {pick('页', 'page(s)')}"


def _qt_check(has_ui: bool) -> str:
    """Start Qt offscreen in a child process (this program again, or this Python)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", QT_PROBE_ENV: "1" if has_ui else "0"}
    if is_frozen():
        command = [sys.executable]  # the entry point runs the probe when QT_PROBE_ENV is set
    else:
        probe = "from fieldapp.tools.selftest import qt_probe_main as m; m()"
        command = [sys.executable, "-c", probe]
    done = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=QT_PROBE_TIMEOUT, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-3:]
        raise AssertionError(" | ".join(tail))
    info = json.loads(lines[-1])
    missing = [f for f in QT_IMAGE_FORMATS if f not in info["image_formats"]]
    if info["platform"] != "offscreen" or missing:
        raise AssertionError(f"platform {info['platform']}, missing image formats {missing}")
    detail = f"Qt {info['qt']}, {info['platform']}, {', '.join(QT_IMAGE_FORMATS)}"
    return detail + (", ui.shell.app" if info["ui"] else "")


def qt_probe_main() -> None:
    """The child process: start a QApplication offscreen and print what it found as JSON.

    Imports the desktop app's entry module too when the `ui` package is installed.
    """
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    qt_core = importlib.import_module("PySide6.QtCore")
    qt_gui = importlib.import_module("PySide6.QtGui")
    qt_widgets = importlib.import_module("PySide6.QtWidgets")
    importlib.import_module("PySide6.QtPrintSupport")
    app = qt_widgets.QApplication([])
    image = qt_gui.QImage(64, 32, qt_gui.QImage.Format.Format_ARGB32)
    painter = qt_gui.QPainter(image)
    painter.drawText(2, 20, "服务单")
    painter.end()
    formats = sorted(bytes(f.data()).decode() for f in
                     qt_gui.QImageReader.supportedImageFormats())
    with_ui = os.environ.get(QT_PROBE_ENV) == "1"
    if with_ui:
        importlib.import_module("ui.shell.app")
    print(json.dumps({"qt": qt_core.qVersion(), "platform": app.platformName(),
                      "image_formats": formats, "ui": with_ui}))
    app.shutdown()


def report_self_test() -> int:
    """Print one ✓/✗ line per check in the current language; 0 only if all pass."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # a console that cannot show ✓ gets "?" rather than a crash
        reconfigure(errors="replace")
    kind = pick("打包版", "frozen build") if is_frozen() else pick("源码", "from source")
    title = pick(f"自检（{kind}）", f"self-test ({kind})")
    print(f"fieldapp {fieldapp.__version__} — {title}", flush=True)
    results = run_self_test(on_result=lambda r: print(r.line(), flush=True))
    passed = sum(r.ok for r in results)
    if passed == len(results):
        print(pick(f"自检通过（{passed}/{len(results)}）",
                   f"Self-test passed ({passed}/{len(results)})"))
        return 0
    print(pick(f"自检失败（{len(results) - passed}/{len(results)} 项未通过）",
               f"Self-test failed ({len(results) - passed} of {len(results)} checks)"))
    return 1
