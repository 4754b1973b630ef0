"""English left on a page shown in Chinese (issue 12): what the clerk must never read.

``english_left(html)`` returns the runs of English words of a page's visible text that are
neither data (codes, user names) nor the few words Chinese offices write in Latin letters
(PDF, Excel, QR …): a run of two or more English words, any whole text that is one of the
catalog's English messages, or Django's "- Select an option -" / "---------" placeholders.
"""

from __future__ import annotations

import html as html_lib
import io
import re
from collections.abc import Iterable
from functools import cache

import openpyxl
from pypdf import PdfReader

from tests.test_i18n import ZH_PO, parse_po

# Written in Latin letters in Chinese offices too, or data of the test fixtures.
ALLOWED = {
    "PDF", "JSON", "CSV", "ZIP", "XLSX", "xlsx", "xls", "csv", "pdf", "json", "zip", "Excel",
    "WPS", "QR", "API", "URL", "SHA", "ID", "HTTP", "HTTPS", "English", "Pingyi", "SMS",
    "UTF", "GBK", "GB", "BOM", "k", "AM", "PM",
}  # fmt: skip
_HIDDEN = re.compile(r"<(script|style|code|pre|textarea|option)\b.*?</\1>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ \t]+[A-Za-z][A-Za-z'’]*)+")
_PLACEHOLDERS = ("Select an option", "---------")


@cache
def _messages() -> frozenset[str]:
    """The catalog's English messages that Chinese translates (not proper names, not codes)."""
    found = set()
    for entry in parse_po(ZH_PO):
        text = entry.msgid
        chinese = entry.msgstrs[0] if entry.msgstrs else ""
        wordy = re.search(r"[A-Za-z]{4,}", text) and "%" not in text and "{" not in text
        if chinese and chinese != text and wordy:
            found.add(text.strip())
    return frozenset(found)


def visible_text(page: str) -> list[str]:
    """The page's text pieces between tags (scripts, styles, code and form values left out)."""
    body = _HIDDEN.sub(" ", page)
    return [html_lib.unescape(t).strip() for t in _TAG.split(body) if t.strip()]


def english_left(page: str, data: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """What an English reader wrote that a Chinese reader still sees; ``data`` are words of
    the fixtures (user names, codes) that may stand in Latin letters."""
    problems = ["- Select an option -"] if any(p in page for p in _PLACEHOLDERS) else []
    return problems + english_in(visible_text(page), data)


def english_in(pieces: Iterable[str], data: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """english_left of texts already apart: a workbook's cells, a PDF's lines."""
    problems: list[str] = []
    for piece in pieces:
        if piece.strip() in data:
            continue
        if piece.strip() in _messages():
            problems.append(piece.strip())
            continue
        for run in _RUN.findall(piece):
            words = [w for w in run.split() if w not in ALLOWED and w not in data]
            if len(words) >= 2:
                problems.append(run)
    return problems


def workbook_texts(content: bytes) -> list[str]:
    """Every text cell and sheet name of an .xlsx."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    texts = list(book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            texts.extend(str(v) for v in row if isinstance(v, str))
    return texts


def pdf_texts(content: bytes) -> list[str]:
    """Every line of text of a PDF."""
    reader = PdfReader(io.BytesIO(content))
    return [line for page in reader.pages for line in (page.extract_text() or "").splitlines()]


ZH = {"accept-language": "zh-hans"}


def english_of(response: object, data: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """english_left of an HTML page answered 200; nothing for any other answer."""
    status = getattr(response, "status_code", 0)
    kind = response.get("Content-Type", "") if hasattr(response, "get") else ""
    if status != 200 or "text/html" not in kind or getattr(response, "streaming", False):
        return []
    return english_left(response.content.decode(), data)  # type: ignore[attr-defined]


# The Latin-letter data of the test casts: user names, office and unit codes.
FIXTURE_WORDS = {
    "alice", "bob", "carol", "charlie", "dan", "dave", "erin", "olga", "frank", "grace",
    "office", "other", "qianren", "elsewhere", "demo",
    # tests/grading's cast is named after its roles
    "admin", "staff", "viewer", "committee", "org", "assessor", "other_committee",
    "other_tenant", "no_role",
}  # fmt: skip
