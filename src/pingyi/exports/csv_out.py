"""CSV for Excel users: UTF-8 with a BOM, and no cell that a spreadsheet would run (R20).

Text beginning with = + - @, a tab or a carriage return is prefixed with an apostrophe, as
OWASP advises for CSV injection; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TextIO

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    write_csv(buffer, rows)
    return buffer.getvalue()


def write_csv(stream: TextIO, rows: Iterable[Sequence[object]]) -> None:
    """The rows as :func:`csv_text` has them, written to ``stream`` row by row (for files too
    big to hold: open it with ``newline=""`` so the CRLF line ends stay as they are)."""
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
