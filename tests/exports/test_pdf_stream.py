"""StreamedPdf: a PDF written page by page, opened back with pypdf as a viewer would."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from pingyi.exports.pdf import register_cjk_font
from pingyi.exports.pdf_stream import E_PAGE_COUNT, StreamedPdf, number


def make(pages: int, stream: io.BytesIO | None = None) -> tuple[StreamedPdf, io.BytesIO]:
    out = stream if stream is not None else io.BytesIO()
    return StreamedPdf(out, pages=pages, title="评议码 <测试>", font=register_cjk_font()), out


def test_pages_forms_and_chinese_text_read_back() -> None:
    pdf, out = make(3)
    box = pdf.form("Box", pdf.ops(lambda c: c.rect(0, 0, 50, 20)), width=50, height=20)
    for n in range(1, 4):
        pdf.page(f"{pdf.text(72, 720, 12, f'第 {n} 页：ABCD-2345')}\nq 1 0 0 1 72 600 cm {box} Q")
    pdf.close()

    reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert [p.extract_text().strip() for p in reader.pages] == [
        f"第 {n} 页：ABCD-2345" for n in (1, 2, 3)
    ]
    assert reader.metadata is not None and reader.metadata.title == "评议码 <测试>"
    fonts = reader.pages[0]["/Resources"]["/Font"]
    [font] = fonts.values()
    assert font.get_object()["/FontDescriptor"]["/FontFile2"]  # the glyphs are embedded
    assert "/Box" in reader.pages[2]["/Resources"]["/XObject"]


def test_every_cross_reference_points_at_its_object() -> None:
    pdf, out = make(2)
    pdf.page(pdf.text(10, 10, 9, "一"))
    pdf.page(pdf.text(10, 10, 9, "二"))
    pdf.close()

    data = out.getvalue()
    start = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[start:].startswith(b"xref\n0 ")
    offsets = re.findall(rb"(\d{10}) 00000 n \n", data[start:])
    assert len(offsets) == int(data[start:].split()[2]) - 1
    for ref, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj\n" % ref)


def test_the_declared_page_count_is_kept() -> None:
    short, _ = make(2)
    short.page("")
    with pytest.raises(ValueError, match=E_PAGE_COUNT.format(declared=2, written=1)):
        short.close()
    short.abandon()

    full, _ = make(1)
    full.page("")
    with pytest.raises(ValueError, match=E_PAGE_COUNT.format(declared=1, written=2)):
        full.page("")
    full.abandon()


def test_a_document_leaves_nothing_behind_in_the_shared_font() -> None:
    """reportlab keeps subsets per document on the registered font, for the process's life."""
    state = pdfmetrics.getFont(register_cjk_font()).state  # type: ignore[attr-defined]
    before = len(state)
    done, _ = make(1)
    done.page(done.text(0, 0, 9, "评议"))
    done.close()
    failed, _ = make(1)
    failed.text(0, 0, 9, "评议")
    failed.abandon()
    assert len(state) == before


def test_numbers_are_short_and_never_negative_zero() -> None:
    assert [number(v) for v in (0, 1.5, 28.3464566929, -0.00001, 841.889763)] == [
        "0", "1.5", "28.3465", "0", "841.8898",
    ]  # fmt: skip
