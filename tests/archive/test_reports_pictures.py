"""A report says when a finding or a worst breach refers to records with pictures (issue
21): how many, of which kinds, and the portal pages where the customer sees them — in the
figures, the PDF (links, thumbnails when given) and the CSV. Only the pictures the
customer sees on the portal count (portal.photos: sealed slips, repair orders,
complaints; not removed), never another customer's.

Q3 2026 (Beijing) on a frozen clock; the records are made on a laptop and pushed, the
pictures' rows put on the archive as a laptop's push would, the findings as the runner
stores them."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.archive.cli import cli
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.files.folder import FolderStore
from fieldapp.archive.portal.photos import ShownPicture, report_thumbnails
from fieldapp.archive.portal.reports_link import report_pdf
from fieldapp.archive.reports import mailing, request_report
from fieldapp.archive.reports.csv_export import render_csv
from fieldapp.archive.reports.document import RECORDS_LINKED, picture_line, report_document
from fieldapp.archive.reports.export import export_report
from fieldapp.archive.reports.figures import PICTURES_LISTED, Figures, picture_figures
from fieldapp.base.i18n import Language
from fieldapp.documents import CompanyInfo, FontError, find_cjk_font
from fieldapp.documents.report_pdf import render_report_pdf
from fieldapp.store.attachment_models import Attachment
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Customer, ServiceRequest, Slip
from fieldapp.store.workflow_models import Complaint
from tests.archive.report_data import History, archive_db, at, push
from tests.archive.servers import postgres_database, postgres_reason, sqlite_url
from tests.documents.conftest import pdf_text, require_tool
from tests.portal.site import jpeg

NOW = at("2026-10-15", "10:00")
PORTAL = "https://fw.jinhai-it.example.cn"
COMPANY = CompanyInfo(name="津海信息技术服务有限公司", hotline="022-5888 6000",
                      verify_url=f"{PORTAL}/portal/verify")


@pytest.fixture(autouse=True)
def _cjk_font() -> None:
    try:
        find_cjk_font()
    except FontError as exc:
        pytest.skip(exc.message("en"))


COLOURS = [(200, 60, 40), (40, 120, 200), (60, 160, 80), (180, 160, 40), (120, 60, 160),
           (40, 160, 160), (160, 90, 40), (90, 90, 90)]


def _picture(store: FolderStore, owner_kind: str, owner_id: uuid.UUID, kind: str,
             position: int, *, removed: bool = False) -> Attachment:
    """A picture's row as a laptop's push leaves it, its file in the archive's store."""
    data = jpeg(COLOURS[position], (800, 600))
    sha = hashlib.sha256(data).hexdigest()
    staged = store.root / f"{sha}.part"
    staged.write_bytes(data)
    store.publish(sha, staged)
    return Attachment(owner_kind=owner_kind, owner_id=owner_id, position=position,
                      sha256=sha, size=len(data), media_type="image/jpeg",
                      width=1600, height=1200, caption=f"照片 {position}", kind=kind,
                      added_at=NOW, added_by="E01", removed_at=NOW if removed else None,
                      removed_by="E01" if removed else "")


