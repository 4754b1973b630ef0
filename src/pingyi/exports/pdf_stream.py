"""A PDF written page by page to a stream, for documents of thousands of pages (token sheets).

reportlab's ``Canvas`` keeps every page until ``save()`` and then formats the whole file in
memory: 100,000 ballot codes would hold some 50 MB of pages at once. :class:`StreamedPdf` sends
each page to the stream as soon as it is given and keeps only an offset per object, so memory
does not grow with the page count (a ZIP entry opened for writing is a fine stream).

The drawing stays reportlab's: a ``Canvas`` that is never saved draws what needs paragraphs or
metrics (:meth:`StreamedPdf.ops` hands back the operators it produced), and text in the Chinese
font is encoded into that canvas's font subsets (:meth:`StreamedPdf.text`). The subsets are
embedded at :meth:`StreamedPdf.close`, as reportlab's ``TTFont.addObjects`` would embed them.

Layout of the file: 1 catalog, 2 page tree, 3 info, 4 page resources, 5 the font resources of
forms, then a content stream and a page per page, then forms and fonts. The page count is
declared up front so that every page's object number is known before it is written.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from array import array
from collections.abc import Callable
from typing import IO, Any, cast

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

from pingyi.exports.pdf import AUTHOR

PRODUCER = "Pingyi (reportlab fonts)"
FIRST_PAGE_OBJECT = 6
# zlib level: on token sheets 5 is twice as fast as the default 6 for 10 % more bytes; 9 would
# save another 10 % for three times the time of 6.
COMPRESSION = 5
E_PAGE_COUNT = "declared {declared} pages, wrote {written}"
E_FONT = "{font} is not a TrueType font: register it with register_cjk_font"

PageSize = tuple[float, float]


def number(value: float) -> str:
    """A coordinate in a content stream: at most four decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class StreamedPdf:
    """One PDF of exactly ``pages`` pages written to ``stream`` as the pages come.

    Use: draw with :attr:`canvas` through :meth:`ops` or write operators yourself, declare
    shared drawings with :meth:`form` (before the first page that uses them), give each page's
    operators to :meth:`page`, then :meth:`close`. Text drawn in ``font`` goes through this
    document's subsets; other fonts are not embedded.
    """

    def __init__(
        self, stream: IO[bytes], *, pages: int, title: str, font: str, size: PageSize = A4
    ) -> None:
        face = pdfmetrics.getFont(font)
        if not isinstance(face, TTFont):
            raise TypeError(E_FONT.format(font=font))
        self._out, self._pos = stream, 0
        self._font, self._pages, self._size, self._title = face, pages, size, title
        self._offsets = array("Q", bytes(8 * (FIRST_PAGE_OBJECT + 2 * pages)))
        self._written = 0
        self._forms: dict[str, tuple[str, float, float]] = {}
        self.canvas = Canvas(io.BytesIO(), pagesize=size, invariant=True)
        # reportlab's internals, not in its stubs: the operators a canvas has collected
        # (``_code``) and its document, the key under which a font keeps its subsets
        self._internals: Any = cast(Any, self.canvas)
        self._doc: object = self._internals._doc
        self._emit(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    # ------------------------------------------------------------------------- drawing

    def ops(self, draw: Callable[[Canvas], object]) -> str:
        """The operators ``draw`` puts on :attr:`canvas`, taken off it (nothing else is kept:
        the canvas only ever collects operators here and is never saved)."""
        self._internals._code = []
        draw(self.canvas)
        code: list[str] = self._internals._code
        self._internals._code = []
        return "\n".join(code)

    def text(self, x: float, y: float, size: float, text: str) -> str:
        """``text`` in the document's font at (x, y), one line, as a text object."""
        parts = [f"BT 1 0 0 1 {number(x)} {number(y)} Tm"]
        for subset, chunk in self._font.splitString(text, self._doc):
            name = self._font.getSubsetInternalName(subset, self._doc)
            parts.append(f"{name} {number(size)} Tf <{chunk.hex()}> Tj")
        parts.append("ET")
        return " ".join(parts)

    def form(self, name: str, ops: str, *, width: float, height: float) -> str:
        """Registers ``ops`` as a form XObject of ``width`` × ``height``; returns the operator
        that draws it where the origin is."""
        self._forms[name] = (ops, width, height)
        return f"/{name} Do"

    # ------------------------------------------------------------------------- writing

    def page(self, ops: str) -> None:
        """Writes the next page, drawn by ``ops``."""
        if self._written == self._pages:
            raise ValueError(E_PAGE_COUNT.format(declared=self._pages, written=self._written + 1))
        contents = FIRST_PAGE_OBJECT + 2 * self._written
        self._stream(contents, ops.encode("latin-1"))
        width, height = (number(v) for v in self._size)
        self._object(
            contents + 1,
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Resources 4 0 R /Contents {contents} 0 R >>",
        )
        self._written += 1

    def close(self) -> None:
        """Writes forms, fonts, the page tree and the cross-reference table; the stream stays
        open (the caller owns it)."""
        if self._written != self._pages:
            raise ValueError(E_PAGE_COUNT.format(declared=self._pages, written=self._written))
        try:
            forms = self._write_forms()
            fonts = self._write_fonts()
        finally:
            self._forget_fonts()
        font_names = " ".join(f"/{name} {ref} 0 R" for name, ref in fonts)
        xobjects = " ".join(f"/{name} {ref} 0 R" for name, ref in forms)
        self._object(
            4,
            f"<< /ProcSet [/PDF /Text] /Font << {font_names} >> /XObject << {xobjects} >> >>",
        )
        self._object(5, f"<< /ProcSet [/PDF /Text] /Font << {font_names} >> >>")
        kids = " ".join(f"{FIRST_PAGE_OBJECT + 2 * n + 1} 0 R" for n in range(self._pages))
        self._object(2, f"<< /Type /Pages /Count {self._pages} /Kids [{kids}] >>")
        self._object(
            3,
            f"<< /Title {_text_string(self._title)} /Author {_text_string(AUTHOR)} "
            f"/Producer {_text_string(PRODUCER)} >>",
        )
        self._object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        self._write_xref()

    def abandon(self) -> None:
        """Drops this document's font subsets without finishing the file (after an error)."""
        self._forget_fonts()

    # ------------------------------------------------------------------------- internals

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._pos += len(data)

    def _new_object(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _object(self, ref: int, body: str) -> None:
        self._offsets[ref] = self._pos
        self._emit(f"{ref} 0 obj\n{body}\nendobj\n".encode("latin-1"))

    def _stream(self, ref: int, data: bytes, extra: str = "") -> None:
        packed = zlib.compress(data, COMPRESSION)
        self._offsets[ref] = self._pos
        head = f"{ref} 0 obj\n<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n"
        self._emit(head.encode("latin-1") + packed + b"\nendstream\nendobj\n")

    def _write_forms(self) -> list[tuple[str, int]]:
        refs = []
        for name, (ops, width, height) in self._forms.items():
            ref = self._new_object()
            box = f"[0 0 {number(width)} {number(height)}]"
            self._stream(
                ref,
                ops.encode("latin-1"),
                f" /Type /XObject /Subtype /Form /BBox {box} /Resources 5 0 R",
            )
            refs.append((name, ref))
        return refs

    def _write_fonts(self) -> list[tuple[str, int]]:
        """Every subset the document used, as ``TTFont.addObjects`` writes it: a simple
        TrueType font of up to 256 glyphs with its widths, a ToUnicode map (so that text can
        be searched and copied) and the subset's glyphs embedded."""
        font, face = self._font, self._font.face
        state = font.state.get(self._doc)
        refs = []
        for n, subset in enumerate(state.subsets if state else []):
            name = font.getSubsetInternalName(n, self._doc)[1:]
            base = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("latin-1")
            cmap, glyphs, descriptor, ref = (self._new_object() for _ in range(4))
            self._stream(cmap, makeToUnicodeCMap(base, subset).encode("latin-1"))
            program = face.makeSubset(subset)
            self._stream(glyphs, program, f" /Length1 {len(program)}")
            flags = (face.flags & ~32) | 4  # symbolic, as reportlab marks its subsets
            bbox = " ".join(str(v) for v in face.bbox)
            self._object(
                descriptor,
                f"<< /Type /FontDescriptor /FontName /{_name(base)} /Flags {flags} "
                f"/FontBBox [{bbox}] /ItalicAngle {face.italicAngle} /Ascent {face.ascent} "
                f"/Descent {face.descent} /CapHeight {face.capHeight} /StemV {face.stemV} "
                f"/MissingWidth {face.defaultWidth} /FontFile2 {glyphs} 0 R >>",
            )
            width: Callable[[int], int] = face.getCharWidth
            widths = " ".join(str(width(code)) for code in subset)
            self._object(
                ref,
                f"<< /Type /Font /Subtype /TrueType /Name /{_name(name)} "
                f"/BaseFont /{_name(base)} /FirstChar 0 /LastChar {len(subset) - 1} "
                f"/Widths [{widths}] /ToUnicode {cmap} 0 R /FontDescriptor {descriptor} 0 R >>",
            )
            refs.append((_name(name), ref))
        return refs

    def _forget_fonts(self) -> None:
        # reportlab keeps subsets per document on the registered font, which lives as long as
        # the process: without this every sheet ever printed would stay in memory.
        self._font.state.pop(self._doc, None)

    def _write_xref(self) -> None:
        start, size = self._pos, len(self._offsets)
        rows = [f"xref\n0 {size}\n0000000000 65535 f \n"]
        rows += [f"{offset:010d} 00000 n \n" for offset in self._offsets[1:]]
        ident = hashlib.md5(
            f"{self._title}|{self._pages}|{start}".encode(), usedforsecurity=False
        ).hexdigest()
        rows.append(
            f"trailer\n<< /Size {size} /Root 1 0 R /Info 3 0 R /ID [<{ident}> <{ident}>] >>\n"
            f"startxref\n{start}\n%%EOF\n"
        )
        self._emit("".join(rows).encode("latin-1"))


def _text_string(text: str) -> str:
    """A PDF text string in UTF-16 with its byte order mark, as hex: any character, no escaping."""
    return f"<feff{text.encode('utf-16-be').hex()}>"


def _name(text: str) -> str:
    """``text`` as the body of a PDF name: delimiters, # and anything outside ! … ~ as #xx."""
    return "".join(
        ch if 0x21 <= ord(ch) <= 0x7E and ch not in "()<>[]{}/%#" else f"#{ord(ch):02X}"
        for ch in text
    )
