"""A private CUPS for tests: its own cupsd on a Unix socket in a temporary folder (its
own config, spool and logs; the system's CUPS is not touched) and one queue whose
device is a ``file:`` URI (``FileDevice Yes``) with a PPD that accepts PDF and passes it on
(``cupsFilter2: application/vnd.cups-pdf application/pdf 0 -``): CUPS's pdftopdf filter
keeps the text layer, so the "printed" file can be read back with pdftotext. (cups-pdf
would rasterise through Ghostscript and lose the Chinese text.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

QUEUE = "fieldapp_test"

PPD = """*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "FIELDAPP.PPD"
*Manufacturer: "fieldapp"
*Product: "(fieldapp PDF file printer)"
*ModelName: "fieldapp PDF passthrough"
*ShortNickName: "fieldapp PDF passthrough"
*NickName: "fieldapp PDF passthrough"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: True
*DefaultColorSpace: RGB
*FileSystem: False
*Throughput: "1"
*LandscapeOrientation: Plus90
*TTRasterizer: Type42
*cupsVersion: 2.4
*cupsFilter2: "application/vnd.cups-pdf application/pdf 0 -"
*OpenUI *PageSize/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageSize
*DefaultPageSize: A4
*PageSize A4/A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageSize
*DefaultImageableArea: A4
*ImageableArea A4/A4: "0 0 595 842"
*DefaultPaperDimension: A4
*PaperDimension A4/A4: "595 842"
"""


class Cups:
    def __init__(self, root: Path, socket: Path, output: Path) -> None:
        self.root = root
        self.socket = socket
        self.output = output

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "CUPS_SERVER": str(self.socket)}
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)

    def empty_output(self) -> None:
        """An empty output file for the next job. CUPS 2.4.2-3+deb12u10 (Debian's security
        update) no longer creates a file: device's file, it only opens an existing one."""
        self.output.write_bytes(b"")
        self.output.chmod(0o666)

    def wait_for_jobs(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (not self.run("lpstat", "-o", QUEUE).stdout.strip()
                    and self.output.stat().st_size > 0):
                return
            time.sleep(0.2)
        log = (self.root / "log" / "error_log").read_text(errors="replace")[-3000:]
        pytest.fail(f"print job did not finish in {timeout} s\n{log}")


def _write_config(root: Path) -> tuple[Path, Path]:
    for name in ("spool", "spool/tmp", "cache", "state", "log", "out", "ppd"):
        (root / name).mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    # Filters run as the unprivileged lp user: let them read the spool and write output.
    (root / "spool" / "tmp").chmod(0o1777)
    (root / "out").chmod(0o777)
    socket = root / "cups.sock"
    (root / "cups-files.conf").write_text(
        "FileDevice Yes\n"
        f"ServerRoot {root}\nRequestRoot {root}/spool\nTempDir {root}/spool/tmp\n"
        f"CacheDir {root}/cache\nStateDir {root}/state\n"
        f"ErrorLog {root}/log/error_log\nAccessLog {root}/log/access_log\n"
        f"PageLog {root}/log/page_log\nPrintcap {root}/printcap\nSystemGroup root\n"
    )
    (root / "cupsd.conf").write_text(
        f"Listen {socket}\nLogLevel info\nWebInterface No\nBrowsing No\n"
        "DefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (root / "ppd" / "fieldapp-pdf.ppd").write_text(PPD)
    return socket, root / "out" / "printed.pdf"


@contextmanager
def private_cups() -> Iterator[Cups]:
    """A cupsd of its own with one queue, QUEUE; skips the test where that cannot run."""
    for tool in ("cupsd", "lpadmin", "lp", "lpstat"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed (apt install cups cups-client cups-filters)")
    if not Path("/usr/lib/cups/filter/pdftopdf").exists():
        pytest.skip("CUPS pdftopdf filter missing (apt install cups-filters)")
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        pytest.skip("a private cupsd needs root here (CI runs as root)")
    # A short path of its own: Unix socket paths are limited to ~100 bytes.
    root = Path(tempfile.mkdtemp(prefix="fa-cups-", dir="/tmp"))
    socket, output = _write_config(root)
    stderr_path = root / "log" / "cupsd.stderr"
    with stderr_path.open("wb") as stderr:
        daemon = subprocess.Popen(
            [
                shutil.which("cupsd") or "cupsd",
                "-f",
                "-c",
                str(root / "cupsd.conf"),
                "-s",
                str(root / "cups-files.conf"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        server = Cups(root, socket, output)
        server.empty_output()
        deadline = time.monotonic() + 15
        # `lpstat -r` exits 0 either way; read what it says.
        while "is running" not in server.run("lpstat", "-r").stdout:
            if daemon.poll() is not None or time.monotonic() > deadline:
                error = stderr_path.read_text(errors="replace")[-500:]
                pytest.skip(f"private cupsd did not start: {error}")
            time.sleep(0.2)
        added = server.run(
            "lpadmin",
            "-p",
            QUEUE,
            "-E",
            "-v",
            f"file://{output}",
            "-P",
            str(root / "ppd" / "fieldapp-pdf.ppd"),
        )
        assert added.returncode == 0, added.stderr
        yield server
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        shutil.rmtree(root, ignore_errors=True)
