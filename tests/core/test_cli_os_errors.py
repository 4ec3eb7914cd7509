"""When the operating system refuses a file or folder, `fieldapp` says so in one line.

A missing folder, a file where a folder should be, a read-only disk, a folder without
permission, a full disk: each ends the command with a non-zero exit and exactly one line
on standard error, in Chinese (or English with --lang en), naming the path, with no
traceback, SQL or customer data, and nothing half-written (no partial PDF or JSON, no
half-made store). The ones the OS can be made to do for real here (a missing folder, a
file in the way) are real; a read-only disk, a denied permission and a full disk are the
OS's answers at the boundary (`os.open`, `os.write`), since the tests run as root.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event

import fieldapp.store as store_module
from fieldapp.base.errors import PathError, StorageError
from fieldapp.base.settings import Settings
from fieldapp.cli import cli
from fieldapp.store import DB_FILENAME, open_store
from fieldapp.tools.demo import fill_demo


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "data"
    store = open_store(folder)
    fill_demo(store, requests=6)
    store.close()
    return folder


@pytest.fixture
def data(demo_folder: Path, tmp_path: Path) -> Path:
    """A data folder of this test's own with a few demo slips in it."""
    return Path(shutil.copytree(demo_folder, tmp_path / "data"))


def fieldapp(data_dir: Path | str, *args: str, lang: str | None = None):
    options = ["--data-dir", str(data_dir), *(["--lang", lang] if lang else [])]
    return CliRunner().invoke(cli, [*options, *args])


def sealed_slip(data: Path) -> str:
    result = fieldapp(data, "slips", "list", "--status", "sealed", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)[0]["number"]


def one_line_error(result, *, naming: str | Path, lang: str = "zh") -> str:
    """The failure's one line on standard error, after checking what every one promises."""
    assert result.exit_code != 0, result.output
    assert not isinstance(result.exception, AssertionError)
    assert "Traceback" not in result.output and "Errno" not in result.output
    assert "SELECT" not in result.output and "INSERT" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert str(naming) in line
    if lang == "zh":
        assert line.startswith("错误: ")
    else:
        assert line.startswith("Error: ") and line.isascii()
    return line


def leftovers(folder: Path) -> list[str]:
    """Files in `folder` other than the store's (a partial output would show here)."""
    return sorted(p.name for p in folder.iterdir()
                  if not p.name.startswith(DB_FILENAME) and p.name != "settings.json")


# --- a missing folder, a file in the way (real) --------------------------------------


def test_a_pdf_into_a_missing_folder_names_the_folder_and_writes_nothing(data, tmp_path):
    number = sealed_slip(data)
    target = tmp_path / "missing-dir" / "x.pdf"
    line = one_line_error(fieldapp(data, "pdf", number, "-o", str(target)), naming=target)
    assert f"文件夹 {tmp_path / 'missing-dir'} 不存在" in line and "未写入任何内容" in line
    line = one_line_error(fieldapp(data, "pdf", number, "-o", str(target), lang="en"),
                          naming=target, lang="en")
    assert f"the folder {tmp_path / 'missing-dir'} does not exist" in line
    assert not (tmp_path / "missing-dir").exists()
    shown = fieldapp(data, "slips", "show", number, "--json")
    assert json.loads(shown.stdout)["copies_printed"] == 0  # nothing counted as issued


def test_a_data_folder_below_a_file_is_refused_before_anything_is_made(tmp_path):
    blocker = tmp_path / "passwd"
    blocker.write_text("root:x:0:0\n", encoding="utf-8")
    data_dir = blocker / "x"
    line = one_line_error(fieldapp(data_dir, "slips", "list"), naming=data_dir)
    assert f"{blocker} 是文件，不是文件夹" in line
    line = one_line_error(fieldapp(data_dir, "slips", "list", lang="en"), naming=data_dir,
                          lang="en")
    assert line == f"Error: Cannot use the data folder {data_dir}: {blocker} is a file, " \
                   "not a folder."
    assert blocker.read_text(encoding="utf-8") == "root:x:0:0\n"