def _slip(session, number: str) -> Slip:  # type: ignore[no-untyped-def]
    return session.scalar(select(Slip).join(ServiceRequest).where(
        ServiceRequest.number == number))


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive_url(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("report-pictures-db"))
        return
    reason = postgres_reason()
    if reason is not None:
        pytest.skip(reason)
    with postgres_database(migrated=True) as url:
        yield url


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, archive_url: str
          ) -> Iterator[dict[str, Any]]:
    """TJH1's quarter: `late` (sealed, 50 h to arrive: the worst breach) with a picture
    before and of the damage plus a removed one; `plate` (sealed) with its serial plate
    and a complaint about it with a picture; `draft` (slip not sealed) with a picture; a
    request of HPLAW (sealed, with a picture). One finding names all four."""
    folder = tmp_path_factory.mktemp("report-pictures")
    with time_machine.travel(NOW, tick=False):
        history = History(folder / "laptop", now=NOW)
        db = archive_db(folder, archive_url)
        (folder / "files").mkdir()
        store = FolderStore(folder / "files")
        try:
            late = history.request(at=at("2026-08-03"), arrive_min=3000, solve_min=3060)
            plate = history.request(at=at("2026-08-10"), arrive_min=60, solve_min=90)
            draft = history.request(at=at("2026-08-20"), arrive_min=60, solve_min=90,
                                    seal=False)
            other = history.request(customer="HPLAW", at=at("2026-08-11"), arrive_min=60,
                                    solve_min=90)
            complaint = history.complaint(at=at("2026-08-12"), answer_hours=2)
            push(history.store, db, NOW)
            out: dict[str, Any] = {"numbers": {"late": late.number, "plate": plate.number,
                                               "draft": draft.number,
                                               "other": other.number}}
            with db.write() as session:
                slips = {name: _slip(session, made.number) for name, made in (
                    ("late", late), ("plate", plate), ("draft", draft), ("other", other))}
                assert slips["late"].seal and slips["draft"].seal is None
                shown_complaint = session.scalar(select(Complaint).where(
                    Complaint.number == complaint))
                shown_complaint.request_id = slips["plate"].request_id
                pictures = {
                    "late_before": _picture(store, "slip", slips["late"].id, "before", 1),
                    "late_damage": _picture(store, "slip", slips["late"].id, "damage", 2),
                    "late_removed": _picture(store, "slip", slips["late"].id, "damage", 3,
                                             removed=True),
                    "plate": _picture(store, "slip", slips["plate"].id, "serial_plate", 4),
                    "complaint": _picture(store, "complaint", shown_complaint.id, "other", 5),
                    "draft": _picture(store, "slip", slips["draft"].id, "damage", 6),
                    "other": _picture(store, "slip", slips["other"].id, "before", 7),
                }
                session.add_all(pictures.values())
                tjh1 = session.scalar(select(Customer).where(Customer.code == "TJH1"))
                session.add(Finding(
                    key="repeat_device:test", customer_id=tjh1.id, rule="repeat_device",
                    found_on=date(2026, 8, 25), window_start=date(2026, 6, 1),
                    window_end=date(2026, 8, 25), summary_zh="同一设备 90 天内报修 4 次",
                    summary_en="One device, 4 requests in 90 days", detected_at=NOW,
                    evidence=",".join(made.number for made in (late, plate, draft, other))))
                session.flush()
                out["slips"] = {name: slip.id for name, slip in slips.items()}
                out["complaint"] = (shown_complaint.id, shown_complaint.number)
                out["slip_numbers"] = {name: slip.number for name, slip in slips.items()}
                out["pictures"] = {name: str(p.id) for name, p in pictures.items()}
                out["customer_id"] = tjh1.id
                report = request_report(session, tjh1.id, date(2026, 7, 1),
                                        date(2026, 9, 30), "孙丽", now=NOW)
                session.expunge_all()
            out["report"] = report
            out["figures"] = Figures.from_json(report.figures)
            out["db"], out["store"], out["url"] = db, store, archive_url
            yield out
        finally:
            db.close()
            history.store.close()


def _listed(pictures: dict[str, Any]) -> set[str]:
    return {p["id"] for r in pictures["records"] for p in r["pictures"]}


def test_a_finding_counts_the_pictures_the_customer_sees_of_its_requests(world):
    (finding,) = world["figures"].findings
    found = finding["pictures"]
    ids = world["pictures"]
    assert found["count"] == 4
    assert found["kinds"] == {"before": 1, "damage": 1, "serial_plate": 1, "other": 1}
    assert _listed(found) == {ids["late_before"], ids["late_damage"], ids["plate"],
                              ids["complaint"]}
    records = {r["number"]: r for r in found["records"]}
    late = records[world["slip_numbers"]["late"]]
    assert (late["kind"], late["id"], late["request"]) == (
        "slip", str(world["slips"]["late"]), world["numbers"]["late"])
    assert [p["kind"] for p in late["pictures"]] == ["before", "damage"]  # in their order
    complaint_id, complaint_number = world["complaint"]
    assert records[complaint_number]["kind"] == "complaint"
    assert records[complaint_number]["id"] == str(complaint_id)


def test_removed_pictures_drafts_and_another_customers_are_not_counted(world):
    (finding,) = world["figures"].findings
    ids = world["pictures"]
    listed = _listed(finding["pictures"])
    assert {ids["late_removed"], ids["draft"], ids["other"]}.isdisjoint(listed)
    numbers = {r["number"] for r in finding["pictures"]["records"]}
    assert world["slip_numbers"]["draft"] not in numbers
    assert world["slip_numbers"]["other"] not in numbers
    # and not anywhere in what is stored with the report
    stored = world["report"].figures
    assert all(ids[k] not in stored for k in ("late_removed", "draft", "other"))


def test_the_worst_breach_names_its_pictures(world):
    worst = {w["request"]: w for w in world["figures"].worst}
    late = worst[world["numbers"]["late"]]
    assert late["pictures"]["count"] == 2
    assert late["pictures"]["kinds"] == {"before": 1, "damage": 1}
    assert all("pictures" not in w for n, w in worst.items() if n != world["numbers"]["late"])


