"""Token sheets (PDF), opened back with pypdf as a person printing them would see them."""

from __future__ import annotations

import csv
import io
import itertools
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import IO, cast

import numpy as np
import numpy.typing as npt
import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.exports.qr import QR_BORDER, QR_LEVEL, QrEncoder, QrPlan, qr_plan
from pingyi.exports.token_sheets import (
    COLUMNS,
    E_NO_CODES,
    PAD,
    QR_SIZE,
    SIDE,
    SLIP_HEIGHT,
    SLIP_WIDTH,
    SLIPS_PER_PAGE,
    TOP,
    qr_payload,
    token_bundle,
    write_token_bundle,
    write_token_sheets,
)
from pingyi.voting.codes import ALPHABET, TOKEN_LENGTH, new_code
from pingyi.voting.models import TokenBatch
from pingyi.voting.services import IssuedBatch
from tests.cast import make_campaign

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


def test_the_layout_follows_the_length_of_the_base_url_at_level_m_or_better() -> None:
    def plan(base: str) -> QrPlan:
        return qr_plan(qr_payload(base, "ABCD2345EFGH6789").encode())

    assert QR_LEVEL == "M"
    short, usual, long = plan("https://a.cn/v/"), plan(BASE), plan(BASE + "x" * 60 + "/")
    # 32, 49 and 110 bytes: a short one fits version 3 even at level Q
    assert (short.version, short.error) == (3, "Q")
    assert (usual.version, usual.error) == (4, "M")
    assert (long.version, long.error) == (7, "M")


def test_composed_matrices_are_segnos_for_every_code_of_a_batch() -> None:
    plain = [*codes(40), "SHORT", "A-LONGER-CODE-THAN-THE-OTHERS"]
    for base in (BASE, "http://x/v/", BASE + "deeper/path/"):
        payloads = [qr_payload(base, code).encode() for code in plain]
        plan = qr_plan(max(payloads, key=len))
        found = QrEncoder(plan, payloads[0]).matrices(payloads)
        for payload, matrix in zip(payloads, found, strict=True):
            assert (matrix == plan.matrix(payload)).all(), payload


@settings(max_examples=20, deadline=None)
@given(
    base=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=90),
    plain=st.lists(st.text(ALPHABET, min_size=16, max_size=16), min_size=1, max_size=6),
)
def test_composition_holds_for_any_base_url_and_codes(base: str, plain: list[str]) -> None:
    payloads = [qr_payload(base, code).encode() for code in plain]
    plan = qr_plan(payloads[0])
    found = QrEncoder(plan, payloads[0]).matrices(payloads)
    assert all((m == plan.matrix(p)).all() for p, m in zip(payloads, found, strict=True))


def test_a_segno_whose_layout_is_not_fixed_is_caught_before_printing() -> None:
    """A mask that depends on the payload as a whole breaks the composition (one that
    depends on a single byte would not: a mask is XOR-ed in): the check says so."""

    class Unfixed(QrPlan):
        def matrix(self, payload: bytes) -> npt.NDArray[np.uint8]:
            mask = sum(payload) % 8
            symbol = segno.make_qr(payload, error="M", version=4, mask=mask, mode="byte")
            return np.array(symbol.matrix, dtype=np.uint8)

    payloads = [
        qr_payload(BASE, code).encode() for code in ("ABCD2345EFGH6782", "WXYZ3456K7M8N9P3")
    ]
    encoder = QrEncoder(Unfixed(version=4, error="M", mask=0), payloads[0])
    with pytest.raises(RuntimeError, match="is not segno's"):
        encoder.matrices(payloads)


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


# ------------------------------------------------------------------- printed and scanned


def test_the_printed_qr_code_is_the_encoders_matrix_module_for_module(
    campaign: Campaign, group: EvaluatorGroup, tmp_path: Path
) -> None:
    """Rasterizes the first slip's code and reads each module's centre, so that a flipped,
    shifted or mis-scaled drawing cannot pass."""
    plain = codes(2)
    path = tmp_path / "t.pdf"
    write(path, campaign, group, plain)
    payload = qr_payload(BASE, plain[0]).encode()
    expected = qr_plan(payload).matrix(payload).astype(bool).tolist()
    side = len(expected) + 2 * QR_BORDER

    dpi = 300
    [image] = _gray_pages(path, tmp_path, dpi)
    unit = QR_SIZE / side
    left, bottom = SIDE + PAD, A4[1] - TOP - SLIP_HEIGHT + PAD  # the code's box, in points

    def dark(row: int, column: int) -> bool:  # row and column in modules, quiet zone included
        x = (left + (column + 0.5) * unit) * dpi / 72
        y = (A4[1] - bottom - (side - row - 0.5) * unit) * dpi / 72
        return image.pixels[round(y)][round(x)] < 128

    size, border = len(expected), QR_BORDER
    assert [[dark(r + border, c + border) for c in range(size)] for r in range(size)] == expected
    ring = [(r, c) for r in range(side) for c in range(side) if not _inside(r, c, border, side)]
    assert not any(dark(r, c) for r, c in ring)  # the quiet zone is white


def test_every_printed_code_scans_back_to_its_link(
    campaign: Campaign, group: EvaluatorGroup, tmp_path: Path
) -> None:
    """Six pages at 300 dpi, each slip cut out as a phone's camera would frame it, every QR
    code read back by zbar. (zbar reading a whole page of ten codes at once now and then
    misses one that it reads alone: its finder search, not the code.)"""
    _need("zbarimg", "zbar-tools")
    plain = codes(60)
    path = tmp_path / "t.pdf"
    write(path, campaign, group, plain)

    slips = []
    for number, page in enumerate(_gray_pages(path, tmp_path, 300), start=1):
        for index in range(SLIPS_PER_PAGE):
            slip = tmp_path / f"slip-{number}-{index}.pgm"
            slip.write_bytes(page.crop(*_slip_box(index, 300)))
            slips.append(slip)
    assert len(slips) == 60
    assert _scan(slips) == [[qr_payload(BASE, code)] for code in plain]


