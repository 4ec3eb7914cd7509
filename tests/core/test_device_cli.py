"""`fieldapp requests add` names the customer's site, device (known or new) and contact;
`fieldapp devices show` tells a device's story by serial or asset tag. Bad input is one
line in the chosen language, exit 1, nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC

import pytest
import time_machine
from click.testing import CliRunner

from fieldapp.cli import cli
from tests.conftest import MOMENTS

# the demo's first customer and its printer (fieldapp/tools/demo.py)
PRINTER_SERIAL, PRINTER_TAG = "SN0000TJP0000", "ZC-TJPORT-001"
HOSPITAL_PRINTER = "ZC-TJH1-001"


@pytest.fixture
def run(tmp_path) -> Iterator:  # type: ignore[no-untyped-def, type-arg]
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["--data-dir", str(tmp_path / "data"), *args])

    with time_machine.travel(MOMENTS["wednesday"].astimezone(UTC), tick=True):
        result = invoke("demo", "--requests", "8")
        assert result.exit_code == 0, result.output
        yield invoke


def _add(run, *args: str):  # type: ignore[no-untyped-def]
    return run("requests", "add", "--customer", "TJPORT", "--operator", "C01",
               "--fault", "打印机卡纸，无法连续打印", *args)


def test_a_request_for_a_known_device_names_its_site_and_contact(run):  # type: ignore[no-untyped-def]
    result = _add(run, "--device", PRINTER_TAG, "--contact", "孙丽")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("已登记服务请求 R-C01-")
    assert "天津港信息中心本部（市内）" in result.output and PRINTER_SERIAL in result.output
    number = result.output.split()[1].split("：")[0]
    story = json.loads(run("devices", "show", PRINTER_SERIAL, "--json").output)
    assert story["history"][0]["number"] == number
    assert story["history"][0]["kind"] == "request"


def test_a_request_with_a_new_device_and_contact(run):  # type: ignore[no-untyped-def]
    result = _add(run, "--new-device", "笔记本", "--brand", "联想", "--model", "ThinkPad X1",
                  "--serial", "PF0NEW01", "--asset-tag", "ZC-TJPORT-099",
                  "--contact-name", "王敏", "--contact-phone", "13900001234", "--save-contact",
                  "--service", "onsite", "--hardware", "--numbers")
    assert result.exit_code == 0, result.output
    number = result.output.strip()
    shown = run("devices", "show", "ZC-TJPORT-099")
    assert shown.exit_code == 0, shown.output
    assert "设备: 笔记本电脑 联想 ThinkPad X1" in shown.output
    assert "客户: 天津港信息中心" in shown.output and number in shown.output
    again = _add(run, "--contact", "王敏", "--device", "PF0NEW01")  # now a known contact
    assert again.exit_code == 0, again.output


def test_devices_show_by_serial_and_by_asset_tag_tell_the_same_story_newest_first(run):  # type: ignore[no-untyped-def]
    by_serial = json.loads(run("devices", "show", PRINTER_SERIAL, "--json").output)
    by_tag = json.loads(run("devices", "show", PRINTER_TAG, "--json").output)
    assert by_serial == by_tag
    times = [e["at"] for e in by_serial["history"]]
    assert times == sorted(times, reverse=True)
    english = run("--lang", "en", "devices", "show", PRINTER_TAG)
    assert english.exit_code == 0 and "Serial number: SN0000TJP0000" in english.output


@pytest.mark.parametrize("args, zh", [
    (("--device", HOSPITAL_PRINTER, "--contact", "孙丽"),
     "错误: 设备 SN0100TJH0000 属于另一客户（天津市第一中心医院），不能用于该客户的请求。"),
    (("--site", "天津市第一中心医院本部", "--contact", "孙丽"),
     "错误: 地点“天津市第一中心医院本部”属于另一客户（天津市第一中心医院），"
     "不能用于该客户的请求。"),
    (("--contact", "周强"),  # the hospital's contact
     "错误: 所选联系人属于另一客户（天津市第一中心医院），不能用于该客户的请求。"),
    (("--device", "XX-404", "--contact", "孙丽"), "错误: 找不到序列号或资产编号为 XX-404 的设备。"),
    (("--new-device", "台式机", "--serial", PRINTER_SERIAL.replace("TJP", "TJH").replace(
        "0000TJH", "0100TJH"), "--contact", "孙丽"),
     "错误: SN0100TJH0000 已登记为另一客户（天津市第一中心医院）的设备。"),
])
def test_another_customers_item_or_an_unknown_serial_is_one_line_and_nothing_is_written(
        run, args, zh):  # type: ignore[no-untyped-def]
    before = run("requests", "list", "--numbers", "--limit", "1000").output
    result = _add(run, *args)
    assert (result.exit_code, result.output.strip()) == (1, zh)
    assert run("requests", "list", "--numbers", "--limit", "1000").output == before


def test_an_unknown_serial_is_refused_in_the_chosen_language(run):  # type: ignore[no-untyped-def]
    result = run("devices", "show", "NO-SUCH-SERIAL")
    assert (result.exit_code, result.output.strip()) == (
        1, "错误: 找不到序列号或资产编号为 NO-SUCH-SERIAL 的设备。")
    result = run("--lang", "en", "devices", "show", "NO-SUCH-SERIAL")
    assert result.output.strip() == (
        "Error: No device with serial number or asset tag NO-SUCH-SERIAL.")
