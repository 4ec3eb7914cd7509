"""The archive checks a PDF copy uploaded on the public verify page: a genuine copy passes;
a byte flipped anywhere, or a copy rebuilt with other fees around the genuine seal (its
digest recomputed), is reported as altered; anything else gets a message in both languages.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from fieldapp.archive.portal.copies import company
from fieldapp.documents.payload import stamp_digest
from fieldapp.documents.slip_pdf import render_slip_pdf
from fieldapp.documents.views import slip_document
from fieldapp.store.models import Slip
from tests.figures import note
from tests.portal.site import Site, form_token, logged_in

FLIPS = int(os.environ.get("FIELDAPP_TAMPER_FLIPS", "40")) // 2


@pytest.fixture(scope="module")
def a(site: Site) -> Iterator[httpx.Client]:
    client = logged_in(site, "port")
    yield client
    client.close()


@pytest.fixture(scope="module")
def genuine_copy(site: Site, a: httpx.Client) -> bytes:
    """The customer copy as the portal hands it out."""
    slip = site.sealed_slip("TJPORT")
    return a.get(f"/portal/slips/{slip.id}/copy.pdf").content


def outcome(client: httpx.Client, pdf: bytes | None, *, token: str | None = None
            ) -> tuple[str, str]:
    """(data-outcome, the page) of uploading `pdf` on the verify page."""
    token = token if token is not None else form_token(client.get("/portal/verify").text)
    files = {"pdf": ("copy.pdf", pdf, "application/pdf")} if pdf is not None else None
    answer = client.post("/portal/verify", data={"csrf": token}, files=files)
    assert answer.status_code == 200, answer.text[:300]
    found = re.search(r'data-outcome="(\w+)"', answer.text)
    assert found, "the page shows no verdict"
    return found.group(1), answer.text


def test_a_genuine_copy_verifies(site: Site, genuine_copy: bytes):
    with httpx.Client(base_url=site.url) as anyone:
        verdict, page = outcome(anyone, genuine_copy)
    assert verdict == "genuine"
    assert site.sealed_slip("TJPORT").number in page and "copy-checked" in page


def test_a_byte_flipped_anywhere_in_the_copy_is_reported(site: Site, genuine_copy: bytes):
    rng = random.Random(11)
    with httpx.Client(base_url=site.url) as anyone:
        token = form_token(anyone.get("/portal/verify").text)
        for n in range(FLIPS):
            damaged = bytearray(genuine_copy)
            at = rng.randrange(len(damaged))
            damaged[at] ^= 1 << rng.randrange(8)
            verdict, _ = outcome(anyone, bytes(damaged), token=token)
            assert verdict != "genuine", f"flip {n} (byte {at}) went unnoticed"
    note("tamper_pdf_archive", flips=FLIPS, detected=FLIPS)


def test_a_copy_rebuilt_with_other_fees_around_the_genuine_seal_is_reported(site: Site):
    with site.archive.db.read() as session:
        slip = session.scalar(select(Slip).where(Slip.number == site.sealed_slip("TJPORT").number))
        document = slip_document(slip)
    first = document.fee_lines[0]
    cheaper = dataclasses.replace(first, amount_fen=first.amount_fen + 10_000)
    forged = dataclasses.replace(document, fee_lines=(cheaper, *document.fee_lines[1:]),
                                 total_fen=document.total_fen + 10_000)
    pdf = stamp_digest(render_slip_pdf(forged, company(site.settings), layout="a4"))
    with httpx.Client(base_url=site.url) as anyone:
        verdict, page = outcome(anyone, pdf)
    assert verdict == "altered"
    assert "被改动过" in page


@pytest.mark.parametrize("upload", [None, b"", b"%PDF-1.4 not really", b"hello"])
def test_anything_but_a_readable_copy_gets_a_message_in_both_languages(site: Site, upload):
    with httpx.Client(base_url=site.url) as anyone:
        verdict, page = outcome(anyone, upload)
    assert verdict == "invalid"
    assert re.search(r"PDF", page)


def test_a_pdf_that_is_no_slip_copy_is_named_as_such(site: Site, genuine_copy: bytes):
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "invoice")
    canvas.save()
    with httpx.Client(base_url=site.url) as anyone:
        verdict, page = outcome(anyone, buffer.getvalue())
    assert verdict == "invalid" and "不是已签署的服务单副本" in page


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_an_upload_without_the_form_token_is_refused(site: Site, genuine_copy: bytes,
                                                     token: str):
    with httpx.Client(base_url=site.url) as anyone:
        anyone.get("/portal/verify")
        answer = anyone.post("/portal/verify", data={"csrf": token},
                             files={"pdf": ("copy.pdf", genuine_copy, "application/pdf")})
    assert answer.status_code == 403
