"""The README is executable: its quick start, tour and archive section run as written.

The commands are taken from README.md's ```bash blocks and run from the repository root
in a fresh HOME (so a fresh data folder), one after another in one shell (a variable set
by one line is there for the next). A command fails the test if it exits non-zero, prints
a traceback, or prints English in Chinese mode (no `--lang en`). Three lines cannot run as
written inside a test: `./scripts/run` alone opens the window (it runs offscreen for a few
seconds and must still be running), `./scripts/test` is this suite, and `serve` runs until
stopped (it runs in the background on a free port, which replaces the README's; its
output is the server's log, not checked for language).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.private_cups import QUEUE, Cups, private_cups

ROOT = Path(__file__).parents[1]
SECTIONS = ("Quick start", "A short tour", "The archive server")
README_PORT = "8800"
WINDOW_SECONDS = 10

# Latin words a Chinese screen may show: names, units and codes, not sentences.
ALLOWED_LATIN = {
    "fieldapp", "fieldapp-archive", "pdf", "sla", "qr", "json", "cups", "sqlite", "url",
    "id", "a4", "mm", "ok", "http", "https", "localhost",
}


@dataclass
class Command:
    line: str
    section: str

    @property
    def chinese(self) -> bool:
        return "--lang en" not in self.line

    @property
    def opens_window(self) -> bool:
        return self.line.split("#")[0].strip() == "./scripts/run"

    @property
    def is_the_test_suite(self) -> bool:
        return self.line.startswith("./scripts/test")

    @property
    def serves(self) -> bool:
        return " serve" in self.line.split("#")[0]


def readme_commands() -> list[Command]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands: list[Command] = []
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        title = section.splitlines()[0].strip()
        if not title.startswith(SECTIONS):
            continue
        for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S):
            for line in block.replace("\\\n", " ").splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    commands.append(Command(line.strip(), title))
    return commands


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def script_for(commands: list[Command], port: int, out: Path) -> str:
    """One bash script: each command's output, errors and exit status go to files."""
    lines = ["cleanup() { jobs -p | xargs -r kill 2>/dev/null; wait; }", "trap cleanup EXIT"]
    for n, command in enumerate(commands):
        line = command.line.replace(README_PORT, str(port))
        if command.is_the_test_suite:
            continue
        if command.opens_window:
            line = f"timeout {WINDOW_SECONDS} {line}"
        if command.serves:
            line = re.sub(r"\s+#\s.*$", "", line)  # a comment would swallow the `&`
            lines.append(f"{line} >{out}/{n}.out 2>{out}/{n}.err </dev/null &")
            lines.append(
                f"for _ in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null "
                f"&& break; sleep 0.2; done; echo 0 >{out}/{n}.rc")
            continue
        lines.append(f"{{ {line}\n}} >{out}/{n}.out 2>{out}/{n}.err </dev/null")
        lines.append(f"echo $? >{out}/{n}.rc")
    return "\n".join(lines) + "\n"


def english_words(text: str, typed: str = "") -> list[str]:
    """Latin words in `text` that are neither names, codes, paths, numbers nor words the
    user typed (a user name, say)."""
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths and addresses
    text = re.sub(r"\b[A-Z]+-[A-Z0-9]+(-[A-Z0-9]+)*\b", " ", text)  # S-E01-…, R-C01-…
    demo_words = set(re.findall(r"[A-Za-z][A-Za-z-]+", (ROOT / "fieldapp/tools/demo.py").read_text(
        encoding="utf-8").split("FAULTS =")[0].split("ENGINEERS =")[1]))
    words = re.findall(r"\b[A-Za-z][A-Za-z-]*[A-Za-z]\b", text)
    typed_words = set(re.findall(r"[A-Za-z]+", typed))
    return [w for w in words if w.lower() not in ALLOWED_LATIN and w not in demo_words
            and w not in typed_words and not re.fullmatch(r"[A-Z0-9]+", w)]


def checkout_state() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                          cwd=ROOT, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def cups_server() -> Cups:
    with private_cups() as server:
        server.run("lpadmin", "-d", QUEUE)
        yield server


def test_the_readme_runs_as_written(tmp_path: Path, cups_server: Cups) -> None:
    commands = readme_commands()
    assert {c.section.split(" (")[0] for c in commands} >= {"Quick start", "A short tour",
                                                           "The archive server"}
    home, out = tmp_path / "home", tmp_path / "out"
    home.mkdir()
    out.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FIELDAPP_", "XDG_", "PRINTER", "LPDEST"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", CUPS_SERVER=str(cups_server.socket))
    before = checkout_state()
    script = tmp_path / "readme.sh"
    script.write_text(script_for(commands, port, out))
    subprocess.run(["bash", str(script)], cwd=ROOT, env=env, timeout=900, check=False)

    failures = []
    for n, command in enumerate(commands):
        if command.is_the_test_suite:
            continue
        said = "".join(path.read_text(encoding="utf-8", errors="replace")
                       for path in (out / f"{n}.out", out / f"{n}.err") if path.exists())
        rc_file = out / f"{n}.rc"
        rc = int(rc_file.read_text()) if rc_file.exists() else None
        expected = 124 if command.opens_window else 0  # the window was still open
        if rc != expected:
            failures.append(f"{command.line!r} exited {rc}: {said[-600:]}")
        elif "Traceback" in said:
            failures.append(f"{command.line!r} printed a traceback: {said[-600:]}")
        elif command.chinese and not (command.opens_window or command.serves) and (
                english := english_words(said, command.line)):
            failures.append(f"{command.line!r} printed English in Chinese mode: "
                            f"{sorted(set(english))[:12]}")
    assert not failures, "\n".join(failures)
    assert checkout_state() == before, "the README's commands left files in the checkout"
