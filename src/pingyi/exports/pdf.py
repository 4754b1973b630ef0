"""The one way Pingyi prints a PDF: an embedded Chinese font, escaped text, numbered pages.

Every Pingyi report (the paper ballot, the token sheets, the results) draws its text in the
font :func:`register_cjk_font` embeds, passes user text through :func:`escape` before it
becomes a ``Paragraph`` (R22: reportlab's paragraph markup loads ``<img src=...>`` from a URL
or a local file, so a unit named like a tag must print as that text), and ends every page with
:func:`draw_footer`. No Django here: the layer is plain reportlab, usable from any writer.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Table,
    TableStyle,
)

from pingyi.rules.errors import MissingOnMachine

FONT_NAME = "WenQuanYiZenHei"
FONT_PACKAGE = "fonts-wqy-zenhei"
WQY_DIR = Path("/usr/share/fonts/truetype/wqy")
WQY_ZENHEI = WQY_DIR / "wqy-zenhei.ttc"
# where scripts/install.sh (the offline bundle of `make bundle`) puts the font it brings
BUNDLED_FONTS = Path(sys.prefix) / "share" / "pingyi" / "fonts"
E_NO_FONT = (
    "no Chinese TrueType font found to print a PDF (looked in {where} and asked "
    "fc-match); install the Debian package {package}: apt-get install {package}"
)
_CJK_PROBE = "评议满意"

AUTHOR = "Pingyi 评议"
MARGIN = 15 * mm
FOOTER_SIZE = 9
HEADER_GREY = colors.HexColor("#E6E6E6")

PageSize = tuple[float, float]


# ---------------------------------------------------------------------------------- font


class FontMissingError(MissingOnMachine):
    """No TrueType font with Chinese characters: no Pingyi PDF can be printed."""


def cjk_font_path() -> Path:
    """The Chinese TrueType font to embed: WenQuanYi Zen Hei where Debian puts it, any
    TrueType font in that folder, the one the offline bundle installs beside the virtualenv
    (scripts/install.sh), else what fontconfig offers for Chinese."""
    candidates = [
        WQY_ZENHEI,
        *sorted(WQY_DIR.glob("*.tt[cf]")),
        *sorted(BUNDLED_FONTS.glob("*.tt[cf]")),
        *_fc_match(),
    ]
    for path in candidates:
        if path.suffix.lower() in (".ttc", ".ttf") and path.is_file():
            return path
    raise FontMissingError(E_NO_FONT.format(where=WQY_DIR, package=FONT_PACKAGE))


def _fc_match() -> list[Path]:
    executable = shutil.which("fc-match")
    if executable is None:
        return []
    try:
        found = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [executable, "-f", "%{file}", "WenQuanYi Zen Hei:lang=zh-cn"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    return [Path(found)] if found else []


@functools.cache
def register_cjk_font() -> str:
    """Registers the Chinese font with reportlab once; its name for styles."""
    path = cjk_font_path()
    try:
        font = TTFont(FONT_NAME, str(path), subfontIndex=0)
    except TTFError as exc:
        raise FontMissingError(f"{path}: {exc}") from exc
    # fc-match answers with *some* font even when none has Chinese: check that it does.
    if any(ord(ch) not in font.face.charToGlyph for ch in _CJK_PROBE):
        raise FontMissingError(E_NO_FONT.format(where=WQY_DIR, package=FONT_PACKAGE))
    pdfmetrics.registerFont(font)
    return FONT_NAME


# ---------------------------------------------------------------------------------- text


def escape(text: str) -> str:
    """``text`` as paragraph markup that prints it literally: ``<img src=...>`` in a unit's
    name stays those characters and loads nothing (R22). Every string from a user, a file or
    a setting goes through this before it reaches a ``Paragraph``; plain strings given to a
    ``Table`` cell or ``drawString`` are never parsed and need no escaping."""
    return _xml_escape(text)


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of Pingyi's reports, all in the Chinese font."""

    title: ParagraphStyle  # the document's title, centred
    heading: ParagraphStyle  # a section or category heading
    body: ParagraphStyle  # running text
    cell: ParagraphStyle  # text in a table cell that may wrap
    small: ParagraphStyle  # notes and fine print


