"""Issue 11: shapes that let doors drift, kept out by a test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_database

SRC = Path(__file__).resolve().parents[1] / "src" / "pingyi"


def test_no_door_signals_a_refusal_with_the_built_in_permission_error() -> None:
    """PermissionError is an OSError: a disk that refuses a write would read as "your role
    does not allow this". Refusals are AccessDenied (Django's PermissionDenied)."""
    raised = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if re.search(r"\b(raise|except)\b.*\bPermissionError\b", line)
    ]
    assert raised == []


# The `*_by` fields that hold what the audit records of a person ("alice", "cli:root", "demo",
# "public"), as opposed to a body's name typed in by the office: notices' Review.approved_by
# (评议领导小组) and a nominee's or an opinion's own words.
FREE_TEXT_BY = {"r.approved_by"}


def test_pages_print_who_did_something_as_words() -> None:
    """A page says 命令行（root） and 公众, never the audit's "cli:root" or "public": every
    `…_by` printed in a template goes through the actor_name filter."""
    printed = re.compile(r"(?:\{\{\s*|with\s+\w+=)([\w.]+_by)\b(\|[\w:\"]+)?")
    bare = [
        f"{path.relative_to(SRC)}: {match.group(1)}"
        for path in SRC.rglob("*.html")
        for match in printed.finditer(path.read_text("utf-8"))
        if match.group(1) not in FREE_TEXT_BY
        and not (match.group(2) or "").startswith("|actor_name")
    ]
    assert bare == []
