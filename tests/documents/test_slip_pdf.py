"""The customer copy as a customer gets it: its text, pages, signatures, marks, metadata."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from fieldapp import __version__
from fieldapp.documents import (
    DocumentError,
    SlipDocument,
    amount_in_chinese_capitals,
    read_payload_from_pdf,
    render_slip_pdf,
)
from fieldapp.documents.layout import A4_LAYOUT, RECEIPT_LAYOUT
from fieldapp.documents.sample import SAMPLE_SEAL, sample_company, sample_slip

from .conftest import pdf_text

SLIP = "S-E07-20261125-003"
KEY_TEXT = [
    "服务单据",
    "客户联",
    SLIP,
    "R-C01-20261125-017",
    "天津滨海新区港航物流有限公司",
    "王海燕",
    "022-25321876",
    "激光打印机",
    "LaserJetProM404dn",
    "PHBQK12345",
    "故障现象",
    "现场故障描述",
    "处理方式",
    "财务部打印机打印时卡纸",
    "更换搓纸轮组件",
    "现场",  # channel
    "2026-11-2509:12",  # request time in Beijing time (01:12 UTC)
    "2026-11-2510:41",
    "到达现场",
    "达标",
    "¥350.00",
    "叁佰伍拾元整",
    "张伟",
    "400-022-6600",  # complaint hotline in the footer
    "客户经理",
]

# A realistic, long handling text: ~3,000 Chinese characters without paragraph breaks.
LONG_SENTENCES = (
    "工程师到场后首先与财务部王女士确认故障现象，随后对打印机进行断电检查。",
    "拆下进纸组件，发现搓纸轮表面严重老化，分离垫磨损，纸路中有多处碎纸屑。",
    "清洁纸路传感器并用无尘布擦拭定影入口，更换原厂搓纸轮与分离垫。",
    "重新装配后连续打印五十页测试页，未再出现卡纸，打印浓度与对齐均正常。",
    "向用户演示正确的装纸方法，建议纸张存放于干燥处，并登记设备维护记录。",
)


def long_text(characters: int = 3000) -> str:
    text = ""
    while len(text) < characters:
        text += "".join(LONG_SENTENCES)
    return text[:characters]


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def test_customer_copy_shows_the_slip_in_chinese(a4_pdf: bytes, tmp_path: Path) -> None:
    text = pdf_text(a4_pdf, tmp_path)
    missing = [item for item in KEY_TEXT if item not in text]
    assert not missing, missing


def test_typical_slip_fits_one_a4_page(a4_pdf: bytes, tmp_path: Path) -> None:
    assert page_count(a4_pdf) == 1
    assert "第1页/共1页" in pdf_text(a4_pdf, tmp_path)
    document = pdfium.PdfDocument(a4_pdf)
    width, height = document[0].get_size()
    document.close()
    assert (round(width), round(height)) == (595, 842)


def test_long_handling_text_flows_onto_more_pages_with_header_repeated(
    cjk_font: Path, tmp_path: Path
) -> None:
    handling = long_text(3000)
    pdf = render_slip_pdf(sample_slip(handling=handling), sample_company())
    total = page_count(pdf)
    assert total >= 2
    whole = pdf_text(pdf, tmp_path)
    assert handling[:40] in whole and handling[-40:] in whole  # nothing lost at page breaks
    for page in range(1, total + 1):
        text = pdf_text(pdf, tmp_path, page=page)
        assert f"第{page}页/共{total}页" in text
        assert "服务单据" in text and "客户联" in text and SLIP in text
        assert "天津津海信息技术服务有限公司" in text
        assert "客户经理" in text  # the complaint footer too


def test_company_copy_is_marked_as_the_stub(cjk_font: Path, tmp_path: Path) -> None:
    text = pdf_text(render_slip_pdf(sample_slip(), sample_company(), copy="company"), tmp_path)
    assert "存根联" in text and "客户联" not in text


def test_receipt_layout_is_one_80mm_page_with_the_same_key_text(
    receipt_pdf: bytes, tmp_path: Path
) -> None:
    document = pdfium.PdfDocument(receipt_pdf)
    assert len(document) == 1
    width, height = document[0].get_size()
    document.close()
    assert round(width / 72 * 25.4) == 80
    assert height > width * 3  # a roll, not a page
    text = pdf_text(receipt_pdf, tmp_path)
    missing = [item for item in KEY_TEXT if item not in text]
    assert not missing, missing


def test_receipt_grows_with_its_content(cjk_font: Path) -> None:
    short = render_slip_pdf(sample_slip(), sample_company(), layout="receipt")
    long = render_slip_pdf(
        sample_slip(handling=long_text(1500)), sample_company(), layout="receipt"
    )
    heights = []
    for pdf in (short, long):
        document = pdfium.PdfDocument(pdf)
        assert len(document) == 1
        heights.append(document[0].get_size()[1])
        document.close()
    assert heights[1] > heights[0] + 200


def test_english_labels_with_data_as_typed(cjk_font: Path, tmp_path: Path) -> None:
    pdf = render_slip_pdf(sample_slip(), sample_company(), language="en")
    text = pdf_text(pdf, tmp_path)
    for label in ("Serviceslip", "Customercopy", "Faultasreported", "Handling", "Page1of1"):
        assert label in text
    assert "天津滨海新区港航物流有限公司" in text  # data stays Chinese
    assert "故障现象" not in text and "客户联" not in text


def test_unsealed_slip_is_a_draft_without_qr(cjk_font: Path, tmp_path: Path) -> None:
    draft = sample_slip(seal=None, sealed_at=None, signatures=())
    pdf = render_slip_pdf(draft, sample_company())
    text = pdf_text(pdf, tmp_path)
    assert "草稿：本单尚未经双方签字封存" in text
    assert "草稿DRAFT" in pdf_text(pdf, tmp_path, raw=True)  # the diagonal mark
    assert "校验码" not in text
    assert read_payload_from_pdf(pdf) is None
    english = render_slip_pdf(draft, sample_company(), language="en")
    assert "DRAFT:" in pdf_text(english, tmp_path)


def test_sealed_slip_has_no_draft_mark_and_prints_the_seal_in_groups(
    a4_pdf: bytes, tmp_path: Path
) -> None:
    text = pdf_text(a4_pdf, tmp_path)
    assert "草稿" not in text
    assert SAMPLE_SEAL in text  # grouped on paper; the groups join up again


def test_total_is_printed_in_chinese_capitals(cjk_font: Path, tmp_path: Path) -> None:
    doc = sample_slip(total_fen=10150)
    text = pdf_text(render_slip_pdf(doc, sample_company()), tmp_path)
    assert "人民币（大写）：" + amount_in_chinese_capitals(10150) in text
    assert "¥101.50" in text


def test_amendment_names_the_slip_it_corrects(cjk_font: Path, tmp_path: Path) -> None:
    doc = sample_slip(slip_number="S-E07-20261126-001", amends_number=SLIP)
    text = pdf_text(render_slip_pdf(doc, sample_company()), tmp_path)
    assert f"更正单据：{SLIP}" in text


def test_complaints_go_to_the_service_centre_hotline_or_the_company_hotline(
    cjk_font: Path, tmp_path: Path
) -> None:
    company = replace(sample_company(), complaint_hotline="")
    text = pdf_text(render_slip_pdf(sample_slip(), company), tmp_path)
    assert "热线022-58296600" in text.replace("热线：", "热线")


def test_slip_without_fees_says_so(cjk_font: Path, tmp_path: Path) -> None:
    text = pdf_text(
        render_slip_pdf(sample_slip(fee_lines=(), total_fen=0), sample_company()), tmp_path
    )
    assert "本次服务不收费" in text and "零元整" in text


# --- signatures ------------------------------------------------------------------------


def _ink_above(pdf: bytes, caption: str, box_height: float) -> float:
    """Share of dark pixels in the signature box just above the caption text."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        _width, page_height = page.get_size()
        textpage = page.get_textpage()
        found = textpage.search(caption).get_next()
        assert found is not None, f"{caption!r} not on the page"
        left, _bottom, _right, top = textpage.get_charbox(found[0])
        scale = 2.0
        image = page.render(scale=scale, grayscale=True).to_pil()
        box = (
            int(left * scale),
            int((page_height - top - box_height) * scale),
            int((left + 150) * scale),
            int((page_height - top - 2) * scale),
        )
        region = image.crop(box)
        dark = sum(region.histogram()[:128])
        return dark / (region.width * region.height)
    finally:
        document.close()


