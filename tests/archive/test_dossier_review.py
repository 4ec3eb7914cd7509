"""The service centre reviews the group dossier (R2.5, issue 20 item 6) with
`fieldapp-archive dossier pending / review` and the staff API (GET /dossier/pending, POST
/dossier/review): accepted or returned with a comment, each refusal one line in zh and en,
engineers and customers kept out."""

from __future__ import annotations

from datetime import timedelta

import httpx
from click.testing import CliRunner

from fieldapp.archive.cli import cli as archive_cli
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests, slips
from fieldapp.workflows import dossier
from tests.archive.servers import PASSWORD

API = "/api/v1"


def _problem(archive) -> str:  # type: ignore[no-untyped-def]
    now = utcnow()
    with archive.db.write() as session:
        port = reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                         is_group=True)
        e07 = reference.create_engineer(session, code="E07", name="刘洋")
        request = service_requests.take_request(
            session, operator_code="C01", customer=port, channel="onsite",
            fault_reported="打印机卡纸", requested_at=now - timedelta(hours=2),
            contact_name="孙丽", engineer=e07, now=now)
        slip = slips.start_slip(session, request, e07, now=now)
        return dossier.raise_problem(session, customer=port, title="打印机反复卡纸",
                                     description="每周两三次。", raised_by="E07",
                                     raised_at=now - timedelta(minutes=5), slip=slip,
                                     now=now).number


def _token(archive, user: str) -> str:  # type: ignore[no-untyped-def]
    answer = httpx.post(f"{archive.url}{API}/auth/login", json={
        "user": user, "password": PASSWORD, "device_label": f"review-{user}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def test_staff_return_and_then_accept_through_the_api(archive):  # type: ignore[no-untyped-def]
    number = _problem(archive)
    staff = {"Authorization": f"Bearer {_token(archive, 'centre')}"}
    engineer = {"Authorization": f"Bearer {_token(archive, 'e07')}"}
    with httpx.Client(base_url=archive.url + API, timeout=10) as http:
        assert http.get("/dossier/pending", headers=engineer).status_code == 403
        pending = http.get("/dossier/pending", headers=staff).json()["pending"]
        assert [(p["reference"], p["kind_zh"], p["waiting"]) for p in pending] == [
            (number, "问题集", 1)]
        no_comment = http.post("/dossier/review", headers=staff, json={
            "reference": number, "verdict": "returned", "reviewer": "王芳"})
        assert no_comment.status_code == 422
        assert no_comment.json()["error"]["zh"] == "退回时请写明原因。"
        missing = http.post("/dossier/review", headers=staff, json={
            "reference": "W-E07-20990101-001", "verdict": "reviewed", "reviewer": "王芳"})
        assert missing.status_code == 404 and missing.json()["error"]["en"].startswith(
            "No dossier record")
        returned = http.post("/dossier/review", headers=staff, json={
            "reference": number, "verdict": "returned", "reviewer": "王芳",
            "comment": "请注明设备资产编号。"})
        assert returned.json() == {"reviewed": 1}
        again = http.post("/dossier/review", headers=staff, json={
            "reference": number, "verdict": "reviewed", "reviewer": "王芳"})
        assert again.status_code == 422
        assert again.json()["error"]["en"] == "Nothing of this record awaits review."
        assert http.post("/dossier/review", headers=engineer, json={
            "reference": number, "verdict": "reviewed", "reviewer": "刘洋"}).status_code == 403


def test_the_cli_lists_what_waits_and_records_the_verdict(archive):  # type: ignore[no-untyped-def]
    number = _problem(archive)
    base = ["--lang", "en", "--db", archive.db_url, "dossier"]
    listed = CliRunner().invoke(archive_cli, [*base, "pending"], catch_exceptions=False)
    assert listed.exit_code == 0 and number in listed.output and "TJPORT" in listed.output
    accepted = CliRunner().invoke(archive_cli, [*base, "review", number, "--by", "王芳"],
                                  catch_exceptions=False)
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output.strip() == (
        f"{number}: 1 submission(s) reviewed; the customer sees them.")
    nothing = CliRunner().invoke(archive_cli, [*base, "review", number, "--by", "王芳",
                                               "--return", "重写"])
    assert nothing.exit_code == 1
    assert "Nothing of this record awaits review." in nothing.output
    assert "Traceback" not in nothing.output
    empty = CliRunner().invoke(archive_cli, [*base, "pending"], catch_exceptions=False)
    assert empty.output.strip() == "Nothing awaits review."
    with archive.db.read() as session:
        problem = session.scalars(dossier.select(dossier.ProblemSet)).one()
        assert dossier.problem_state(session, problem).fact_status == "raised"
