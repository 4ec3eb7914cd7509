"""Print a PDF through the operating system's spooler.

Linux and macOS: CUPS's ``lp``. The PDF is sent as it is (no rasterising here), so the
printer or CUPS's own filters get the text layer and the embedded font; a PDF-capable
queue (IPP Everywhere, most office printers) prints it directly.

Windows: the spooler via the shell's "print"/"printto" verb, which hands the file to the
registered PDF application (Edge, Acrobat, SumatraPDF). With pywin32 installed a named
printer is used (``printto``); without it only the default printer (``os.startfile``).
Windows gives no job id back; the function returns ``"windows-shell"``. This path
cannot be tested on Linux CI and has no test.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fieldapp.documents.errors import PrintError

log = logging.getLogger("fieldapp.documents")

TIMEOUT_SECONDS = 30
_JOB_ID = re.compile(r"request id is (\S+)")


def list_printers() -> list[str]:
    """The print queues the system knows (empty when there are none)."""
    if sys.platform == "win32":
        return _windows_printers()
    if shutil.which("lpstat") is None:
        return []
    result = _run(["lpstat", "-e"], check=False)
    if result.returncode == 0:
        return [line.strip() for line in result.stdout.splitlines() if line.strip()]
    # Older CUPS without -e: "printer NAME is idle.  enabled since ..."
    result = _run(["lpstat", "-p"], check=False)
    return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("printer ")]


def default_printer() -> str | None:
    if sys.platform == "win32":
        try:
            import win32print
        except ImportError:
            return None
        return win32print.GetDefaultPrinter() or None
    for variable in ("LPDEST", "PRINTER"):
        if os.environ.get(variable):
            return os.environ[variable]
    if shutil.which("lpstat") is None:
        return None
    result = _run(["lpstat", "-d"], check=False)
    match = re.search(r"destination:\s*(\S+)", result.stdout)
    return match.group(1) if match else None


def print_pdf(pdf: bytes | Path, *, printer: str | None, copies: int = 1, title: str) -> str:
    """Send the PDF to `printer` (None: the default printer); return the job id."""
    if copies < 1:
        raise PrintError("打印份数至少为 1。", "Print at least one copy.")
    if sys.platform == "win32":
        return _print_windows(pdf, printer)
    if shutil.which("lp") is None:
        raise PrintError(
            "找不到打印命令 lp。请安装 CUPS（Debian/Ubuntu：apt install cups-client）。",
            "The lp command was not found. Install CUPS (Debian/Ubuntu: apt install cups-client).",
        )
    name = printer or default_printer()
    if not name:
        raise PrintError(
            "没有可用的打印机：请在系统中添加打印机或设置默认打印机。",
            "No printer: add a printer to the system or choose a default one.",
        )
    known = list_printers()
    if name not in known:
        raise PrintError(
            f"找不到打印机“{name}”。可用的打印机：{'、'.join(known) or '无'}",
            f"Printer '{name}' was not found. Available: {', '.join(known) or 'none'}",
        )
    with tempfile.TemporaryDirectory(prefix="fieldapp-print-") as folder:
        path = _as_file(pdf, Path(folder))
        command = ["lp", "-d", name, "-n", str(copies), "-t", title, "--", str(path)]
        result = _run(command, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise PrintError(
            f"打印机“{name}”拒绝了打印任务：{detail}",
            f"Printer '{name}' refused the job: {detail}",
        )
    match = _JOB_ID.search(result.stdout)
    job = match.group(1) if match else result.stdout.strip()
    log.info("printed %r on %s as %s (%d copies)", title, name, job, copies)
    return job


def _as_file(pdf: bytes | Path, folder: Path) -> Path:
    if isinstance(pdf, Path):
        if not pdf.is_file():
            raise PrintError(f"找不到要打印的文件：{pdf}", f"The file to print is missing: {pdf}")
        return pdf
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    return path


def _run(command: list[str], *, check: bool) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=check
        )
    except subprocess.TimeoutExpired as exc:
        raise PrintError(
            f"打印系统无响应（{command[0]} 超过 {TIMEOUT_SECONDS} 秒）。",
            f"The print system did not answer ({command[0]} took over {TIMEOUT_SECONDS} s).",
        ) from exc


# --- Windows (not exercised by the test suite) ---------------------------------------


def _windows_printers() -> list[str]:  # pragma: no cover - Windows only
    try:
        import win32print
    except ImportError:
        return []
    flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
    return [entry[2] for entry in win32print.EnumPrinters(flags)]


def _print_windows(pdf: bytes | Path, printer: str | None) -> str:  # pragma: no cover
    # The shell verb returns before the PDF application has read the file, so the file
    # must outlive this call: keep it in the temp folder (Windows cleans it up).
    if isinstance(pdf, Path):
        path = pdf
    else:
        handle, name = tempfile.mkstemp(prefix="fieldapp-print-", suffix=".pdf")
        with os.fdopen(handle, "wb") as file:
            file.write(pdf)
        path = Path(name)
    try:
        if printer:
            import win32api

            win32api.ShellExecute(0, "printto", str(path), f'"{printer}"', ".", 0)
        else:
            os.startfile(str(path), "print")  # type: ignore[attr-defined]
    except ImportError as exc:
        raise PrintError(
            "在 Windows 上选择打印机需要安装 pywin32；未安装时只能使用默认打印机。",
            "Choosing a printer on Windows needs pywin32; without it only the default "
            "printer can be used.",
        ) from exc
    except OSError as exc:
        raise PrintError(
            f"Windows 无法打印该 PDF（是否安装了 PDF 阅读器？）：{exc}",
            f"Windows could not print the PDF (is a PDF reader installed?): {exc}",
        ) from exc
    return "windows-shell"