@pytest.mark.parametrize("layout", ["a4", "receipt"])
def test_both_signatures_are_drawn_from_their_strokes(cjk_font: Path, layout: str) -> None:
    box = (A4_LAYOUT if layout == "a4" else RECEIPT_LAYOUT).signature_box_height
    signed = render_slip_pdf(sample_slip(), sample_company(), layout=layout)  # type: ignore[arg-type]
    for name in ("张伟", "王海燕"):
        assert _ink_above(signed, f"签字人：{name}", box) > 0.01, name
    unsigned = render_slip_pdf(
        sample_slip(signatures=(), seal=None), sample_company(), layout=layout
    )  # type: ignore[arg-type]
    assert _ink_above(unsigned, "（未签字）", box) < 0.001


def test_signature_strokes_are_vector_paths_not_images(cjk_font: Path) -> None:
    def paths(doc: SlipDocument) -> int:
        document = pdfium.PdfDocument(render_slip_pdf(doc, sample_company()))
        try:
            objects = list(document[0].get_objects())
            assert not any(o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for o in objects)
            return sum(1 for o in objects if o.type == pdfium.raw.FPDF_PAGEOBJ_PATH)
        finally:
            document.close()

    strokes = sum(len(s.strokes) for s in sample_slip().signatures)
    assert paths(sample_slip()) - paths(sample_slip(signatures=())) >= strokes


