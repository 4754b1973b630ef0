"""Token sheets: A4 pages of slips, cut apart and handed out at a meeting, one per evaluator.

A slip names the campaign and the evaluator group and carries the token twice: as a QR code of
``{base_url}#{code}`` and as the code in groups of four for typing. The token travels after
``#``: a browser never sends the fragment, so it never reaches a server log (R11); the ballot
page's script moves it into a POST. Issued by ``tokens_issue`` (web) for up to 20,000 codes.

The slips are drawn straight on the canvas rather than laid out by platypus: ten to a page, the
page count is known beforehand, and what every slip repeats (names, instructions) is drawn once
as a form that each slip places, which keeps 20,000 slips fast and the file small. Most of the
time goes to encoding the QR codes (reportlab's encoder, pure Python).
"""

from __future__ import annotations

import io
import itertools
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QRCode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph

from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.exports.csv_out import csv_text
from pingyi.exports.pdf import AUTHOR, draw_footer, escape, register_cjk_font, styles
from pingyi.voting.codes import grouped
from pingyi.voting.services import IssuedBatch

COLUMNS, ROWS = 2, 5
SLIPS_PER_PAGE = COLUMNS * ROWS
SIDE, TOP, BOTTOM = 10 * mm, 10 * mm, 16 * mm  # page margins; the footer sits in BOTTOM
FOOTER_Y = 8 * mm
SLIP_WIDTH = (A4[0] - 2 * SIDE) / COLUMNS
SLIP_HEIGHT = (A4[1] - TOP - BOTTOM) / ROWS
PAD = 4 * mm  # inside a slip, from the cut line
HEADER_HEIGHT = 11 * mm
QR_SIZE = SLIP_HEIGHT - 2 * PAD - HEADER_HEIGHT - 1 * mm
TEXT_X = PAD + QR_SIZE + 3 * mm  # the column right of the QR code
TEXT_WIDTH = SLIP_WIDTH - TEXT_X - PAD
CODE_LABEL_Y = SLIP_HEIGHT - PAD - HEADER_HEIGHT - 4 * mm
CODE_Y = CODE_LABEL_Y - 6.5 * mm
CODE_SIZE = 12.5
QR_LEVEL = "M"  # a printed slip may be creased: recovers from 15 % of the modules lost
SLIP_FORM = "pingyi-slip"

INSTRUCTION = "扫码或在 {base_url} 输入评议码；无记名，一人一码，只能提交一次；提交后请保存回执码"
E_NO_CODES = "no codes to print"


def qr_payload(base_url: str, code: str) -> str:
    """What the QR code of ``code`` says: the token after ``#``, never in the path (R11)."""
    return f"{base_url}#{code}"


def qr_widget(base_url: str, code: str) -> QrCodeWidget:
    return QrCodeWidget(qr_payload(base_url, code), barLevel=QR_LEVEL)


def qr_modules(widget: QrCodeWidget) -> list[list[bool]]:
    """The widget's encoded matrix without its quiet zone: row 0 at the top, True is dark."""
    qr: QRCode = widget.qr  # type: ignore[attr-defined]  # set by __init__, not in the stubs
    qr.make()
    return [[bool(cell) for cell in row] for row in qr.modules]