def test_a_data_folder_that_is_a_file_is_refused_in_the_users_language(tmp_path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    line = one_line_error(fieldapp(not_a_folder, "requests", "list"), naming=not_a_folder)
    assert "是文件，不是文件夹" in line


def test_the_desktop_refuses_such_a_data_folder_before_any_window(tmp_path, monkeypatch):
    """No sub-command starts the desktop app: the folder is checked before Qt is loaded."""
    opened: list[Path] = []
    fake_ui = types.ModuleType("ui.shell.app")
    fake_ui.run = lambda data_dir: opened.append(data_dir) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.shell.app", fake_ui)
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    one_line_error(CliRunner().invoke(cli, ["--data-dir", str(blocker / "x")]),
                   naming=blocker / "x")
    one_line_error(CliRunner().invoke(cli, ["--lang", "en", "--data-dir", str(blocker / "x")]),
                   naming=blocker / "x", lang="en")
    assert opened == []


def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path):
    """The real entry point in a fresh process, as a user on a new machine runs it."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("FIELDAPP_DATA_DIR", None)
    for args in ([], ["slips", "list"]):
        done = subprocess.run([sys.executable, "-m", "fieldapp", "--data-dir",
                               str(blocker / "x"), *args],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode != 0
        assert done.stderr.splitlines() == [
            f"错误: 无法使用数据文件夹 {blocker / 'x'}：{blocker} 是文件，不是文件夹。"]
        assert done.stdout == ""


def test_an_output_that_is_a_folder_is_refused_by_the_command_not_by_click(data, tmp_path):
    number = sealed_slip(data)
    (tmp_path / "out").mkdir()
    line = one_line_error(fieldapp(data, "pdf", number, "-o", str(tmp_path / "out")),
                          naming=tmp_path / "out")
    assert "这是一个文件夹，不是文件" in line
    assert list((tmp_path / "out").iterdir()) == []


def test_exports_and_imports_name_the_file_the_os_refused(data, tmp_path):
    target = tmp_path / "missing" / "slips.json"
    one_line_error(fieldapp(data, "slips", "export", "-o", str(target)), naming=target)
    one_line_error(fieldapp(data, "slips", "export", "-o", str(target), lang="en"),
                   naming=target, lang="en")
    line = one_line_error(fieldapp(data, "slips", "import", str(target)), naming=target)
    assert "无法读取" in line and "文件不存在" in line
    line = one_line_error(fieldapp(data, "slips", "import", str(target), lang="en"),
                          naming=target, lang="en")
    assert line == f"Error: Cannot read {target}: no such file."


# --- read-only, permission denied (the OS's answer at os.open) -----------------------


def refuse_files_in(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """The OS refuses to create any file in `folder` (as a read-only mount or a folder
    without write permission would; root ignores chmod, so it is said at `os.open`)."""
    real_open = os.open

    def refusing_open(path, flags, mode=0o777, *, dir_fd=None):
        if Path(path).parent == folder and flags & os.O_CREAT:
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", refusing_open)


@pytest.mark.parametrize(("code", "zh", "en"), [
    (errno.EROFS, "所在磁盘是只读的", "the disk is read-only"),
    (errno.EACCES, "没有权限", "permission denied"),
])
def test_a_data_folder_the_os_will_not_write_in_is_named_and_left_empty(
        tmp_path, monkeypatch, code, zh, en):
    """A read-only (or forbidden) data folder below a writable one: a new store is not
    started in it, and nothing is made there."""
    folder = tmp_path / "data"
    folder.mkdir()
    refuse_files_in(monkeypatch, folder, code)
    line = one_line_error(fieldapp(folder, "slips", "list"), naming=folder)
    assert line == f"错误: 无法使用数据文件夹 {folder}：{zh}。"
    line = one_line_error(fieldapp(folder, "slips", "list", lang="en"), naming=folder,
                          lang="en")
    assert line == f"Error: Cannot use the data folder {folder}: {en}."
    assert list(folder.iterdir()) == []


def test_an_existing_store_in_a_read_only_folder_is_named_not_opened(data, monkeypatch):
    refuse_files_in(monkeypatch, data, errno.EROFS)
    line = one_line_error(fieldapp(data, "slips", "list"), naming=data)
    assert "只读" in line


@pytest.mark.parametrize(("code", "zh"), [(errno.EROFS, "只读"), (errno.EACCES, "没有权限")])
def test_a_pdf_into_a_folder_the_os_will_not_write_in(data, tmp_path, monkeypatch, code, zh):
    number = sealed_slip(data)
    out = tmp_path / "out"
    out.mkdir()
    refuse_files_in(monkeypatch, out, code)
    line = one_line_error(fieldapp(data, "pdf", number, "-o", str(out / "x.pdf")),
                          naming=out / "x.pdf")
    assert zh in line
    assert list(out.iterdir()) == []


# --- disk full (the OS's answer at os.write) -----------------------------------------


def fill_disk_after(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    """The disk takes `room` more bytes, then answers ENOSPC."""
    real_write = os.write
    left = [room]

    def write(fd, data):
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done = real_write(fd, bytes(data[:left[0]]))
        left[0] -= done
        return done

    monkeypatch.setattr(os, "write", write)


def test_a_full_disk_leaves_no_partial_pdf_and_counts_no_copy(data, tmp_path, monkeypatch):
    number = sealed_slip(data)
    out = tmp_path / "out"
    out.mkdir()
    fill_disk_after(monkeypatch, 1000)  # a PDF is far bigger: it is cut off
    line = one_line_error(fieldapp(data, "pdf", number, "-o", str(out / "x.pdf")),
                          naming=out / "x.pdf")
    assert "磁盘已满" in line and "未写入任何内容" in line
    line = one_line_error(fieldapp(data, "pdf", number, "-o", str(out / "x.pdf"), lang="en"),
                          naming=out / "x.pdf", lang="en")
    assert "the disk is full" in line
    assert list(out.iterdir()) == []
    monkeypatch.undo()
    shown = fieldapp(data, "slips", "show", number, "--json")
    assert json.loads(shown.stdout)["copies_printed"] == 0


def test_a_full_disk_keeps_the_previous_export_whole(data, tmp_path, monkeypatch):
    target = tmp_path / "slips.json"
    assert fieldapp(data, "slips", "export", "-o", str(target)).exit_code == 0
    before = target.read_bytes()
    fill_disk_after(monkeypatch, 100)
    one_line_error(fieldapp(data, "slips", "export", "-o", str(target), lang="en"),
                   naming=target, lang="en")
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == ["data", "slips.json"]


def test_a_full_disk_keeps_the_previous_settings(tmp_path, monkeypatch):
    settings = Settings.in_dir(tmp_path)
    settings.set("operator_name", "刘洋")
    settings.save()
    before = (tmp_path / "settings.json").read_bytes()
    settings.set("operator_name", "张伟")
    fill_disk_after(monkeypatch, 10)
    with pytest.raises(PathError) as error:
        settings.save()
    assert error.value.errno == errno.ENOSPC
    assert str(tmp_path / "settings.json") in error.value.zh
    assert (tmp_path / "settings.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_store_the_disk_fills_up_while_making_is_not_left_half_made(tmp_path, monkeypatch):
    """SQLite itself runs out of room (max_page_count) while the schema is made."""
    real_engine = store_module.create_sqlite_engine

    def tiny_disk(path):
        engine = real_engine(path)
        event.listen(engine, "connect",
                     lambda conn, _r: conn.execute("PRAGMA max_page_count = 8"))
        return engine

    monkeypatch.setattr(store_module, "create_sqlite_engine", tiny_disk)
    folder = tmp_path / "data"
    with pytest.raises(StorageError) as error:
        open_store(folder)
    assert "磁盘已满" in error.value.zh and str(folder / DB_FILENAME) in error.value.zh
    assert list(folder.iterdir()) == []
    monkeypatch.undo()
    open_store(folder).close()  # with room again, the store is made from scratch


# --- the message's wording, errno by errno -------------------------------------------


@pytest.mark.parametrize("code", [errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EROFS,
                                  errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT,
                                  errno.ENAMETOOLONG, errno.EIO, errno.EEXIST, errno.EBUSY,
                                  errno.EMFILE])
def test_every_os_refusal_is_one_line_in_both_languages_naming_the_path(code, tmp_path):
    path = tmp_path / "报告" / "x.pdf"
    error = PathError.from_os_error(OSError(code, os.strerror(code)), path)
    for text in (error.zh, error.en):
        assert str(path) in text and "\n" not in text and "Errno" not in text
    assert error.en.isascii() or "报告" in error.en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.zh.replace("报告", ""))
    assert error.path == str(path) and error.errno == code


# --- a number that is nothing on record ----------------------------------------------


@pytest.mark.parametrize("args", [("pdf", "NOPE", "-o", "x.pdf"),
                                  ("pdf", "S-NOPE", "-o", "x.pdf"),
                                  ("print", "NOPE"), ("slips", "show", "NOPE"),
                                  ("verify", "NOPE")])
def test_an_unknown_number_is_a_slip_not_found_not_a_loaner(data, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = fieldapp(data, *args)
    line = one_line_error(result, naming=args[1] if args[0] != "slips" else "NOPE")
    assert "找不到服务单" in line and "备机 NOPE" not in line
    result = fieldapp(data, *args, lang="en")
    line = one_line_error(result, naming="NOPE", lang="en")
    assert line.startswith("Error: No slip ") and "No loaner" not in line
    assert not (tmp_path / "x.pdf").exists()


def test_verifying_a_pdf_that_is_not_there_names_the_file(data, tmp_path):
    copy = tmp_path / "missing" / "copy.pdf"
    line = one_line_error(fieldapp(data, "verify", str(copy)), naming=copy)
    assert line == f"错误: 无法读取 {copy}：文件不存在。"
    line = one_line_error(fieldapp(data, "verify", str(copy), lang="en"), naming=copy,
                          lang="en")
    assert line == f"Error: Cannot read {copy}: no such file."