@functools.cache
def styles(font: str) -> Styles:
    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        # CJK wrapping breaks between any two Chinese characters and keeps 。，； off the
        # start of a line; the default breaks only at spaces.
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **extra
        )

    return Styles(
        title=style("title", 18, 26, alignment=1, spaceAfter=6),
        heading=style("heading", 12, 16),
        body=style("body", 10.5, 15),
        cell=style("cell", 10.5, 13),
        small=style("small", 9, 12),
    )


def fitted(text: str, *, font: str, size: float, width: float) -> str:
    """``text`` cut with … so that a one-line ``drawString`` stays within ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


# ---------------------------------------------------------------------------------- pages


def page_label(page: int, total: int) -> str:
    """第 N 页，共 M 页 (only 第 N 页 while the total is not known yet)."""
    return f"第 {page} 页，共 {total} 页" if total else f"第 {page} 页"


def draw_footer(
    canvas: Canvas,
    *,
    font: str,
    title: str,
    page: int,
    total: int,
    width: float = A4[0],
    margin: float = MARGIN,
) -> None:
    """The document's title at the bottom left, 第 N 页，共 M 页 at the bottom right."""
    label = page_label(page, total)
    room = width - 2 * margin - pdfmetrics.stringWidth(label, font, FOOTER_SIZE) - 6 * mm
    canvas.saveState()
    canvas.setFont(font, FOOTER_SIZE)
    canvas.drawString(margin, margin, fitted(title, font=font, size=FOOTER_SIZE, width=room))
    canvas.drawRightString(width - margin, margin, label)
    canvas.restoreState()


def write_story(
    path: Path,
    story: Callable[[], list[Flowable]],
    *,
    title: str,
    font: str,
    pagesize: PageSize = A4,
    margin: float = MARGIN,
) -> int:
    """Lays out the flowables ``story()`` makes on numbered pages into ``path``; returns the
    number of pages.

    Two passes: the first, into memory, counts the pages so that every footer of the second can
    say 共 M 页. ``story`` is called once a pass because a build consumes its flowables.
    """
    page = _Page(title=title, font=font, size=pagesize, margin=margin)
    pages = page.build(io.BytesIO(), story(), total=0)
    with path.open("wb") as stream:
        page.build(stream, story(), total=pages)
    return pages


@dataclass(frozen=True)
class _Page:
    title: str
    font: str
    size: PageSize
    margin: float

    def build(self, stream: BinaryIO, flowables: list[Flowable], *, total: int) -> int:
        doc = BaseDocTemplate(
            stream, pagesize=self.size, title=self.title, author=AUTHOR, invariant=True,
            leftMargin=self.margin, rightMargin=self.margin,
            topMargin=self.margin, bottomMargin=self.margin + 5 * mm,
        )  # fmt: skip
        # No padding inside the frame: a table as wide as the margins allow lines up with the
        # text above it.
        frame = Frame(
            doc.leftMargin, doc.bottomMargin, doc.width, doc.height,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip

        def footer(canvas: Canvas, doc: Any) -> None:
            draw_footer(
                canvas, font=self.font, title=self.title, page=int(doc.page), total=total,
                width=self.size[0], margin=self.margin,
            )  # fmt: skip

        doc.addPageTemplates([PageTemplate(frames=[frame], onPage=footer)])
        doc.build(flowables)
        return int(doc.page)


def table_style(
    font: str, *, size: float = 10.5, header_row: int = 0, padding: float = 3
) -> list[tuple[Any, ...]]:
    """A ruled table in the Chinese font: a grid from ``header_row`` down, that row grey."""
    return [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("GRID", (0, header_row), (-1, -1), 0.6, colors.black),
        ("BACKGROUND", (0, header_row), (-1, header_row), HEADER_GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]


def headed_table(
    heading: Flowable,
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    *,
    widths: Sequence[float],
    font: str,
    size: float = 10.5,
    padding: float = 3,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A ruled table under ``heading``; the heading and the column headers repeat on every
    page the table runs onto. ``extra`` adds table-style commands (alignment, spans)."""
    data = [[heading], list(header), *(list(row) for row in rows)]
    table = Table(data, colWidths=list(widths), repeatRows=2)
    commands = [
        *table_style(font, size=size, header_row=1, padding=padding),
        ("SPAN", (0, 0), (-1, 0)),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        *extra,
    ]
    table.setStyle(TableStyle(commands))
    return table
