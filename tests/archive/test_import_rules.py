"""`fieldapp-archive import` checks every row with the rule the laptop and the archive's
ingest use (fieldapp.rules.reference): a bad row is one line in the user's language naming
the row and the field, the exit status says so, and nothing of the file is written — not
even the good rows before it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from fieldapp.archive.cli import cli as archive_cli
from fieldapp.archive.db import Database, create_archive_engine, init_schema
from fieldapp.store.models import Contract, Customer, Engineer
from tests.archive.servers import sqlite_url

GOOD = {"engineers": [{"code": "E01", "name": "张伟"}],
        "customers": [{"code": "NKU", "name": "南开大学信息化办公室"}]}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    init_schema(create_archive_engine(url))
    return url


def _import(db_url: str, path: Path, language: str):
    return CliRunner().invoke(archive_cli, ["--lang", language, "--db", db_url, "import",
                                            str(path)], catch_exceptions=False)


def _counts(db_url: str) -> tuple[int | None, ...]:
    db = Database(create_archive_engine(db_url))
    try:
        with db.read() as session:
            return tuple(session.scalar(select(func.count()).select_from(model))
                         for model in (Engineer, Customer, Contract))
    finally:
        db.close()


@pytest.mark.parametrize(("kind", "row", "zh", "en"), [
    ("engineers", {"code": "WEB", "name": "网页客服"},
     "engineers 第 2 行：工号 WEB 保留给客户门户的记录。",
     "engineers row 2: The code WEB is reserved for the customers' portal."),
    ("engineers", {"code": "e-7 x", "name": "王强"},
     "engineers 第 2 行：工号须为 2–8 位大写字母或数字。",
     "engineers row 2: The code must be 2–8 capital letters or digits."),
    ("contracts", {"customer_code": "NKU", "number": "FW-2026-NKU", "starts_on": "2026-12-31",
                   "ends_on": "2026-01-01"},
     "contracts 第 1 行：合同结束日期不能早于开始日期。",
     "contracts row 1: The contract cannot end before it starts."),
    ("contracts", {"customer_code": "NKU", "number": "FW-2026-NKU", "starts_on": "2026-01-01",
                   "ends_on": "2026-12-31", "sla_terms": "{respond in 4h}"},
     "contracts 第 1 行：合同的服务时限条款无法读取（须为 JSON）。",
     "contracts row 1: The contract's SLA terms cannot be read (JSON expected)."),
])
def test_a_row_the_core_refuses_stops_the_import_in_both_languages_and_writes_nothing(
        db_url: str, tmp_path: Path, kind: str, row: dict, zh: str, en: str):
    data = {k: list(v) for k, v in GOOD.items()}
    data.setdefault(kind, []).append(row)
    source = tmp_path / "reference.json"
    source.write_text(json.dumps(data, ensure_ascii=False), "utf-8")

    for language, line in (("zh", f"错误: {zh}"), ("en", f"Error: {en}")):
        result = _import(db_url, source, language)
        assert result.exit_code == 1
        assert result.output.strip() == line  # one line, no traceback, no SQL
    assert _counts(db_url) == (0, 0, 0)


def test_a_csv_row_is_named_by_its_kind_and_row_and_its_good_neighbours_wait(
        db_url: str, tmp_path: Path):
    source = tmp_path / "engineers.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerows([("code", "name", "phone"), ("E01", "张伟", "13900220000"),
                          ("E02", "李娜", "请打前台")])
    result = _import(db_url, source, "en")
    assert result.exit_code == 1
    assert result.output.startswith("Error: engineers row 2: The engineer's phone may contain")
    assert _counts(db_url) == (0, 0, 0)

    source.write_text("code,name,phone\nE01,张伟,13900220000\nE02,李娜,022-2345 6789 转 801\n",
                      "utf-8")
    assert _import(db_url, source, "en").exit_code == 0
    assert _counts(db_url) == (2, 0, 0)
