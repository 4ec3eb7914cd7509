"""The command line as a new user tries it: demo, lists, show, verify, sla, export/import."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fieldapp.cli import cli

# The demo is made around now, `sla` reads clocks at now: at every moment (tests/conftest.py).
pytestmark = pytest.mark.any_moment


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args: str, data_dir=tmp_path / "data"):
        return runner.invoke(cli, ["--data-dir", str(data_dir), *args])

    return invoke


@pytest.fixture
def demo(run):
    result = run("demo", "--requests", "24")
    assert result.exit_code == 0, result.output
    return run


def first_number(run, *args):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)[0]["number"]


def test_demo_then_lists_show_chinese_records(demo):
    result = demo("slips", "list")
    assert result.exit_code == 0
    assert "已封存" in result.output and "天津" in result.output
    result = demo("requests", "list", "--status", "open")
    assert "待分派" in result.output


def test_show_and_verify_a_sealed_slip(demo):
    number = first_number(demo, "slips", "list", "--status", "sealed")
    shown = demo("slips", "show", number)
    assert shown.exit_code == 0 and "封存码" in shown.output and "客户签字" in shown.output
    data = json.loads(demo("slips", "show", number, "--json").output)
    assert data["number"] == number and len(data["seal"]) == 64
    verified = demo("verify", number)
    assert verified.exit_code == 0 and "校验通过" in verified.output


def test_unknown_number_fails_with_one_line_in_the_chosen_language(demo):
    result = demo("--lang", "en", "verify", "S-NOPE-20260101-001")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: No slip S-NOPE-20260101-001."


def test_verify_of_a_draft_fails(demo):
    number = first_number(demo, "slips", "list", "--status", "draft")
    result = demo("verify", number)
    assert result.exit_code == 1 and "尚未封存" in result.output


def test_sla_of_a_request_and_a_slip(demo):
    request = first_number(demo, "requests", "list", "--status", "open")
    result = demo("sla", request, "--json")
    assert result.exit_code == 0
    clocks = json.loads(result.output)["clocks"]
    assert clocks and clocks[0]["state"] in {"on_track", "at_risk", "breached", "not_applicable"}
    slip = first_number(demo, "slips", "list", "--status", "sealed")
    assert demo("sla", slip).exit_code == 0


def test_search_finds_chinese_text_in_the_middle(demo):
    result = demo("slips", "list", "--search", "搓纸轮", "--json")
    rows = json.loads(result.output)
    assert rows
    for row in rows:
        slip = json.loads(demo("slips", "show", row["number"], "--json").output)
        assert "搓纸轮" in slip["fault_found"] + slip["handling"] + slip["fault_reported"]
    assert json.loads(demo("slips", "list", "--search", "不存在的故障", "--json").output) == []


def test_export_import_round_trip_between_two_data_folders(demo, tmp_path):
    out = tmp_path / "slips.json"
    assert demo("slips", "export", "-o", str(out)).exit_code == 0
    other = tmp_path / "other"
    result = demo("slips", "import", str(out), data_dir=other)
    assert result.exit_code == 0 and "已导入" in result.output
    again = demo("slips", "import", str(out), data_dir=other)
    assert "已导入 0 张" in again.output


def test_import_of_a_non_json_file_fails_cleanly(run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run("slips", "import", str(bad))
    assert result.exit_code == 1 and "JSON" in result.output


@pytest.mark.parametrize("args", [[], ["demo"], ["slips"], ["slips", "export"], ["verify"],
                                  ["sla"], ["requests", "list"]])
def test_every_command_has_help(run, args):
    result = run(*args, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_numbers_lists_only_the_numbers_for_scripts(demo):
    slips = demo("slips", "list", "--status", "sealed", "--limit", "2", "--numbers")
    requests = demo("requests", "list", "--status", "open", "--limit", "1", "--numbers")
    assert slips.exit_code == requests.exit_code == 0
    assert [line[:2] for line in slips.output.splitlines()] == ["S-", "S-"]
    assert requests.output.startswith("R-") and len(requests.output.split()) == 1
    shown = demo("slips", "show", slips.output.splitlines()[0])
    assert shown.exit_code == 0 and "已封存" in shown.output
