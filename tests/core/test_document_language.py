"""A customer's documents are in the customer's language (Customer.document_language,
zh by default, migration 0007), whatever language the screen or the command is in."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from fieldapp.base.i18n import set_language
from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import utcnow
from fieldapp.cli import cli
from fieldapp.documents.workflow_copies import render_document
from fieldapp.records import reference, service_requests
from fieldapp.records.events import SignatureInput
from fieldapp.store import open_store
from fieldapp.store.engine import create_sqlite_engine
from fieldapp.store.migrate import current_revision, head_revision, upgrade
from fieldapp.store.models import Customer, Slip
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, fill_demo, signature_strokes
from fieldapp.workflows import repair


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_a_store_of_the_previous_version_gives_every_customer_chinese_documents(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    engine = create_sqlite_engine(folder / "fieldapp.db")
    upgrade(engine, "0006")
    customer = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customers (code, name, is_group, account_manager, phone, address, id,"
            " created_at, updated_at) VALUES ('TJPORT', '天津港信息中心', 1, '陈晓红', '', '',"
            " :c, '2026-03-01 01:00:00.000000', '2026-03-01 01:00:00.000000')"), {"c": customer})
    engine.dispose()

    store = open_store(folder)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.write() as session:
            assert session.scalar(select(Customer.document_language)) == "zh"
            # the search index's trigger on customers survived (no table copy): a renamed
            # customer is still found by its new name
            session.execute(text("UPDATE customers SET name = '天津港集团信息中心'"))
            triggers = session.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'customers'")).scalars().all()
            assert triggers
    finally:
        store.close()


def _demo(tmp_path):  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    store = open_store(data)
    fill_demo(store, requests=12)
    with store.read() as session:
        slip = session.scalars(select(Slip).where(Slip.status == "sealed")).first()
        number, customer_id = slip.number, slip.request.customer_id
    store.close()
    return data, number, customer_id


def test_the_command_line_prints_the_customers_language_not_its_own(tmp_path):
    data, number, customer_id = _demo(tmp_path)
    runner = CliRunner()
    out = tmp_path / "copy.pdf"

    done = runner.invoke(cli, ["--data-dir", str(data), "--lang", "en", "pdf", number,
                               "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "客户联" in pdf_text(out.read_bytes())  # English messages, a Chinese copy

    store = open_store(data)
    with store.write() as session:
        session.get_one(Customer, customer_id).document_language = "en"
    store.close()
    done = runner.invoke(cli, ["--data-dir", str(data), "pdf", number, "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "Customer copy" in pdf_text(out.read_bytes())
    set_language("zh")


@pytest.mark.any_moment  # demo data made around now, a repair opened now
def test_send_in_copies_follow_the_customer_too(tmp_path):
    data, _number, customer_id = _demo(tmp_path)
    store = open_store(data)
    sig = SignatureInput("刘洋", signature_strokes(3), PAD_WIDTH, PAD_HEIGHT)
    try:
        with store.write() as session:
            engineer = reference.engineer_by_code(session, "E07")
            request = service_requests.take_request(
                session, operator_code="C01", customer=session.get_one(Customer, customer_id),
                channel="onsite", fault_reported="打印机卡纸", contact_name="孙丽",
                requested_at=utcnow() - timedelta(hours=1), engineer=engineer)
            moment = utcnow() - timedelta(minutes=30)
            order = repair.open_repair(session, request, engineer,
                                       repair.RepairIntake(
                company_contact="孙丽", fault_description="主板故障", received_at=moment,
                arrived_at=moment, departed_at=moment, engineer_signature=sig,
                device_class="打印机"))  # a word is understood
            number = order.number
            assert order.device_class == "printer"
        settings = Settings.in_dir(data)
        set_language("en")
        assert "送修单" in pdf_text(render_document(store, number, settings))
        with store.write() as session:
            session.get_one(Customer, customer_id).document_language = "en"
        set_language("zh")
        assert "送修单" not in pdf_text(render_document(store, number, settings))
    finally:
        set_language("zh")
        store.close()
