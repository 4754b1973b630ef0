"""How a code is written for people to read: in groups of four (ABCD-2345-…).

The codes themselves (their alphabet, their digests) are voting's (voting/codes.py); this is
the printed form every sheet, list and page shares, so the writers in exports/ need no app.
"""

from __future__ import annotations


def grouped(code: str, size: int = 4) -> str:
    """ABCD2345… → ABCD-2345-… for printing."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))
