"""Setup asks for the company the documents speak for (issue 17 item 5): while its name,
address, hotline or verify page is missing, one line under the fields says what the
copies will show as not set up; the verify page defaults to the archive's own."""

from __future__ import annotations

from fieldapp.base.settings import Settings
from ui.shell.setup_dialog import SetupDialog


def test_the_form_names_what_is_missing_until_the_company_is_set_up(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = SetupDialog(Settings.in_dir(tmp_path), first_start=True)
    qtbot.addWidget(dialog)
    dialog.show()
    note = dialog.identity_note
    assert note.isVisibleTo(dialog)
    assert "公司名称、公司地址、服务热线、单据验证网址" in note.text()
    edits = dialog.edits
    edits["company_name"].setText("津海信息技术服务有限公司")
    edits["company_address"].setText("天津市和平区南京路 189 号")
    edits["complaint_hotline"].setText("400-022-6600")
    assert note.text().count("、") == 0 and "单据验证网址" in note.text()
    edits["archive_url"].setText("https://fw.jinhai-it.example.cn/")
    assert not note.isVisibleTo(dialog)
    assert edits["verify_url"].placeholderText() == (
        "可不填：默认 https://fw.jinhai-it.example.cn/portal/verify")


def test_the_typed_verify_page_is_saved(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.in_dir(tmp_path)
    dialog = SetupDialog(settings, first_start=True)
    qtbot.addWidget(dialog)
    dialog.edits["operator_name"].setText("张三")
    dialog.edits["operator_code"].setText("E09")
    dialog.edits["verify_url"].setText(" https://check.example.cn/portal/verify ")
    dialog.ok_button.click()
    assert Settings.in_dir(tmp_path).get("verify_url") == "https://check.example.cn/portal/verify"
