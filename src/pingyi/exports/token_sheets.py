"""Token sheets: A4 pages of slips, cut apart and handed out at a meeting, one per evaluator.

A slip names the campaign and the evaluator group and carries the token twice: as a QR code of
``{base_url}#{code}`` and as the code in groups of four for typing. The token travels after
``#``: a browser never sends the fragment, so it never reaches a server log (R11); the ballot
page's script moves it into a POST. Issued by ``tokens_issue`` (web, up to 2,000 codes in the
request) and by the background job for big batches (:func:`write_token_bundle`).

A bundle is written as it is drawn: page after page into the PDF, the PDF straight into the
ZIP, the ZIP into the caller's file or stream (:mod:`pingyi.exports.pdf_stream`), so memory does
not grow with the count and no code touches the disk outside the bundle. What every slip
repeats (names, instructions) is drawn once as a form that each slip places; per slip remain
its QR code (segno with one layout for the batch, :mod:`pingyi.exports.qr`) and its code.
"""

from __future__ import annotations

import functools
import io
import itertools
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Protocol

from django.db.models import Model
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph

from pingyi.exports.csv_out import write_csv
from pingyi.exports.pdf import draw_footer, escape, register_cjk_font, styles
from pingyi.exports.pdf_stream import StreamedPdf, number
from pingyi.exports.qr import QrEncoder, QrPaths, qr_plan
from pingyi.rules.codes import grouped

COLUMNS, ROWS = 2, 5
SLIPS_PER_PAGE = COLUMNS * ROWS
SIDE, TOP, BOTTOM = 10 * mm, 10 * mm, 16 * mm  # page margins; the footer sits in BOTTOM
FOOTER_Y = 8 * mm
SLIP_WIDTH = (A4[0] - 2 * SIDE) / COLUMNS
SLIP_HEIGHT = (A4[1] - TOP - BOTTOM) / ROWS
PAD = 4 * mm  # inside a slip, from the cut line
HEADER_HEIGHT = 11 * mm
QR_SIZE = SLIP_HEIGHT - 2 * PAD - HEADER_HEIGHT - 1 * mm  # quiet zone included
TEXT_X = PAD + QR_SIZE + 3 * mm  # the column right of the QR code
TEXT_WIDTH = SLIP_WIDTH - TEXT_X - PAD
CODE_LABEL_Y = SLIP_HEIGHT - PAD - HEADER_HEIGHT - 4 * mm
CODE_Y = CODE_LABEL_Y - 6.5 * mm
CODE_SIZE = 12.5
SLIP_FORM = "Slip"

INSTRUCTION = "扫码或在 {base_url} 输入评议码；无记名，一人一码，只能提交一次；提交后请保存回执码"
E_NO_CODES = "no codes to print"

Progress = Callable[[int], object]  # told the number of codes drawn so far, after each page


class Named(Protocol):
    """A campaign or an evaluator group, as its sheets name it (exports imports no app)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


class Issued(Protocol):
    """A batch of codes just issued (voting.services.IssuedBatch): the plain codes, once."""

    @property
    def batch(self) -> Model: ...

    @property
    def codes(self) -> Sequence[str]: ...


def qr_payload(base_url: str, code: str) -> str:
    """What the QR code of ``code`` says: the token after ``#``, never in the path (R11)."""
    return f"{base_url}#{code}"


def write_token_sheets(
    path: Path,
    *,
    campaign: Named,
    group: Named,
    codes: Sequence[str],
    base_url: str,
) -> None:
    """Writes ``codes`` as slips, ten to an A4 page with dashed cut lines, to ``path``.

    Raises ValueError when ``codes`` is empty: a sheet without slips is a mistake upstream.
    """
    if not codes:
        raise ValueError(E_NO_CODES)
    with Path(path).open("wb") as stream:
        _write_sheets(stream, campaign=campaign, group=group, codes=codes, base_url=base_url)


def write_token_bundle(
    target: IO[bytes] | Path | str,
    *,
    campaign: Named,
    group: Named,
    issued: Issued,
    base_url: str,
    progress: Progress | None = None,
) -> None:
    """The one download of a batch, written to ``target`` (a path, or a binary stream that
    need not seek): a ZIP of its A4 sheets (``{campaign}-{group}-{batch}.pdf``, stored: its
    pages are compressed already) and a CSV (group, code, link) for SMS.

    Pages go out as they are drawn, so memory stays flat however many codes; ``progress`` hears
    the number of codes drawn after each page. Raises ValueError when the batch has no codes.
    After any exception ``target`` holds an unfinished bundle (a ZIP whose PDF stops short):
    the caller discards it.
    """
    if not issued.codes:
        raise ValueError(E_NO_CODES)
    name = f"{campaign.code}-{group.code}-{issued.batch.pk}"
    with zipfile.ZipFile(target, "w") as archive:
        with archive.open(_entry(f"{name}.pdf", zipfile.ZIP_STORED), "w") as stream:
            _write_sheets(
                stream, campaign=campaign, group=group, codes=issued.codes,
                base_url=base_url, progress=progress,
            )  # fmt: skip
        table = _entry(f"{name}.csv", zipfile.ZIP_DEFLATED)
        with archive.open(table, "w") as stream, _text(stream) as text:
            rows = ([group.name, c, qr_payload(base_url, c)] for c in issued.codes)
            write_csv(text, itertools.chain([["group", "code", "link"]], rows))


