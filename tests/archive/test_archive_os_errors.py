"""`fieldapp-archive` names the file the operating system refused, on one line.

Like the laptop's command: no traceback, nothing half-written. (The checks accept the
message in either language, or both on the line.)
"""

from __future__ import annotations

from click.testing import CliRunner

from fieldapp.archive.cli import cli


def archive(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result, *, naming) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output and "Errno" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(("Error: ", "错误: ")) and str(naming) in lines[0]
    return lines[0]


def test_a_database_file_below_a_file_is_named(tmp_path):
    blocker = tmp_path / "passwd"
    blocker.write_text("x", encoding="utf-8")
    line = one_line_error(archive("--db", str(blocker / "archive.db"), "init"),
                          naming=blocker / "archive.db")
    assert f"{blocker} is a file, not a folder" in line or f"{blocker} 是文件，不是文件夹" in line


def test_a_backup_into_a_missing_folder_writes_nothing(tmp_path):
    db = str(tmp_path / "archive.db")
    assert archive("--db", db, "init").exit_code == 0
    target = tmp_path / "missing" / "copy.db"
    line = one_line_error(archive("--db", db, "backup", str(target)), naming=target)
    assert "does not exist" in line or "不存在" in line
    assert not target.parent.exists()


def test_a_backup_of_no_archive_is_refused_instead_of_copying_an_empty_one(tmp_path):
    target = tmp_path / "copy.db"
    one_line_error(archive("--db", str(tmp_path / "none.db"), "backup", str(target)),
                   naming=tmp_path / "none.db")
    assert not target.exists() and not (tmp_path / "none.db").exists()


def test_a_missing_rules_file_is_named(tmp_path):
    db = str(tmp_path / "archive.db")
    rules = tmp_path / "missing" / "rules.json"
    line = one_line_error(archive("--db", db, "reports", "run", "--rules", str(rules)),
                          naming=rules)
    assert "Cannot read" in line or "无法读取" in line


def test_an_import_file_that_is_missing_or_a_folder_is_named(tmp_path):
    db = str(tmp_path / "archive.db")
    missing = tmp_path / "customers.csv"
    line = one_line_error(archive("--db", db, "import", str(missing)), naming=missing)
    assert "不存在" in line
    line = one_line_error(archive("--db", db, "--lang", "en", "import", "--kind", "customers",
                                  str(tmp_path)),
                          naming=tmp_path)
    assert "Cannot read" in line


def test_an_import_file_whose_kind_cannot_be_told_asks_for_kind(tmp_path):
    odd = tmp_path / "list.csv"
    odd.write_text("code,name\nA1,甲\n", encoding="utf-8")
    line = one_line_error(archive("--db", str(tmp_path / "archive.db"), "import", str(odd)),
                          naming=odd)
    assert "--kind" in line and "第 0 行" not in line
