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
