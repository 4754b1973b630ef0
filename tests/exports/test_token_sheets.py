"""Token sheets (PDF), opened back with pypdf as a person printing them would see them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.exports.token_sheets import (
    E_NO_CODES,
    PAD,
    QR_SIZE,
    SIDE,
    SLIP_HEIGHT,
    SLIPS_PER_PAGE,
    TOP,
    qr_modules,
    qr_payload,
    qr_widget,
    write_token_sheets,
)
from pingyi.voting.codes import TOKEN_LENGTH, new_code
from tests.db.conftest import make_campaign

BASE = "https://pingyi.example.gov.cn/v/"
HOSTILE = '<img src="http://example.com/x.png">'


@pytest.fixture
def campaign(db: None) -> Campaign:
    return make_campaign()


@pytest.fixture
def group(campaign: Campaign) -> EvaluatorGroup:
    return campaign.groups.get(name="服务对象")


def codes(count: int) -> list[str]:
    return [new_code(TOKEN_LENGTH) for _ in range(count)]


def write(
    path: Path, campaign: Campaign, group: EvaluatorGroup, plain: list[str], base: str = BASE
) -> PdfReader:
    write_token_sheets(path, campaign=campaign, group=group, codes=plain, base_url=base)
    return PdfReader(path)


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


# ---------------------------------------------------------------------------- the QR code


def test_the_qr_code_carries_the_token_after_the_hash_never_in_the_path() -> None:
    assert qr_payload(BASE, "ABCD2345EFGH6789") == f"{BASE}#ABCD2345EFGH6789"
    widget = qr_widget(BASE, "ABCD2345EFGH6789")
    assert widget.value == "https://pingyi.example.gov.cn/v/#ABCD2345EFGH6789"
    assert widget.barLevel == "M"


# -------------------------------------------------------------------------------- slips


def test_each_slip_shows_campaign_group_grouped_code_and_instructions(
    campaign: Campaign, group: EvaluatorGroup, tmp_path: Path
) -> None:
    plain = codes(3)
    [text] = page_texts(write(tmp_path / "t.pdf", campaign, group, plain))

    for code in plain:
        grouped = "-".join(code[i : i + 4] for i in range(0, 16, 4))
        assert grouped in text
    assert text.count("2026年千人评议\n评议代表类别：服务对象") == 3
    flat = text.replace("\n", "")
    assert flat.count("无记名，一人一码，只能提交一次；提交后请保存回执码") == 3
    assert f"扫码或在 {BASE} 输入评议码" in flat
    assert "2026年千人评议 评议码 · 服务对象" in text  # the footer
    assert "第 1 页，共 1 页" in text


def test_slips_fill_ten_to_a_page_in_order_and_every_page_is_numbered(
    campaign: Campaign, group: EvaluatorGroup, tmp_path: Path
) -> None:
    plain = codes(23)
    texts = page_texts(write(tmp_path / "t.pdf", campaign, group, plain))

    assert SLIPS_PER_PAGE == 10
    assert len(texts) == 3
    found = [re.findall(r"(?:[2-9A-Z]{4}-){3}[2-9A-Z]{4}", t) for t in texts]
    assert [len(f) for f in found] == [10, 10, 3]
    assert [c.replace("-", "") for page in found for c in page] == plain
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页，共 3 页" in text


def test_markup_in_names_prints_literally_and_nothing_is_loaded_or_linked(
    campaign: Campaign, tmp_path: Path
) -> None:
    campaign.name = HOSTILE
    group = campaign.groups.create(code="x", name=f"{HOSTILE}组", position=9)
    path = tmp_path / "t.pdf"
    reader = write(path, campaign, group, codes(2), base="https://x.example/v/?a=1&b=<2>")

    text = page_texts(reader)[0].replace("\n", "")
    assert HOSTILE in text
    assert f"评议代表类别：{HOSTILE}组" in text
    assert "https://x.example/v/?a=1&b=<2>" in text
    assert not reader.pages[0].images
    data = path.read_bytes()  # object dictionaries are not compressed
    assert b"/Subtype /Image" not in data
    assert b"/URI" not in data and b"/Annots" not in data


def test_an_empty_batch_is_refused(
    campaign: Campaign, group: EvaluatorGroup, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=E_NO_CODES):
        write(tmp_path / "t.pdf", campaign, group, [])


def test_the_repeated_text_is_drawn_once_so_a_big_batch_stays_small(
    campaign: Campaign, group: EvaluatorGroup, tmp_path: Path
) -> None:
    path = tmp_path / "t.pdf"
    reader = write(path, campaign, group, codes(200))

    assert len(reader.pages) == 20
    assert path.stat().st_size < 200 * 4_000  # under 4 kB a slip, QR code included


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_the_printed_qr_code_is_the_encoders_matrix_module_for_module(
    campaign: Campaign, group: EvaluatorGroup, tmp_path: Path
) -> None:
    """No QR decoder is installed: rasterize the first slip's code and read each module's
    centre, so a flipped, shifted or mis-scaled drawing cannot pass."""
    plain = codes(2)
    path = tmp_path / "t.pdf"
    write(path, campaign, group, plain)
    widget = qr_widget(BASE, plain[0])
    expected = qr_modules(widget)
    border = widget.barBorder
    side = len(expected) + 2 * border

    dpi = 300
    image = _gray_page(path, tmp_path, dpi)
    unit = QR_SIZE / side
    left, bottom = SIDE + PAD, A4[1] - TOP - SLIP_HEIGHT + PAD  # the code's box, in points

    def dark(row: int, column: int) -> bool:  # row and column in modules, quiet zone included
        x = (left + (column + 0.5) * unit) * dpi / 72
        y = (A4[1] - bottom - (side - row - 0.5) * unit) * dpi / 72
        return image[round(y)][round(x)] < 128

    size = len(expected)
    assert [[dark(r + border, c + border) for c in range(size)] for r in range(size)] == expected
    ring = [(r, c) for r in range(side) for c in range(side) if not _inside(r, c, border, side)]
    assert not any(dark(r, c) for r, c in ring)  # the quiet zone is white


def _inside(row: int, column: int, border: int, side: int) -> bool:
    return border <= row < side - border and border <= column < side - border


def _gray_page(pdf: Path, folder: Path, dpi: int) -> list[bytes]:
    """Page 1 as rows of 8-bit grey pixels (poppler writes a binary PGM: P5 w h 255)."""
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
         str(pdf), str(folder / "gray")],
        check=True, timeout=60,
    )  # fmt: skip
    data = (folder / "gray.pgm").read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert (magic, depth) == (b"P5", b"255")
    w, h = int(width), int(height)
    return [pixels[y * w : (y + 1) * w] for y in range(h)]