def write_token_sheets(
    path: Path,
    *,
    campaign: Campaign,
    group: EvaluatorGroup,
    codes: Sequence[str],
    base_url: str,
) -> None:
    """Writes ``codes`` as slips, ten to an A4 page with dashed cut lines, to ``path``.

    Raises ValueError when ``codes`` is empty: a sheet without slips is a mistake upstream.
    """
    if not codes:
        raise ValueError(E_NO_CODES)
    font = register_cjk_font()
    title = f"{campaign.name} 评议码 · {group.name}"
    canvas = Canvas(str(path), pagesize=A4, invariant=True, pageCompression=True)
    canvas.setTitle(title)
    canvas.setAuthor(AUTHOR)
    _draw_slip_form(canvas, font, campaign=campaign.name, group=group.name, base_url=base_url)
    total = -(-len(codes) // SLIPS_PER_PAGE)
    for page, batch in enumerate(itertools.batched(codes, SLIPS_PER_PAGE), start=1):
        _draw_cut_lines(canvas, len(batch))
        for index, code in enumerate(batch):
            _draw_slip(canvas, font, *_slip_origin(index), base_url=base_url, code=code)
        draw_footer(canvas, font=font, title=title, page=page, total=total, margin=FOOTER_Y)
        canvas.showPage()
    canvas.save()


def _slip_origin(index: int) -> tuple[float, float]:
    """The bottom left corner of the page's ``index``-th slip, filled row by row from the top."""
    row, column = divmod(index, COLUMNS)
    return SIDE + column * SLIP_WIDTH, A4[1] - TOP - (row + 1) * SLIP_HEIGHT


def _draw_cut_lines(canvas: Canvas, slips: int) -> None:
    """Dashed lines around the rows in use (an odd last slip leaves one blank beside it)."""
    rows = -(-slips // COLUMNS)
    top, bottom = A4[1] - TOP, A4[1] - TOP - rows * SLIP_HEIGHT
    canvas.saveState()
    canvas.setStrokeColor(colors.grey)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 2)
    for row in range(rows + 1):
        y = top - row * SLIP_HEIGHT
        canvas.line(SIDE, y, A4[0] - SIDE, y)
    for column in range(COLUMNS + 1):
        x = SIDE + column * SLIP_WIDTH
        canvas.line(x, bottom, x, top)
    canvas.restoreState()


def _draw_slip_form(canvas: Canvas, font: str, *, campaign: str, group: str, base_url: str) -> None:
    """What every slip shows alike, drawn once as a form XObject in slip coordinates."""
    style = styles(font)
    name = ParagraphStyle("slip-title", parent=style.heading, fontSize=11, leading=14)
    fine = ParagraphStyle("slip-fine", parent=style.small, fontSize=8, leading=10.5)
    canvas.beginForm(SLIP_FORM)
    header: list[Flowable] = [
        Paragraph(escape(campaign), name),
        Paragraph(escape(f"评议代表类别：{group}"), style.small),
    ]
    top = SLIP_HEIGHT - PAD
    _draw_box(canvas, header, x=PAD, top=top, width=SLIP_WIDTH - 2 * PAD, height=HEADER_HEIGHT)
    canvas.setFont(font, 8)
    canvas.drawString(TEXT_X, CODE_LABEL_Y, "评议码")
    note: list[Flowable] = [Paragraph(escape(INSTRUCTION.format(base_url=base_url)), fine)]
    room = CODE_Y - 2.5 * mm - PAD
    _draw_box(canvas, note, x=TEXT_X, top=CODE_Y - 2.5 * mm, width=TEXT_WIDTH, height=room)
    canvas.endForm()


def _draw_box(
    canvas: Canvas,
    flowables: list[Flowable],
    *,
    x: float,
    top: float,
    width: float,
    height: float,
) -> None:
    """Draws ``flowables`` from ``top`` down, shrunk to fit when a long name would overflow."""
    box = KeepInFrame(width, height, flowables, mode="shrink")
    _, used = box.wrapOn(canvas, width, height)
    box.drawOn(canvas, x, top - used)


def _draw_slip(canvas: Canvas, font: str, x: float, y: float, *, base_url: str, code: str) -> None:
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(SLIP_FORM)
    _draw_qr(canvas, qr_widget(base_url, code), x=PAD, y=PAD, size=QR_SIZE)
    text = grouped(code)
    size = min(CODE_SIZE, TEXT_WIDTH / pdfmetrics.stringWidth(text, font, 1))
    canvas.setFont(font, size)
    canvas.drawString(TEXT_X, CODE_Y, text)
    canvas.restoreState()


def _draw_qr(canvas: Canvas, widget: QrCodeWidget, *, x: float, y: float, size: float) -> None:
    """The widget's modules, quiet zone included, filled as one path of a rectangle per run of
    dark modules, scaled so that a module is one unit and written as integers. The widget's own
    Drawing makes a shape object per run and formats every coordinate as a float, which is
    three times slower: minutes more for a batch of 20,000."""
    modules = qr_modules(widget)
    border = widget.barBorder
    side = len(modules) + 2 * border
    runs = [
        f"{border + column} {side - border - row - 1} {length} 1 re"
        for row, cells in enumerate(modules)
        for column, length in _dark_runs(cells)
    ]
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / side, size / side)
    canvas.addLiteral("\n".join([*runs, "f"]))  # f: fill the path, black
    canvas.restoreState()


def _dark_runs(cells: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row."""
    start = 0
    for dark, run in itertools.groupby(cells):
        length = len(list(run))
        if dark:
            yield start, length
        start += length


def token_bundle(
    *, campaign: Campaign, group: EvaluatorGroup, issued: IssuedBatch, base_url: str
) -> bytes:
    """The one download of a batch: its A4 sheets and a CSV (code, link) for SMS, zipped."""
    name = f"{campaign.code}-{group.code}-{issued.batch.pk}"
    rows = [["group", "code", "link"]] + [
        [group.name, code, qr_payload(base_url, code)] for code in issued.codes
    ]
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        sheets = Path(folder) / "sheets.pdf"
        write_token_sheets(
            sheets, campaign=campaign, group=group, codes=issued.codes, base_url=base_url
        )
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(sheets, f"{name}.pdf")
            archive.writestr(f"{name}.csv", csv_text(rows))
    return buffer.getvalue()
