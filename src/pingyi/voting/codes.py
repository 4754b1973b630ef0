"""Codes people type: an alphabet without look-alikes (no 0/O, 1/I/L) and enough entropy.

A token has 16 characters of a 31-letter alphabet: 79 bits. Under the rate limit (R18) a
guesser gets a few dozen tries an hour from one address; the chance of hitting one of even a
million issued tokens is below 10⁻¹⁷ per try.
"""

from __future__ import annotations

import hashlib
import secrets

from pingyi.keys import TOKEN_DIGEST, keyed_digest
from pingyi.rules.codes import grouped as grouped  # the printed form, kept at codes.grouped

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LENGTH = 16
RECEIPT_LENGTH = 10


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(code: str) -> str:
    """What a person typed → the code: case, spaces and hyphens do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def digest(code: str) -> str:
    """Tokens are stored only as this keyed digest (R10, R11).

    An HMAC under a key outside the database: whoever holds the issued code list (the CSV for
    SMS) and a copy of the database still cannot tell which stored token is whose. It is the
    HMAC of the code's plain SHA-256, which is what tokens stored before keyed digests held,
    so that migration 0002 could key them without knowing the codes.
    """
    return keyed_hex(plain_digest(code))


def plain_digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "ignore")).hexdigest()


def keyed_hex(plain: str) -> str:
    return keyed_digest(TOKEN_DIGEST, plain.encode("ascii")).hex()


def plausible(code: str, length: int) -> bool:
    text = normalise(code)
    return len(text) == length and all(ch in ALPHABET for ch in text)