def test_the_figures_with_pictures_are_stored_as_json_and_read_back(world):
    fig = world["figures"]
    assert Figures.from_json(fig.to_json()) == fig


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_pdf_says_how_many_pictures_of_which_kinds_and_links_to_the_portal(
        world, tmp_path: Path, language: Language) -> None:
    doc = report_document(world["figures"], number="0193f2a1-7c4e", kind="requested",
                          reason="应客户要求", language=language)
    pdf = render_report_pdf(doc, COMPANY, language=language)
    text = pdf_text(pdf, tmp_path)
    slip = world["slip_numbers"]["late"]
    if language == "zh":
        assert "现场照片4张（维修前、铭牌/序列号、损坏情况、其他）" in text
        assert f"在客户门户查看：{slip}" in text
        assert f"{world['numbers']['late']}：现场照片2张（维修前、损坏情况）" in text
    else:
        assert "4photos(before,serialplate,damage,other)" in text
        assert f"Seethemonthecustomerportal:{slip}" in text
    assert world["slip_numbers"]["other"] not in text
    # the record numbers are links (URI annotations) to their portal pages
    assert f"/URI ({PORTAL}/portal/slips/{world['slips']['late']})".encode() in pdf
    complaint_id, _number = world["complaint"]
    assert f"({PORTAL}/portal/complaints/{complaint_id})".encode() in pdf
    assert f"/portal/slips/{world['slips']['draft']}".encode() not in pdf


def test_without_the_portals_address_the_records_are_named_without_links(world, tmp_path):
    doc = report_document(world["figures"], number="0193f2a1-7c4e", kind="requested",
                          reason="应客户要求", language="zh")
    pdf = render_report_pdf(doc, CompanyInfo(name="津海信息"), language="zh")
    assert world["slip_numbers"]["late"] in pdf_text(pdf, tmp_path)
    assert b"/URI" not in pdf


def test_the_pdf_shows_small_pictures_when_it_is_given_them(world, tmp_path: Path) -> None:
    doc = report_document(world["figures"], number="0193f2a1-7c4e", kind="requested",
                          reason="应客户要求", language="zh")
    asked: list[str] = []
    colours = iter([(200, 60, 40), (40, 120, 200), (60, 160, 80), (180, 160, 40)] * 3)

    def picture(attachment_id: str) -> bytes:
        asked.append(attachment_id)
        return jpeg(next(colours), (320, 240))

    with_pictures = render_report_pdf(doc, COMPANY, language="zh", pictures=picture)
    without = render_report_pdf(doc, COMPANY, language="zh")
    ids = world["pictures"]
    assert {ids["late_before"], ids["late_damage"], ids["plate"]} <= set(asked)
    assert ids["draft"] not in asked and ids["other"] not in asked
    assert with_pictures.count(b"/Subtype /Image") > without.count(b"/Subtype /Image")
    # look at it: the findings page as a picture
    require_tool("pdftoppm")
    out = tmp_path / "findings"
    (tmp_path / "report.pdf").write_bytes(with_pictures)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "report.pdf"), str(out)],
                   check=True)
    assert list(tmp_path.glob("findings*.png"))


def test_the_csv_counts_and_names_the_pictures(world):
    rows = list(csv.reader(io.StringIO(render_csv(world["figures"]).decode("utf-8-sig"))))
    assert all(len(row) == 4 for row in rows)
    assert ["finding_pictures", "repeat_device", "2026-08-25", "4"] in rows
    named = [row for row in rows if row[0] == "finding_picture"]
    ids = world["pictures"]
    assert [world["slip_numbers"]["late"], "before", ids["late_before"]] == named[0][1:]
    assert {row[3] for row in named} == {ids["late_before"], ids["late_damage"], ids["plate"],
                                         ids["complaint"]}
    (worst,) = [row for row in rows if row[0] == "sla_worst_pictures"]
    assert (worst[1], worst[3]) == (world["numbers"]["late"], "2")
    assert ("sla_worst", worst[1], worst[2]) in {tuple(row[:3]) for row in rows}


def test_the_export_of_the_stored_report_carries_the_pictures(world):
    text = export_report(world["report"], "csv").decode("utf-8-sig")
    assert "finding_pictures,repeat_device,2026-08-25,4" in text


