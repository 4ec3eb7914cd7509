"""The service centre's reference data names things in words: a customer's document
language as zh/en or 中文/英文, a device class as its word (打印机) or code."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.archive.db import Database, create_archive_engine, init_schema
from fieldapp.archive.importer import import_reference
from fieldapp.store.models import Customer, Device
from tests.archive.servers import sqlite_url


def test_import_takes_words_and_keeps_a_language_it_is_not_given(tmp_path):
    engine = create_archive_engine(sqlite_url(tmp_path))
    init_schema(engine)
    db = Database(engine)
    try:
        with db.write() as session:
            import_reference(session, {
                "customers": [{"code": "JLPORT", "name": "杰贝阿里港信息部",
                               "document_language": "英文"}],
                "devices": [{"customer_code": "JLPORT", "serial": "CN-1", "device_type": "打印机",
                             "device_class": "打印机"}]})
        with db.write() as session:  # a later import without the column keeps it
            import_reference(session, {"customers": [{"code": "JLPORT", "name": "杰贝阿里港"}]})
        with db.read() as session:
            customer = session.scalars(select(Customer)).one()
            assert (customer.name, customer.document_language) == ("杰贝阿里港", "en")
            assert session.scalars(select(Device.device_class)).one() == "printer"
    finally:
        db.close()