# --- metadata --------------------------------------------------------------------------


def test_metadata_names_the_slip_company_seal_and_creator(a4_pdf: bytes) -> None:
    document = pdfium.PdfDocument(a4_pdf)
    meta = document.get_metadata_dict()
    document.close()
    assert SLIP in meta["Title"]
    assert meta["Author"] == "天津津海信息技术服务有限公司"
    assert SLIP in meta["Subject"] and SAMPLE_SEAL in meta["Subject"]
    assert meta["Creator"] == f"fieldapp {__version__}"


def test_slip_number_and_seal_can_be_read_back_from_a_copy(
    a4_pdf: bytes, receipt_pdf: bytes, tmp_path: Path
) -> None:
    assert read_payload_from_pdf(a4_pdf) == (SLIP, SAMPLE_SEAL)
    path = tmp_path / "copy.pdf"
    path.write_bytes(receipt_pdf)
    assert read_payload_from_pdf(path) == (SLIP, SAMPLE_SEAL)
    assert read_payload_from_pdf(str(path)) == (SLIP, SAMPLE_SEAL)


def test_reading_a_non_pdf_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError):
        read_payload_from_pdf(b"%PDF- this is not really a pdf")
    with pytest.raises(DocumentError):
        read_payload_from_pdf(tmp_path / "missing.pdf")


@pytest.mark.parametrize(
    "options",
    [{"layout": "a5"}, {"copy": "archive"}, {"language": "fr"}],
)
def test_unknown_options_are_refused(cjk_font: Path, options: dict[str, str]) -> None:
    with pytest.raises(DocumentError):
        render_slip_pdf(sample_slip(), sample_company(), **options)  # type: ignore[arg-type]


def test_missing_logo_does_not_stop_the_copy(cjk_font: Path, tmp_path: Path) -> None:
    company = replace(sample_company(), logo_path=str(tmp_path / "logo.png"))
    assert page_count(render_slip_pdf(sample_slip(), company)) == 1


def test_fee_kinds_are_printed_with_the_names_the_app_shows(a4_pdf: bytes,
                                                            tmp_path: Path) -> None:
    from fieldapp.rules.validation import FEE_KIND_LABELS

    text = pdf_text(a4_pdf, tmp_path)
    assert FEE_KIND_LABELS["parts"][0] in text  # 配件费, as on the screen
    assert "材料费" not in text