def test_figures_stored_before_pictures_render_as_before(world, tmp_path: Path) -> None:
    """A report made before this change: no `pictures` anywhere in its figures."""
    old = Figures.from_json(world["report"].figures)
    for item in (*old.findings, *old.worst):
        item.pop("pictures", None)
    doc = report_document(old, number="0193f2a1-7c4e", kind="requested",
                          reason="应客户要求", language="zh")
    text = pdf_text(render_report_pdf(doc, COMPANY, language="zh"), tmp_path)
    assert "同一设备90天内报修4次" in text and "现场照片" not in text
    rows = list(csv.reader(io.StringIO(render_csv(old).decode("utf-8-sig"))))
    assert not [row for row in rows if row[0].endswith(("_pictures", "_picture"))]


def test_the_portals_report_download_draws_the_customers_own_pictures_small(world, tmp_path):
    """Through portal.reports_link (the download route's function), with the archive's
    file store: the findings' pictures drawn, nobody else's ever read."""
    ids, store = world["pictures"], world["store"]
    with world["db"].read() as session:
        thumbs = report_thumbnails(session, store, world["customer_id"])
        for name in ("late_before", "late_damage", "plate", "complaint"):
            small = thumbs(ids[name])
            assert small is not None and small.startswith(b"\xff\xd8")  # a JPEG
        for name in ("late_removed", "draft", "other"):
            assert thumbs(ids[name]) is None
        assert thumbs("not-an-id") is None
        settings = ArchiveSettings(company_name="津海信息技术服务有限公司",
                                   verify_url=f"{PORTAL}/portal/verify")
        found = report_pdf(session, world["customer_id"], world["report"].id,
                           settings=settings, language="zh", store=store)
        plain = report_pdf(session, world["customer_id"], world["report"].id,
                           settings=settings, language="zh")
    assert found is not None and plain is not None
    pdf = found[1]
    # the charts are drawings, not images: the images are the four pictures (the worst
    # breach's two are drawn again under the finding, stored once)
    assert pdf.count(b"/Subtype /Image") == 4 and plain[1].count(b"/Subtype /Image") == 0
    assert f"/URI ({PORTAL}/portal/slips/{world['slips']['late']})".encode() in pdf
    require_tool("pdftoppm")
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "report.pdf"),
                    str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page*.png"))) >= 3


def test_a_finding_with_hundreds_of_pictures_stays_small_and_says_there_are_more():
    many = [ShownPicture(uuid.UUID(int=i), "damage", "slip", uuid.UUID(int=10_000 + i // 3),
                         f"S-E01-20260801-{i // 3:03d}", f"R-C01-20260801-{i // 3:03d}", i % 3)
            for i in range(300)]
    found = picture_figures(many)
    assert found["count"] == 300 and found["kinds"] == {"damage": 300}
    assert sum(len(r["pictures"]) for r in found["records"]) == PICTURES_LISTED
    line = picture_line(found, "zh")
    assert line.text == "现场照片 300 张（损坏情况）"
    assert len(line.links) == RECORDS_LINKED and line.more == " 等"
    assert line.links[0] == ("S-E01-20260801-000", f"/portal/slips/{uuid.UUID(int=10_000)}")


def test_the_export_command_and_the_mailed_pdf_draw_them_too(world, tmp_path, monkeypatch):
    """`reports export` and the e-mailed PDF read the configured file store, as the portal's
    download does; a store that cannot be opened leaves the names and links."""
    monkeypatch.setenv("FIELDAPP_ARCHIVE_FILES_DIR", str(world["store"].root))
    monkeypatch.setenv("FIELDAPP_ARCHIVE_VERIFY_URL", f"{PORTAL}/portal/verify")
    out = tmp_path / "report.pdf"
    done = CliRunner().invoke(cli, ["--db", world["url"],
                                    "reports", "export", str(world["report"].id), "-o",
                                    str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_bytes().count(b"/Subtype /Image") == 4
    with world["db"].read() as session:
        mail = mailing._compose(session, world["report"].id, 1, COMPANY, world["store"])
        bare = mailing._compose(session, world["report"].id, 1, COMPANY)
    assert mail is not None and mail.pdf.count(b"/Subtype /Image") == 4
    assert bare is not None and b"/Subtype /Image" not in bare.pdf
    assert f"({PORTAL}/portal/slips/{world['slips']['late']})".encode() in bare.pdf
    monkeypatch.setenv("FIELDAPP_ARCHIVE_FILES_BACKEND", "ftp")  # cannot be opened
    done = CliRunner().invoke(cli, ["--db", world["url"],
                                    "reports", "export", str(world["report"].id), "-o",
                                    str(out)])
    assert done.exit_code == 0, done.output
    assert b"/Subtype /Image" not in out.read_bytes()