def token_bundle(*, campaign: Named, group: Named, issued: Issued, base_url: str) -> bytes:
    """:func:`write_token_bundle` into memory, for the web download of up to 2,000 codes."""
    buffer = io.BytesIO()
    write_token_bundle(buffer, campaign=campaign, group=group, issued=issued, base_url=base_url)
    return buffer.getvalue()


def _entry(name: str, compression: int) -> zipfile.ZipInfo:
    """A member dated now, readable by its owner only once unpacked (as ``writestr`` makes
    them): the codes are as good as ballots until used."""
    entry = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    entry.compress_type, entry.external_attr = compression, 0o600 << 16
    return entry


def _text(stream: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)


# ------------------------------------------------------------------------------ the sheets


def _write_sheets(
    stream: IO[bytes],
    *,
    campaign: Named,
    group: Named,
    codes: Sequence[str],
    base_url: str,
    progress: Progress | None = None,
) -> None:
    font = register_cjk_font()
    title = f"{campaign.name} 评议码 · {group.name}"
    total = -(-len(codes) // SLIPS_PER_PAGE)
    pdf = StreamedPdf(stream, pages=total, title=title, font=font)
    try:
        sheets = _Sheets(
            pdf, font=font, title=title, campaign=campaign.name, group=group.name, codes=codes,
            base_url=base_url,
        )  # fmt: skip
        done = 0
        for page, batch in enumerate(itertools.batched(codes, SLIPS_PER_PAGE), start=1):
            pdf.page(sheets.page(page, total, batch))
            done += len(batch)
            if progress is not None:
                progress(done)
        pdf.close()
    except BaseException:
        pdf.abandon()
        raise


class _Sheets:
    """The operators of a batch's pages; what they repeat is prepared once: the slip form, the
    cut lines of a full page, the QR layout and where a code goes in a slip."""

    def __init__(
        self,
        pdf: StreamedPdf,
        *,
        font: str,
        title: str,
        campaign: str,
        group: str,
        codes: Sequence[str],
        base_url: str,
    ) -> None:
        self.pdf, self.font, self.title, self.base_url = pdf, font, title, base_url
        form = pdf.ops(
            functools.partial(
                _draw_slip_form, font=font, campaign=campaign, group=group, base_url=base_url
            )
        )
        self.slip = pdf.form(SLIP_FORM, form, width=SLIP_WIDTH, height=SLIP_HEIGHT)
        self.cut_lines = pdf.ops(functools.partial(_draw_cut_lines, slips=SLIPS_PER_PAGE))
        # The longest payload decides the version; all are normally as long (TOKEN_LENGTH).
        longest = qr_payload(base_url, max(codes, key=lambda c: len(c.encode()))).encode()
        plan = qr_plan(longest)
        self.encoder, self.drawer = QrEncoder(plan, longest), QrPaths(plan.side)
        unit = number(QR_SIZE / self.drawer.units)  # a module, quiet zone included
        self.place_qr = f"{unit} 0 0 {unit} {number(PAD)} {number(PAD)} cm 0 g"  # black

    def page(self, page: int, total: int, codes: Sequence[str]) -> str:
        payloads = [qr_payload(self.base_url, code).encode() for code in codes]
        paths = self.drawer.paths(self.encoder.matrices(payloads))
        cut_lines = self.cut_lines
        if len(codes) < SLIPS_PER_PAGE:
            cut_lines = self.pdf.ops(functools.partial(_draw_cut_lines, slips=len(codes)))
        ops = [cut_lines]
        for index, (code, path) in enumerate(zip(codes, paths, strict=True)):
            ops.append(self._slip(index, code, path))
        footer = functools.partial(
            draw_footer, font=self.font, title=self.title, page=page, total=total,
            margin=FOOTER_Y,
        )  # fmt: skip
        ops.append(self.pdf.ops(footer))
        return "\n".join(ops)

    def _slip(self, index: int, code: str, qr_path: str) -> str:
        """The form, the QR code filled as one path, the code in groups of four."""
        x, y = _slip_origin(index)
        text = grouped(code)
        size = min(CODE_SIZE, TEXT_WIDTH / pdfmetrics.stringWidth(text, self.font, 1))
        return "\n".join(
            [
                f"q 1 0 0 1 {number(x)} {number(y)} cm {self.slip}",
                f"q {self.place_qr}\n{qr_path}\nf Q",
                self.pdf.text(TEXT_X, CODE_Y, size, text),
                "Q",
            ]
        )


def _slip_origin(index: int) -> tuple[float, float]:
    """The bottom left corner of the page's ``index``-th slip, filled row by row from the top."""
    row, column = divmod(index, COLUMNS)
    return SIDE + column * SLIP_WIDTH, A4[1] - TOP - (row + 1) * SLIP_HEIGHT


def _draw_cut_lines(canvas: Canvas, *, slips: int) -> None:
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


def _draw_slip_form(canvas: Canvas, *, font: str, campaign: str, group: str, base_url: str) -> None:
    """What every slip shows alike, in slip coordinates (drawn once, as a form)."""
    style = styles(font)
    name = ParagraphStyle("slip-title", parent=style.heading, fontSize=11, leading=14)
    fine = ParagraphStyle("slip-fine", parent=style.small, fontSize=8, leading=10.5)
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
