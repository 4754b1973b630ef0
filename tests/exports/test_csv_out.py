from __future__ import annotations

import csv
import io

from pingyi.exports.csv_out import csv_text


def test_text_a_spreadsheet_would_run_is_written_as_text() -> None:
    rows = [['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "ok", 3, -4.5]]
    text = csv_text(rows)
    assert text.startswith("\ufeff")
    cells = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert cells == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok",
        "3",
        "-4.5",
    ]
