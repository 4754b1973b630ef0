"""CSV/XLSX/XLS → a header and all-text columns, with each row's number in the file."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import python_calamine

from pingyi.inputs import xlsx_cells
from pingyi.rules.errors import InputError, Listing, Problem, Where, gettext_noop
from pingyi.rules.text import NUL

ROW = "__row"  # the column that carries each row's number in the file (header = row 1)

# Limits for files people upload or import (R21). Generous for a province, small enough that
# a hostile file cannot exhaust the machine.
MIB = 1024 * 1024
MAX_FILE_BYTES = 256 * MIB
MAX_XLSX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_XLSX_RATIO = 200  # uncompressed ÷ compressed, per member: zip bombs reach thousands
# Rows a file may hold, unless its reader says less (units: a few hundred; ballots: up to a
# province's). Counted before the file is parsed, so that an oversized file costs no memory.
MAX_ROWS = 1_000_000
# Bytes a row may take on average: a file larger than its rows could need is refused unread.
ROW_BYTES = 4096
MAX_CELL_PROBLEMS = 50
HOLDS_NUL_CELL = gettext_noop("the cell holds a NUL character (\\0); remove it")
TOO_LONG_CELL = gettext_noop(
    "the cell is %(length)s characters long; at most %(limit)s characters are allowed"
)

# What a CSV may be written in: UTF-8 (Excel's "CSV UTF-8", with its BOM), else GB18030 — a
# superset of GBK, which Chinese Excel and WPS write by default. Tried in this order: a UTF-8
# file is almost never valid GB18030 by chance, while GB18030 reads much UTF-8 as mojibake.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
ENCODING_NAMES = "UTF-8, UTF-8 with BOM, GB18030/GBK"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file: Excel 97–2003

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
_CELL_REF = re.compile(rb"""\br\s*=\s*["']([A-Z]+[0-9]+)["']""")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as a spreadsheet names its columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Table:
    """A file's header and its rows as text columns (empty cell = null); ``ROW`` numbers rows.

    A sheet's header need not stand in A1: ``header_row`` is its row and ``first_column`` the
    index of its first column, so that every message names the cell as the sheet shows it.
    """

    file: str
    header: list[str]
    frame: pl.DataFrame  # columns c0, c1, … (all String) and ROW (Int64)
    header_row: int = 1
    first_column: int = 0

    def column(self, index: int) -> pl.Series:
        return self.frame.get_column(f"c{index}")

    def letter(self, index: int) -> str:
        """The spreadsheet letter of the table's column ``index``."""
        return column_letter(self.first_column + index)

    def where(self, row: int | None = None, index: int | None = None) -> Where:
        return Where(
            file=self.file,
            row=row,
            column=self.letter(index) if index is not None else None,
            field=self.header[index] if index is not None else None,
        )


@dataclass(frozen=True)
class RowCells:
    """One row of a table whose columns were found by key (``found``: key → column index):
    a cell's text, and a problem with a cell added to ``problems``."""

    table: Table
    found: dict[str, int]
    record: dict[str, str | None]
    problems: list[Problem]

    @property
    def row(self) -> int:
        return int(self.record[ROW] or 0)

    def cell(self, key: str) -> str:
        index = self.found.get(key)
        return (self.record.get(f"c{index}") or "").strip() if index is not None else ""

    def fail(self, key: str, template: str, **params: object) -> None:
        where = self.table.where(row=self.row, index=self.found[key])
        self.problems.append(Problem(where, template, params))


def _fail(file: str, template: str, **params: Any) -> InputError:
    return InputError.one(Where(file=file), template, **params)


def check_size(path: Path, label: str, limit: int = MAX_FILE_BYTES) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(
            label, gettext_noop("cannot read the file: %(error)s"), error=exc.strerror
        ) from exc
    if not path.is_file():
        raise _fail(label, gettext_noop("not a file"))
    if size == 0:
        raise _fail(label, gettext_noop("the file is empty; expected a header row and data rows"))
    if size > limit:
        raise _fail(
            label,
            gettext_noop("the file is %(size)s MiB; the limit is %(limit)s MiB"),
            size=size // MIB,
            limit=limit // MIB,
        )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _too_many_rows(label: str, limit: int) -> InputError:
    return _fail(
        label,
        gettext_noop(
            "the file has more than %(limit)s data rows; at most %(limit)s are accepted here"
        ),
        limit=limit,
    )


@dataclass(frozen=True)
class CsvBytes:
    """What one pass over a CSV's bytes tells, before it is parsed."""

    lines: int  # line breaks
    utf8: bool  # the whole file is valid UTF-8 (a BOM included)
    nul: bool  # it holds a 0 byte: only then may a cell hold a NUL character


def csv_bytes(path: Path) -> CsvBytes:
    """Reads a CSV once, in blocks (constant memory): its line breaks, whether it holds a 0
    byte, and whether it is UTF-8 — each block up to its last line break validated by
    polars (Rust's UTF-8 check, many times faster than decoding it in Python). A line break
    is never part of a UTF-8 or GB18030 sequence, so no character straddles two blocks."""
    lines, utf8, nul, tail = 0, True, False, b""
    with path.open("rb") as stream:
        while block := stream.read(1 << 22):
            lines += block.count(b"\n")
            nul = nul or b"\0" in block
            if utf8:
                block = tail + block
                cut = block.rfind(b"\n") + 1
                utf8 = _valid_utf8(block[:cut])
                tail = block[cut:]
    return CsvBytes(lines, utf8 and _valid_utf8(tail), nul)


def _valid_utf8(data: bytes) -> bool:
    if not data or data.isascii():
        return True
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.PolarsError:
        return False
    return True


def check_csv_rows(path: Path, label: str, limit: int, lines: int | None = None) -> None:
    """Refuses a CSV of more than ``limit`` data rows, reading it in blocks (constant memory).

    Lines are counted first (fast; or given, from ``csv_bytes``); only a file with more lines
    than the limit allows is read as CSV records, since a quoted cell may hold line breaks.
    """
    if lines is None:
        lines = csv_bytes(path).lines
    if lines <= limit + 1:  # the header, and a last line without a line break
        return
    for encoding in ("utf-8-sig", "gb18030"):  # as the reader tries them
        try:
            with path.open("r", encoding=encoding, newline="") as stream:
                for number, _row in enumerate(csv.reader(stream)):
                    if number > limit:
                        raise _too_many_rows(label, limit)
            return
        except UnicodeDecodeError:
            continue
        except csv.Error:
            return  # the reader itself says what is wrong with the file


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def check_xlsx_rows(path: Path, label: str, limit: int, *, unless: str | None = None) -> None:
    """Refuses a workbook whose largest sheet has more than ``limit`` rows, before calamine
    loads it: the sheets' XML is streamed and its row elements counted. The sheet ``unless``
    is left to its reader, which counts its rows as it reads them."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            name = member.filename
            if not _is_sheet(name) or name == unless:
                continue
            rows, tail = 0, b""
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 22):
                    block = tail + chunk
                    cut = block.rfind(b"<")  # a tag is never split between two blocks
                    cut = cut if cut > 0 else len(block)
                    rows += len(_ROW_TAG.findall(block, 0, cut))
                    tail = block[cut:]
                    if rows > limit + 1:
                        raise _too_many_rows(label, limit)
            rows += len(_ROW_TAG.findall(tail))
            if rows > limit + 1:
                raise _too_many_rows(label, limit)


def check_xlsx(path: Path, label: str, *, unless: str | None = None) -> None:
    """Refuses what is not an xlsx, zip bombs and formulas, before any XML is parsed (the
    sheet ``unless`` is left to its reader, which refuses a formula as it meets one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > MAX_XLSX_UNCOMPRESSED or any(
                m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1) + 1024 * 1024
                for m in members
            ):
                raise _fail(
                    label,
                    gettext_noop("the workbook expands to too much data (a zip bomb?); refused"),
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    _refuse_dtd(archive, member, label)
                if _is_sheet(member.filename) and member.filename != unless:
                    _refuse_formulas(archive, member, label)
    except zipfile.BadZipFile as exc:
        raise _fail(
            label, gettext_noop("not a valid .xlsx workbook (it is not a zip archive)")
        ) from exc


def _refuse_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str) -> None:
    """No part of a real workbook declares a DTD; entity tricks (billion laughs) need one."""
    with archive.open(member) as stream:
        head = stream.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _fail(
            label,
            gettext_noop("the workbook declares XML entities (%(part)s); refused"),
            part=member.filename,
        )


def _refuse_formulas(archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str) -> None:
    """Any <f> element (whatever its prefix or attribute quoting) refuses the workbook."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 22):
            block = tail + chunk
            found = _FORMULA.search(block) if b"f" in block else None
            if found:
                starts = list(_CELL_START.finditer(block, 0, found.start()))
                ref = _CELL_REF.search(block, starts[-1].start(), found.start()) if starts else None
                cell = ref.group(1).decode() if ref else "?"
                raise formula_in(label, cell)
            tail = block[-4096:]


def formula_in(label: str, cell: str) -> InputError:
    """The refusal of a workbook whose cell ``cell`` ("C3", or "?") holds a formula."""
    known = cell != "?"
    return InputError.one(
        Where(
            file=label,
            row=int(re.sub(r"\D", "", cell)) if known else None,
            column=re.sub(r"\d", "", cell) if known else None,
        ),
        gettext_noop(
            "cell %(cell)s holds a formula; formulas are not evaluated on import — "
            "paste the values instead"
        ),
        cell=cell,
    )


def check_xls(path: Path, label: str) -> None:
    """Refuses a file named .xls that is not an Excel 97–2003 workbook (an OLE2 file)."""
    with path.open("rb") as stream:
        head = stream.read(len(XLS_MAGIC))
    if head != XLS_MAGIC:
        raise _fail(label, gettext_noop("not a valid .xls workbook (Excel 97–2003)"))


def read_table(
    path: Path,
    label: str | None = None,
    *,
    raw: Callable[[list[str]], set[int]] | None = None,
    max_rows: int = MAX_ROWS,
    choices: Sequence[str] = (),
) -> Table:
    """Reads a .csv (UTF-8 or GB18030) or the first sheet of a .xlsx or .xls; blank rows are
    dropped, cells stripped.

    A file of more than ``max_rows`` rows (or larger than so many rows could take) is refused
    before it is parsed; a cell holding a NUL character is refused with its place (R21).

    ``choices``: the texts the ``raw`` columns of a CSV usually hold, as written (a scheme's
    marks). When every raw cell is one of them or empty, those columns are read as a polars
    Enum of them — a small number per cell instead of a string; else as text, like any other.
    """
    label = label or path.name
    check_size(path, label, min(MAX_FILE_BYTES, -(-max_rows * ROW_BYTES // MIB) * MIB))
    suffix = path.suffix.lower()
    nul = True  # whether a cell may hold a NUL character
    if suffix == ".csv":
        scanned = csv_bytes(path)
        check_csv_rows(path, label, max_rows, scanned.lines)
        choosing = (raw, choices) if raw and choices else None
        table = _read_csv_any(path, label, utf8=scanned.utf8, choosing=choosing)
        nul = scanned.nul
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path, label, max_rows)
    elif suffix == ".xls":
        check_xls(path, label)
        table = _table_of_sheet(_calamine_sheet(path, label), label)
    else:
        raise _fail(
            label,
            gettext_noop("unsupported file type %(suffix)r; expected .csv, .xlsx or .xls"),
            suffix=path.suffix,
        )
    table = _normalised(table, raw(table.header) if raw else set())
    refuse_nul(table, cells=nul)
    return table


def refuse_nul(table: Table, *, cells: bool = True) -> None:
    """One problem per cell (or header cell) holding a NUL character: no text stores one.

    ``cells=False``: the file holds no 0 byte (csv_bytes), so only the header is looked at.
    """
    problems = [
        Problem(
            Where(file=table.file, row=table.header_row, column=table.letter(i)), HOLDS_NUL_CELL
        )
        for i, title in enumerate(table.header)
        if NUL in title
    ]
    schema = table.frame.schema if cells else {}
    # An Enum column (read_table's choices) holds only its choices, none of them with a NUL.
    texts = [i for i in range(len(table.header)) if schema.get(f"c{i}") == pl.String]
    # One parallel pass says which columns hold one at all; only those are searched again.
    held = table.frame.select(pl.col(f"c{i}").str.contains(NUL, literal=True).any() for i in texts)
    for index, holds in zip(texts, held.row(0) if texts else (), strict=True):
        if len(problems) >= MAX_CELL_PROBLEMS:
            break
        if not holds:
            continue
        mask = table.column(index).str.contains(NUL, literal=True).fill_null(False)
        if mask.any():
            problems += problems_at(
                table, index, mask, HOLDS_NUL_CELL, MAX_CELL_PROBLEMS - len(problems)
            )
    if problems:
        raise InputError(problems[:MAX_CELL_PROBLEMS])


def length_problems(table: Table, limits: Mapping[int, int]) -> list[Problem]:
    """One problem per cell longer than its column's limit (the field it is stored in)."""
    problems: list[Problem] = []
    for index, limit in limits.items():
        mask = (table.column(index).str.len_chars() > limit).fill_null(False)
        if mask.any():
            for found in problems_at(table, index, mask, TOO_LONG_CELL, MAX_CELL_PROBLEMS):
                length = len(str(found.params["value"]))
                problems.append(
                    Problem(found.where, TOO_LONG_CELL, {"length": length, "limit": limit})
                )
    return problems


def csv_encoding(path: Path, label: str) -> str:
    """The first of CSV_ENCODINGS that decodes the whole file, read in blocks."""
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as stream:
                while block := stream.read(1 << 22):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _fail(
        label,
        gettext_noop("the text cannot be decoded (tried %(tried)s); save the file as CSV UTF-8"),
        tried=ENCODING_NAMES,
    )


# Which columns a CSV's reader may read as an Enum (given its header), and of which texts.
type Choosing = tuple[Callable[[list[str]], set[int]], Sequence[str]]


def _read_csv_any(
    path: Path, label: str, *, utf8: bool = False, choosing: Choosing | None = None
) -> Table:
    """A GB18030 file is rewritten as UTF-8 beside a temporary copy, then read as any other.
    ``utf8``: the file is known to be UTF-8 already (csv_bytes)."""
    if utf8 or csv_encoding(path, label) == CSV_ENCODINGS[0]:
        return _read_csv(path, label, choosing)
    with tempfile.TemporaryDirectory(prefix="pingyi-csv-") as folder:
        copy = Path(folder, "utf8.csv")
        with (
            path.open("r", encoding=CSV_ENCODINGS[1], newline="") as source,
            copy.open("w", encoding="utf-8", newline="") as target,
        ):
            while text := source.read(1 << 20):
                target.write(text)
        return _read_csv(copy, label, choosing)


def _clean_header(raw: list[str], label: str, row: int = 1, left: int = 0) -> list[str]:
    """The header's names; ``row`` and ``left`` place it in its sheet (for messages)."""
    header = [h.strip().lstrip("\ufeff").strip() for h in raw]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise _fail(label, gettext_noop("the first row is empty; expected the header row"))
    for index, name in enumerate(header):
        if not name:
            raise InputError.one(
                Where(file=label, row=row, column=column_letter(left + index)),
                gettext_noop("empty header cell; every column needs a name"),
            )
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in seen:
            raise InputError.one(
                Where(file=label, row=row, column=column_letter(left + index), field=name),
                gettext_noop("column name repeated (first in column %(first)s)"),
                first=column_letter(left + seen[name]),
            )
        seen[name] = index
    return header


def _read_csv(path: Path, label: str, choosing: Choosing | None = None) -> Table:
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as stream:
            first = next(csv.reader(stream), None)
    except UnicodeDecodeError as exc:
        raise _fail(label, gettext_noop("not UTF-8 text; save the file as CSV UTF-8")) from exc
    except csv.Error as exc:
        raise _fail(
            label, gettext_noop("cannot read the CSV file: %(error)s"), error=str(exc)
        ) from exc
    if first is None:
        raise _fail(label, gettext_noop("the file is empty; expected a header row and data rows"))
    header = _clean_header(first, label)
    names = [f"c{i}" for i in range(len(first))]
    text: dict[str, pl.DataType] = dict.fromkeys(names, pl.String())
    schemas = [text]
    if choosing is not None:
        columns, choices = choosing
        enum = pl.Enum(list(dict.fromkeys(choices)))
        chosen = columns(header)
        # First as Enum columns; a cell that is none of the choices fails it, read as text.
        schemas.insert(0, {n: enum if i in chosen else pl.String() for i, n in enumerate(names)})
    for schema in schemas:
        try:
            # The fast path: a rectangular file, as spreadsheets export it.
            frame = _rectangular_csv(path, schema, len(header))
            break
        except (pl.exceptions.PolarsError, OSError, ValueError):
            continue
    else:
        # Ragged rows (fewer cells, or empty cells beyond the header): read them one by one,
        # which also finds the row that is really wrong.
        return _read_ragged_csv(path, label, header)
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    return Table(label, header, frame)


def _rectangular_csv(path: Path, schema: dict[str, pl.DataType], width: int) -> pl.DataFrame:
    """The rows after the header, ``width`` columns of them; a value beyond them raises."""
    names = list(schema)
    frame = pl.read_csv(
        path,
        has_header=False,
        skip_rows=1,
        new_columns=names,
        schema=schema,
        encoding="utf8",
        truncate_ragged_lines=False,
        raise_if_empty=False,
    )
    extra = names[width:]
    if (
        extra
        and frame.select(
            pl.any_horizontal(pl.col(n).str.strip_chars().fill_null("") != "" for n in extra).any()
        ).item()
    ):
        raise ValueError("values beyond the header")  # the slow path names the row
    return frame.select(names[:width])


def _read_ragged_csv(path: Path, label: str, header: list[str]) -> Table:
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    numbers: list[int] = []
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            next(reader, None)
            # Numbered by record, as the fast path and a spreadsheet number them (a cell with a
            # line break inside quotes is still one row).
            for number, row in enumerate(reader, start=2):
                if any(c.strip() for c in row[width:]):
                    raise InputError.one(
                        Where(file=label, row=number, column=column_letter(width)),
                        gettext_noop("the row has %(found)s cells but the header has %(width)s"),
                        found=len(row),
                        width=width,
                    )
                numbers.append(number)
                for index in range(width):
                    columns[index].append(row[index] if index < len(row) else None)
    except UnicodeDecodeError as exc:
        raise _fail(label, gettext_noop("not UTF-8 text; save the file as CSV UTF-8")) from exc
    except csv.Error as exc:
        raise _fail(
            label, gettext_noop("cannot read the CSV file: %(error)s"), error=str(exc)
        ) from exc
    data: dict[str, Any] = {f"c{i}": pl.Series(c, dtype=pl.String) for i, c in enumerate(columns)}
    data[ROW] = pl.Series(numbers, dtype=pl.Int64)
    return Table(label, header, pl.DataFrame(data))


def cell_text(value: Any) -> str | None:
    """A spreadsheet value as the text a person typed (1.0 → "1", TRUE → "true")."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, label: str, max_rows: int) -> Table:
    """A workbook's first sheet: cut out of its XML into columns where it is written plainly
    (xlsx_cells), else read by calamine; the same checks before either, the same table."""
    try:
        with zipfile.ZipFile(path) as archive:
            first: str | None = xlsx_cells.first_sheet(archive)
    except (zipfile.BadZipFile, KeyError, ValueError, xlsx_cells.Unsupported):
        first = None
    check_xlsx(path, label, unless=first)
    check_xlsx_rows(path, label, max_rows, unless=first)
    if first is not None:
        with zipfile.ZipFile(path) as archive:
            sheet = xlsx_cells.read_sheet(
                archive,
                limit=max_rows,
                too_many=_too_many_rows(label, max_rows),
                formula=lambda cell: formula_in(label, cell),
            )
            if sheet is not None:
                return _table_of_sheet(sheet.frame, label)
            # The sheet the fast reader left: checked as every other sheet before calamine.
            _refuse_formulas(archive, archive.getinfo(first), label)
        check_xlsx_rows(path, label, max_rows)
    return _table_of_sheet(_calamine_sheet(path, label), label)


def _calamine_sheet(path: Path, label: str) -> pl.DataFrame:
    """The first sheet as read by calamine, as xlsx_cells.Sheet has it: ``row`` and ``a0``…"""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)  # from A1
    except Exception as exc:  # calamine raises its own error types, all of them "unreadable"
        raise _fail(
            label,
            gettext_noop("cannot read the workbook: %(error)s"),
            error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        ) from exc
    data: dict[str, Any] = {"row": pl.int_range(1, len(rows) + 1, eager=True)}
    # Column by column: a column of text (the marks) goes to polars as it is; only a column
    # holding numbers, dates or booleans (a ballot number typed as 12) is converted cell by cell.
    for index, values in enumerate(zip(*rows, strict=False)):
        if all(type(v) is str for v in values):
            series = pl.Series(values, dtype=pl.String).replace("", None)
        else:
            series = pl.Series([cell_text(v) for v in values], dtype=pl.String)
        data[f"a{index}"] = series
    return pl.DataFrame(data)


def _table_of_sheet(sheet: pl.DataFrame, label: str) -> Table:
    """The table of a sheet (``row``, then ``a0``… a column per sheet column from A).

    The header is the first row that holds a value, and the table's first column the
    leftmost that holds one: a sheet may begin at B3, every message still names its cells.
    """
    names = sheet.columns[1:]
    used = sheet.select(pl.col(n).is_not_null().any() for n in names).row(0) if names else ()
    filled = [i for i, flag in enumerate(used) if flag]
    if not filled:
        raise _fail(label, gettext_noop("the file is empty; expected a header row and data rows"))
    left = filled[0]
    holds = sheet.select(pl.any_horizontal(pl.col(n).is_not_null() for n in names)).to_series()
    first = int(holds.arg_true()[0])
    top = int(sheet.item(first, "row"))
    raw = [v or "" for v in sheet.row(first)[1 + left : 1 + filled[-1] + 1]]
    header = _clean_header(raw, label, top, left)
    width = len(header)
    body = sheet.slice(first + 1)
    for index in filled:
        if index >= left + width:
            rows = body.filter(pl.col(f"a{index}").is_not_null()).get_column("row")
            if len(rows):
                raise InputError.one(
                    Where(file=label, row=int(rows[0]), column=column_letter(index)),
                    gettext_noop("a value stands outside the header's columns"),
                )
    frame = body.select(
        *(
            (
                pl.col(f"a{left + i}")
                if f"a{left + i}" in body.columns
                else pl.lit(None, pl.String)
            ).alias(f"c{i}")
            for i in range(width)
        ),
        pl.col("row").cast(pl.Int64).alias(ROW),
    )
    return Table(label, header, frame, header_row=top, first_column=left)


def _normalised(table: Table, raw: Collection[int] = ()) -> Table:
    """Strips white space, turns empty cells into null and drops rows with nothing in them.

    Columns in ``raw`` are left as read (empty cells are null already): their reader maps each
    distinct value once, which is far cheaper than stripping millions of cells.
    """
    names = [f"c{i}" for i in range(len(table.header))]
    cleaned = [n for i, n in enumerate(names) if i not in raw]
    frame = table.frame.with_columns(pl.col(n).str.strip_chars().replace("", None) for n in cleaned)
    if names:
        filled = frame.select(pl.any_horizontal(pl.col(n).is_not_null() for n in names))
        if not filled.to_series().all():  # a filter copies every column
            frame = frame.filter(filled.to_series())
    return replace(table, frame=frame)


def read_csv_text(text: str, label: str) -> Table:
    """For tests and small uploads held in memory."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise _fail(label, gettext_noop("the file is empty; expected a header row and data rows"))
    header = _clean_header(rows[0], label)
    data: dict[str, Any] = {
        f"c{i}": pl.Series([r[i] if i < len(r) else None for r in rows[1:]], dtype=pl.String)
        for i in range(len(header))
    }
    data[ROW] = pl.Series(range(2, len(rows) + 1), dtype=pl.Int64)
    return _normalised(Table(label, header, pl.DataFrame(data)))


def problems_at(
    table: Table, index: int, mask: pl.Series, template: str, limit: int = 20, **params: Any
) -> list[Problem]:
    """One problem per row where ``mask`` holds, for column ``index`` (at most ``limit``)."""
    rows = table.frame.filter(mask).head(limit)
    values = rows.get_column(f"c{index}").to_list()
    return [
        Problem(table.where(row=row, index=index), template, {**params, "value": value})
        for row, value in zip(rows.get_column(ROW).to_list(), values, strict=True)
    ]


def header_columns(
    table: Table, names: dict[str, tuple[str, ...]], required: Sequence[str]
) -> dict[str, int]:
    """Which column holds each named field (by any of its spellings); every header cell must be
    known and every required field present, else one problem per cell or field."""
    found: dict[str, int] = {}
    problems: list[Problem] = []
    for index, title in enumerate(table.header):
        key = next((k for k, spellings in names.items() if title.casefold() in spellings), None)
        if key is None:
            problems.append(
                Problem(
                    table.where(row=table.header_row, index=index),
                    gettext_noop("unknown column; expected %(expected)s"),
                    {"expected": Listing(names)},
                )
            )
        else:
            found[key] = index
    for key in required:
        if key not in found:
            problems.append(
                Problem(
                    Where(file=table.file, row=table.header_row, field=key),
                    gettext_noop("missing column %(name)r; the header must have %(expected)s"),
                    {"name": key, "expected": Listing(required)},
                )
            )
    if problems:
        raise InputError(problems)
    return found


# What the readers of a file of rows say of a cell.
E_EMPTY = gettext_noop("this cell must not be empty")
E_LONG = gettext_noop("at most %(max)s characters (here %(length)s)")


def rows_read[R](
    table: Table,
    read: Callable[[dict[str, str | None], list[Problem]], R | None],
    *,
    empty: str,
    max_problems: int,
) -> list[R]:
    """What ``read`` makes of each data row, in order (``None``: nothing, the row's problems
    appended to the list it is given). Raises the problems, the first ``max_problems`` (it
    stops reading there), or ``empty`` when no row gave anything."""
    problems: list[Problem] = []
    rows: list[R] = []
    for record in table.frame.iter_rows(named=True):
        entry = read(record, problems)
        if entry is not None:
            rows.append(entry)
        if len(problems) >= max_problems:
            break
    if problems:
        raise InputError(problems[:max_problems])
    if not rows:
        raise InputError.one(table.where(), empty)
    return rows


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks: what an import's audit entry records of it."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