def _slip_box(index: int, dpi: int) -> tuple[int, int, int, int]:
    """The ``index``-th slip's cut lines as left, top, width, height in pixels."""
    row, column = divmod(index, COLUMNS)
    left, top = SIDE + column * SLIP_WIDTH, TOP + row * SLIP_HEIGHT
    return tuple(round(v * dpi / 72) for v in (left, top, SLIP_WIDTH, SLIP_HEIGHT))  # type: ignore[return-value]


def _scan(images: list[Path]) -> list[list[str]]:
    """What zbar reads in each image (QR codes only), in the order given."""
    done = subprocess.run(
        ["zbarimg", "--xml", "-q", "-Sdisable", "-Sqrcode.enable", *map(str, images)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 4), done.stderr  # 4: an image without a code
    ns = {"z": "http://zbar.sourceforge.net/2008/barcode"}
    root = ET.fromstring(done.stdout)  # noqa: S314 - zbar's own output
    found = {
        Path(source.attrib["href"]).name: [d.text or "" for d in source.iterfind(".//z:data", ns)]
        for source in root.iterfind("z:source", ns)
    }
    return [found.get(image.name, []) for image in images]


def _inside(row: int, column: int, border: int, side: int) -> bool:
    return border <= row < side - border and border <= column < side - border


class _Gray:
    """A page as rows of 8-bit grey pixels (poppler writes a binary PGM: P5 w h 255)."""

    def __init__(self, data: bytes) -> None:
        magic, width, height, depth, pixels = data.split(maxsplit=4)
        assert (magic, depth) == (b"P5", b"255")
        self.width, self.height = int(width), int(height)
        w = self.width
        self.pixels = [pixels[y * w : (y + 1) * w] for y in range(self.height)]

    def crop(self, left: int, top: int, width: int, height: int) -> bytes:
        """The box as a PGM file of its own."""
        rows = [row[left : left + width] for row in self.pixels[top : top + height]]
        return b"P5 %d %d 255\n" % (width, len(rows)) + b"".join(rows)


def _gray_pages(pdf: Path, folder: Path, dpi: int) -> list[_Gray]:
    _need("pdftoppm", "poppler-utils")
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(folder / "gray")],
        check=True, timeout=120,
    )  # fmt: skip
    pages = sorted(folder.glob("gray-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [_Gray(page.read_bytes()) for page in pages]


def _need(tool: str, package: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: `make test-deps` installs {package} (scripts/system-deps)")


# -------------------------------------------------------------------------------- bundle


def _issued(campaign: Campaign, group: EvaluatorGroup, plain: list[str]) -> IssuedBatch:
    batch = TokenBatch.objects.create(campaign=campaign, group=group, size=len(plain))
    return IssuedBatch(batch=batch, codes=plain)


def test_the_bundle_holds_the_sheets_and_a_csv_of_links(
    campaign: Campaign, group: EvaluatorGroup
) -> None:
    plain = codes(12)
    issued = _issued(campaign, group, plain)
    data = token_bundle(campaign=campaign, group=group, issued=issued, base_url=BASE)

    name = f"{campaign.code}-{group.code}-{issued.batch.pk}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [f"{name}.pdf", f"{name}.csv"]
        sheets = PdfReader(io.BytesIO(archive.read(f"{name}.pdf")))
        table = archive.read(f"{name}.csv")
    assert len(sheets.pages) == 2
    assert table.startswith("\ufeff".encode()) and b"\r\n" in table
    rows = list(csv.reader(io.StringIO(table.decode("utf-8-sig"))))
    assert rows[0] == ["group", "code", "link"]
    assert rows[1:] == [["服务对象", code, f"{BASE}#{code}"] for code in plain]


class _Pipe(io.RawIOBase):
    """A stream that can only be written to, like a socket: no seek, no tell."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.data += data
        return len(data)


def test_the_bundle_streams_page_by_page_into_a_stream_that_cannot_seek(
    campaign: Campaign, group: EvaluatorGroup
) -> None:
    plain = codes(35)
    pipe, seen = _Pipe(), []
    write_token_bundle(
        cast(IO[bytes], pipe), campaign=campaign, group=group,
        issued=_issued(campaign, group, plain), base_url=BASE,
        progress=lambda done: seen.append((done, len(pipe.data))),
    )  # fmt: skip

    assert [done for done, _ in seen] == [10, 20, 30, 35]
    written = [size for _, size in seen]  # a page of ten codes is some 4.5 kB compressed
    assert written[0] > 3_000 and all(b - a > 2_000 for a, b in itertools.pairwise(written))
    with zipfile.ZipFile(io.BytesIO(bytes(pipe.data))) as archive:
        [pdf, table] = archive.namelist()
        assert len(PdfReader(io.BytesIO(archive.read(pdf))).pages) == 4
        assert archive.read(table).decode("utf-8-sig").count("\r\n") == 36


def test_an_empty_bundle_is_refused(campaign: Campaign, group: EvaluatorGroup) -> None:
    with pytest.raises(ValueError, match=E_NO_CODES):
        token_bundle(
            campaign=campaign, group=group, issued=_issued(campaign, group, []), base_url=BASE
        )
