"""The first sheet of an .xlsx as (row, column, text) columns, cut out of its XML with numpy.

Paper ballots come as sheets of 100,000 rows × 70 columns, 400 MB of XML: calamine spends
seconds and a gigabyte handing them to Python (or to Arrow) cell by cell. Here the sheet is
inflated in blocks and each block cut into cells with array operations: the positions of its
tags, each cell's reference, type and value. Only the plain XML that Excel, WPS, LibreOffice,
openpyxl and xlsxwriter write is read this way; anything else — prefixed or indented XML, rich
text, dates, error cells, cells without a reference — makes ``read_cells`` answer None, and
tables.py reads the workbook with calamine instead (slower, the same result).

The checks that tables.py makes before any parsing are made here for the first sheet, block by
block as it is read: its rows are counted against the limit, and a formula is refused with its
cell.
"""

from __future__ import annotations

import html
import os
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from typing import IO, cast

import numpy as np
import numpy.typing as npt
import polars as pl

from pingyi.rules.errors import InputError

BLOCK = 1 << 19  # bytes of XML cut into cells at a time (its arrays stay in the cache)
BATCH = 1 << 20  # cells turned into polars columns at a time (polars' cost is per call)
WORKERS = max(2, min(4, os.cpu_count() or 2))  # threads cutting blocks (and blocks waiting)
SEP = 1  # joins the values of a block into one text; XML 1.0 text cannot hold U+0001
_SEP_BYTE = bytes([SEP])

_LT, _GT, _SLASH, _SPACE, _QUOTE = 60, 62, 47, 32, 34
_PRESERVE = b'<t xml:space="preserve">'
_SHEET_REL = re.compile(rb"<Relationship\b[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_SI_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Built-in number formats that show a date or a time (ECMA-376 18.8.30).
_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}

# What a cell's value is, by its t= attribute (and where it stands).
NUMBER, SHARED, TEXT, BOOLEAN = 0, 1, 2, 3

Refusal = Callable[[str], InputError]  # a formula in the cell named: the error to raise


class Unsupported(Exception):
    """The sheet is written in a way this reader does not take: read it with calamine."""


@dataclass(frozen=True)
class Sheet:
    """A sheet's rows that hold cells: ``row`` (its 1-based number) and one String column
    per sheet column from A on, named by its 0-based index (``a0`` = A); empty cells null."""

    frame: pl.DataFrame


def read_sheet(
    archive: zipfile.ZipFile, *, limit: int, too_many: InputError, formula: Refusal
) -> Sheet | None:
    """The first sheet, or None when it must be read by calamine.

    Raises ``too_many`` once more than ``limit`` data rows are seen, and ``formula(cell)`` for
    a cell holding a formula, before the rest of the sheet is read.
    """
    try:
        member = first_sheet(archive)
        shared = shared_strings(archive)
        dates = date_styles(archive)
        parts: list[Future[pl.DataFrame]] = []
        cuts: list[_Cut] = []
        cells = rows = 0
        # Blocks are inflated here while two threads cut the ones before and turn them into
        # polars columns (numpy and polars let go of the GIL); at most WORKERS blocks wait.
        with archive.open(member) as stream, ThreadPoolExecutor(WORKERS) as pool:
            waiting: deque[Future[_Cut]] = deque()
            for block in chain(_blocks(stream), [None]):  # None: the end
                if block is not None:
                    waiting.append(pool.submit(_cut, block, formula, dates))
                while waiting and (block is None or len(waiting) > WORKERS or waiting[0].done()):
                    cut = waiting.popleft().result()
                    rows, cells = rows + cut.rows, cells + len(cut.kinds)
                    if rows > limit + 1:
                        raise too_many
                    cuts.append(cut)
                    if cells >= BATCH:
                        parts.append(pool.submit(_batch, cuts, shared))
                        cuts, cells = [], 0
            if cuts:
                parts.append(pool.submit(_batch, cuts, shared))
            frames = [part.result() for part in parts]
        return Sheet(_joined_parts(frames))
    except InputError:
        raise  # a formula, too many rows: the file is refused
    except Exception:  # whatever this reader cannot take, calamine reads
        return None


# --------------------------------------------------------------------------- the workbook


def first_sheet(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet (the order of workbook.xml, as calamine reads)."""
    workbook = archive.read("xl/workbook.xml")
    found = re.search(rb"<sheet\s[^>]*>", workbook)
    if found is None or b"<sheets" not in workbook:
        raise Unsupported("no sheet")
    sheet = dict(_ATTR.findall(found.group(0)))
    rel = sheet.get(b"id")  # r:id, whatever its prefix
    if rel is None:
        raise Unsupported("no relationship")
    for tag in _SHEET_REL.findall(archive.read("xl/_rels/workbook.xml.rels")):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get(b"Id") == rel:
            target = bytes(attrs[b"Target"]).decode()
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise Unsupported("the first sheet's part is not named")


def shared_strings(archive: zipfile.ZipFile) -> pl.Series:
    """The workbook's shared strings (rich text joined, phonetic runs left out)."""
    try:
        xml = archive.read("xl/sharedStrings.xml")
    except KeyError:
        return pl.Series([], dtype=pl.String)
    texts = []
    for item in _SI.finditer(xml):
        body = item.group(1) or b""
        if b"<rPh" in body:
            body = _PHONETIC.sub(b"", body)
        texts.append(_unescape(b"".join(_SI_TEXT.findall(body)).decode()))
    return pl.Series(texts, dtype=pl.String)


def date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The cell styles (indices into cellXfs) that show numbers as dates or times."""
    try:
        xml = archive.read("xl/styles.xml")
    except KeyError:
        return set()
    custom = {
        int(m.group(1)): m.group(2)
        for m in re.finditer(rb'<numFmt\s[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', xml)
    }
    xfs = re.search(rb"<cellXfs\b.*?</cellXfs>", xml, re.S)
    if xfs is None:
        return set()
    found = set()
    for index, xf in enumerate(re.findall(rb"<xf\b[^>]*>", xfs.group(0))):
        number = re.search(rb'numFmtId="(\d+)"', xf)
        code = int(number.group(1)) if number else 0
        if code in _DATE_FORMATS or (code in custom and _is_date_format(custom[code])):
            found.add(index)
    return found


def _is_date_format(code: bytes) -> bool:
    """A custom format code that shows a date or time: y, m, d, h or s outside quotes and
    brackets (colours, conditions, elapsed-time brackets are dates anyway: [h] holds h)."""
    plain = re.sub(rb'"[^"]*"|\\.|\[(?:[^\]hms]*)\]', b"", html.unescape(code.decode()).encode())
    return re.search(rb"[ymdhsYMDHS]", plain) is not None


# --------------------------------------------------------------------------- the sheet's XML


def _blocks(stream: IO[bytes]) -> Iterator[bytes]:
    """The rows of a sheet in blocks, each from a row's start tag to a row's end tag (cells
    stand only in rows, and rows only in sheetData)."""
    head = b""
    while b"<sheetData" not in head:
        chunk = stream.read(BLOCK)
        if not chunk:
            return
        head += chunk
    if not head.startswith(b"<worksheet", head.find(b"<", head.find(b"?>") + 1)):
        raise Unsupported("prefixed or unusual XML")
    tail, chunk = head[head.index(b"<sheetData") :], b""
    while True:
        block = tail + chunk
        cut = block.rfind(b"</row>") + len(b"</row>")
        if cut >= len(b"</row>"):
            yield block[:cut]
            tail = block[cut:]
        else:
            tail = block
        chunk = stream.read(BLOCK)
        if not chunk:
            break
    if b"<c " in tail or b"<c>" in tail:
        raise Unsupported("a cell after the last row's end")


# Each tag by the two bytes after its "<": what it is (0: a tag this reader does not take).
ROW, CELL, VALUE, PRESERVED, CLOSING, HOLDER, OPENING, FORMULA = range(1, 9)
_TAGS = np.zeros(1 << 16, dtype=np.uint8)
for _kind, _pairs in (
    (ROW, [b"ro"]),
    (CELL, [b"c "]),
    (VALUE, [b"v>", b"t>"]),
    (PRESERVED, [b"t "]),
    (CLOSING, [b"/c", b"/v", b"/t", b"/i", b"/r"]),
    (HOLDER, [b"is"]),
    (OPENING, [b"sh"]),  # <sheetData>
    (FORMULA, [b"f>", b"f ", b"f/"]),
):
    for _pair in _pairs:
        _TAGS[_pair[0] << 8 | _pair[1]] = _kind


@dataclass(frozen=True)
class _Cut:
    """The valued cells of a block: row, column, kind, and their values' bytes (each followed
    by SEP); ``rows`` counts its rows, ``odd`` tells that some text may need unescaping."""

    numbers: npt.NDArray[np.int64]
    columns: npt.NDArray[np.int64]
    kinds: npt.NDArray[np.int8]
    values: bytes
    rows: int
    odd: bool


def _cut(block: bytes, formula: Refusal, dates: set[int]) -> _Cut:
    """The cells of one block (whole rows)."""
    if _SEP_BYTE in block:
        raise Unsupported("a control character in the XML")
    a = np.frombuffer(block, dtype=np.uint8)
    lt = np.flatnonzero(a == _LT)
    tags = _TAGS[(a[1:][lt].astype(np.uint16) << 8) | a[2:][lt]]
    if (tags == FORMULA).any():
        _refuse(block, lt[tags == CELL], int(lt[np.argmax(tags == FORMULA)]), formula)
    if not tags.all():
        raise Unsupported("an element this reader does not take")
    is_row = tags == ROW
    numbers, digits = _row_numbers(a, lt[is_row])
    is_cell = tags == CELL
    at = np.flatnonzero(is_cell)
    if not len(at):
        none = np.zeros(0, dtype=np.int64)
        return _Cut(none, none, np.zeros(0, dtype=np.int8), b"", len(numbers), odd=False)
    starts = lt[at]
    row_of = np.searchsorted(lt[is_row], starts) - 1  # each cell's row: the last row before it
    if row_of[0] < 0:
        raise Unsupported("a cell outside a row")
    columns, after = _columns(a, starts, numbers[row_of], digits[row_of])
    kinds, styles, tag_end = _attributes(a, after)
    if (lt[at + 1] != tag_end + 1).any():
        raise Unsupported("space between tags")
    # Values: <v>…</v> or <is><t>…</t></is> (the t of xml:space="preserve" included).
    found = np.flatnonzero((tags == VALUE) | (tags == PRESERVED))
    pos, end = lt[found], lt[found + 1]
    if (a[1:][end] != _SLASH).any():
        raise Unsupported("a value holding elements (rich text)")
    long = a[2:][pos] == _SPACE
    if long.any():
        check = pos[long][:, None] + np.arange(len(_PRESERVE))
        if (a[check] != np.frombuffer(_PRESERVE, dtype=np.uint8)).any():
            raise Unsupported("a text element with attributes")
    owner = np.searchsorted(starts, pos) - 1
    if len(owner) and ((owner < 0).any() or (np.diff(owner) == 0).any()):
        raise Unsupported("a value outside a cell, or two in one")
    kind = kinds[owner]
    if (kind[a[1:][pos] == ord("t")] != TEXT).any():
        raise Unsupported("inline text in a cell of another type")
    if dates and np.isin(styles[owner][kind == NUMBER], list(dates)).any():
        raise Unsupported("a date")
    begin = np.where(long, pos + len(_PRESERVE), pos + 3)
    odd = b"&" in block or b"\r" in block or (b"_" in block and b"_x" in block)  # _x000D_
    return _Cut(
        numbers[row_of[owner]], columns[owner], kind, _joined(a, begin, end), len(numbers), odd
    )


def _batch(cuts: list[_Cut], shared: pl.Series) -> pl.DataFrame:
    """The cells of some blocks as polars columns (one row per sheet row)."""
    kinds = np.concatenate([c.kinds for c in cuts])
    if not len(kinds):
        return _EMPTY
    joined = pl.Series([b"".join(c.values for c in cuts)[:-1]], dtype=pl.Binary)
    texts = joined.cast(pl.String).str.split(chr(SEP)).explode()  # the cast checks UTF-8
    if any(c.odd for c in cuts):
        odd = (pl.Series(kinds) == TEXT) & texts.str.contains(r"[&\r]|_x[0-9A-Fa-f]{4}_")
        if odd.any():
            where = odd.arg_true()
            texts = texts.scatter(where, _converted(texts.gather(where), _unescape))
    texts = _texts(kinds, texts, shared)
    numbers = np.concatenate([c.numbers for c in cuts])
    return _grid(numbers, np.concatenate([c.columns for c in cuts]), texts)


_EMPTY = pl.DataFrame(schema={"row": pl.Int64})


def _grid(
    rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64], texts: pl.Series
) -> pl.DataFrame:
    """Cells (in the sheet's order) → one row per sheet row, one column per sheet column."""
    keep = (texts.is_not_null() & (texts != "")).to_numpy()
    if not keep.all():
        rows, columns, texts = rows[keep], columns[keep], texts.filter(pl.Series(keep))
    if not len(rows):
        return _EMPTY
    new = np.ones(len(rows), dtype=bool)
    new[1:] = rows[1:] != rows[:-1]
    count, width = int(np.count_nonzero(new)), int(columns.max()) + 1
    # Where each slot of the grid, column by column, finds its text (NaN: none, a null).
    where = np.full((width, count), np.nan)
    where[columns, np.cumsum(new) - 1] = np.arange(len(texts))
    grid = texts.gather(pl.Series(where.ravel(), nan_to_null=True).cast(pl.UInt32))
    data = {"row": pl.Series(rows[new], dtype=pl.Int64)}
    data |= {f"a{i}": grid.slice(i * count, count) for i in range(width)}
    return pl.DataFrame(data)


def _joined_parts(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The blocks' rows in one frame, its columns in the sheet's order."""
    frame = pl.concat(parts, how="diagonal") if parts else _EMPTY
    names = sorted((n for n in frame.columns if n != "row"), key=lambda n: int(n[1:]))
    return frame.select("row", *names)


def _refuse(block: bytes, starts: npt.NDArray[np.intp], at: int, formula: Refusal) -> None:
    """Raises the formula error for the cell whose tag precedes position ``at``."""
    before = starts[starts < at]
    if not len(before):
        raise formula("?")
    tag = block[before[-1] : block.index(b">", before[-1])]
    ref = re.search(rb"""\br\s*=\s*["']([A-Z]+[0-9]+)["']""", tag)
    raise formula(ref.group(1).decode() if ref else "?")


def _digits(
    a: npt.NDArray[np.uint8], at: npt.NDArray[np.intp], most: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The decimal number written at each position, and how many digits it has."""
    number = np.zeros(len(at), dtype=np.int64)
    count = np.zeros(len(at), dtype=np.int64)
    going = np.ones(len(at), dtype=bool)
    for k in range(most + 1):
        x = a[k:][at]
        going &= (x >= ord("0")) & (x <= ord("9"))
        number = np.where(going, number * 10 + x - ord("0"), number)
        count += going
    return number, count


def _row_numbers(
    a: npt.NDArray[np.uint8], starts: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each row's number from its r="…" (its first attribute), and its count of digits."""
    prefix = np.frombuffer(b'<row r="', dtype=np.uint8)
    if len(starts) and (a[starts[:, None] + np.arange(len(prefix))] != prefix).any():
        raise Unsupported("a row without its number first")
    numbers, digits = _digits(a, starts + len(prefix), 7)
    if (digits == 0).any() or (a[starts + len(prefix) + digits] != _QUOTE).any():
        raise Unsupported("a bad row number")
    return numbers, digits


def _columns(
    a: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.intp],
    rows: npt.NDArray[np.int64],
    digits: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """Each cell's column (0-based) from its r="…" (its first attribute, naming the cell's
    row), and the position after that attribute."""
    if (
        (a[3:][starts] != ord("r")) | (a[4:][starts] != ord("=")) | (a[5:][starts] != _QUOTE)
    ).any():
        raise Unsupported("a cell without its reference first")
    p = starts + 6
    letters = [a[k:][p] for k in range(4)]
    upper = [(x >= ord("A")) & (x <= ord("Z")) for x in letters]
    if not upper[0].all() or (upper[1] & upper[2] & upper[3]).any():
        raise Unsupported("a bad reference")
    two, three = upper[1], upper[1] & upper[2]
    column = letters[0].astype(np.int64) - 64
    column = np.where(two, column * 26 + letters[1] - 64, column)
    column = np.where(three, column * 26 + letters[2] - 64, column)
    quote = p + 1 + two + three + digits
    if (a[quote] != _QUOTE).any() or (a[quote - 1] != ord("0") + rows % 10).any():
        raise Unsupported("a cell outside its row")
    return column - 1, quote + 1


def _attributes(
    a: npt.NDArray[np.uint8], at: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """Each cell's kind of value (its t="…") and style (its s="…"), read from the position
    after its reference, and where its tag ends (its ">")."""
    kinds = np.full(len(at), NUMBER, dtype=np.int8)
    styles = np.zeros(len(at), dtype=np.int64)
    at = at.copy()
    for _ in range(2):  # s="…" and t="…", in either order
        named = (a[at] == _SPACE) & (a[2:][at] == ord("=")) & (a[3:][at] == _QUOTE)
        style = named & (a[1:][at] == ord("s"))
        if style.any():
            number, count = _digits(a, at[style] + 4, 6)
            styles[style] = number
            at[style] += 5 + count
        typed = named & (a[1:][at] == ord("t"))
        if typed.any():
            first, second = a[4:][at[typed]], a[5:][at[typed]]
            kind = np.full(len(first), -1, dtype=np.int8)
            width = np.zeros(len(first), dtype=np.int64)
            for value, code in ((b"n", NUMBER), (b"s", SHARED), (b"b", BOOLEAN)):
                match = (first == value[0]) & (second == _QUOTE)
                kind[match], width[match] = code, 1
            for value in (b"str", b"inlineStr"):
                match = (first == value[0]) & (second == value[1])
                kind[match], width[match] = TEXT, len(value)
            if (kind < 0).any():
                raise Unsupported("an error or date cell")
            kinds[typed] = kind
            at[typed] += 5 + width
    if (a[at - 1] != _QUOTE).any():
        raise Unsupported("an attribute this reader does not take")
    at[(a[at] == _SPACE) & (a[1:][at] == _SLASH)] += 1  # openpyxl writes <c r="A1" s="1" />
    closed = (a[at] == _SLASH) & (a[1:][at] == _GT)
    at[closed] += 1
    if (a[at] != _GT).any():
        raise Unsupported("an attribute this reader does not take")
    return kinds, styles, at


def _joined(
    a: npt.NDArray[np.uint8], begin: npt.NDArray[np.intp], end: npt.NDArray[np.intp]
) -> bytes:
    """The texts a[begin:end], each followed by SEP, in one buffer."""
    lengths = end - begin + 1  # each text and its separator
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    index = np.arange(total, dtype=np.int64) - np.repeat(offsets - begin, lengths)
    out = a[index]
    out[offsets + lengths - 1] = SEP
    return cast(bytes, out.tobytes())


# --------------------------------------------------------------------------- values as text


def _unescape(text: str) -> str:
    """XML's entities and line ends, and Excel's _xHHHH_ escapes, as calamine reads them."""
    if "&" in text:
        text = html.unescape(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "_x" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _number(text: str) -> str:
    """A number cell as the text a person typed (as tables.cell_text: 2.0 → "2")."""
    value = float(text)
    return str(int(value)) if value.is_integer() else repr(value)


def _converted(texts: pl.Series, convert: Callable[[str], str]) -> pl.Series:
    """``texts`` converted in Python, each distinct text once."""
    mapping = {t: convert(t) for t in texts.unique().to_list() if t is not None}
    return texts.replace_strict(mapping, default=None, return_dtype=pl.String)


def _numbers(texts: pl.Series) -> pl.Series:
    """Number cells' values as typed: integers as they are, others through ``_number``."""
    whole = texts.str.contains(r"^-?[0-9]{1,15}$")
    if whole.all():
        return texts.cast(pl.Int64).cast(pl.String)  # "007" reads as 7, like any number
    return pl.select(
        pl.when(pl.lit(whole))
        .then(pl.lit(texts).cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(pl.lit(_converted(texts, _number)))
    ).to_series()


def _texts(kind: npt.NDArray[np.int8], texts: pl.Series, shared: pl.Series) -> pl.Series:
    """Each value as text, by its cell's kind: shared strings looked up, numbers as typed."""
    if (kind == SHARED).any():
        at = pl.Series(np.flatnonzero(kind == SHARED))
        index = texts.gather(at).cast(pl.Int64, strict=False)
        low, high = index.min(), index.max()
        if index.null_count() or not 0 <= low <= high < len(shared):  # type: ignore[operator]
            raise Unsupported("a shared string out of range")
        texts = texts.scatter(at, shared.gather(index))
    if (kind == NUMBER).any():
        at = pl.Series(np.flatnonzero(kind == NUMBER))
        texts = texts.scatter(at, _numbers(texts.gather(at)))
    if (kind == BOOLEAN).any():
        at = pl.Series(np.flatnonzero(kind == BOOLEAN))
        flags = texts.gather(at).replace_strict({"1": "true", "0": "false"}, default=None)
        texts = texts.scatter(at, flags)
    return texts
