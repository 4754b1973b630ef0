"""The keyed parts of ballot storage: a MAC on every ballot row, the sealed ballots of the
mixing pool, and the digest of a closed campaign's ballot set.

The keys come from pingyi.keys (outside the database). Without them, whoever holds a copy of
the database can neither read a pooled ballot nor alter, insert or remove a stored one unseen:
`pingyi verify` recomputes every MAC and the set digest (R15).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pingyi.keys import BALLOT_MAC, POOL_SEAL, hmac_pads, key_for, keyed_digest

MAC_BYTES = 16  # 128 bits: forging one row takes 2^128 tries
_SEP = "\x1f"


# A stored ballot row as its MAC and the set digest read it, in this order: the columns of
# ROW_COLUMNS (ballots.Ballot), which every reader of the rows asks for.
type BallotRow = tuple[int, int | None, str | None, str, bool, str, dt.date | str]
ROW_COLUMNS = ("id", "group_id", "ballot_no", "marks", "valid", "source", "cast_on")


def canonical(*, campaign_id: int, row: BallotRow) -> bytes:
    """Every column of a ballot row but its MAC, in a fixed order, as bytes."""
    ballot_id, group_id, ballot_no, marks, valid, source, cast_on = row
    day = cast_on if isinstance(cast_on, str) else cast_on.isoformat()
    text = _SEP.join(
        [
            str(ballot_id),
            str(campaign_id),
            "" if group_id is None else str(group_id),
            ballot_no or "",
            marks,
            "1" if valid else "0",
            source,
            day,
        ]
    )
    return text.encode("utf-8")


def ballot_mac(*, campaign_id: int, row: BallotRow) -> bytes:
    """The MAC of one ballot row: its canonical text under the key outside the database."""
    return keyed_digest(BALLOT_MAC, canonical(campaign_id=campaign_id, row=row))[:MAC_BYTES]


# What varies between the rows of one import: id, group, ballot number, marks, valid.
type MacRow = tuple[int, int | None, str | None, str, bool]


def ballot_macs(
    *, campaign_id: int, source: str, cast_on: dt.date | str, rows: Iterable[MacRow]
) -> list[bytes]:
    """``ballot_mac`` of many rows of one campaign, source and day, in one tight loop: the
    key's HMAC pads are hashed once (keys.hmac_pads) and each row's canonical text is
    formatted in one step — the same bytes as ``canonical``, the same MAC as ``ballot_mac``."""
    inner, outer = hmac_pads(BALLOT_MAC)
    day = cast_on if isinstance(cast_on, str) else cast_on.isoformat()
    middle, tail = f"{_SEP}{campaign_id}{_SEP}", f"{_SEP}{source}{_SEP}{day}"
    macs = []
    for ballot_id, group_id, ballot_no, marks, valid in rows:
        group = "" if group_id is None else group_id
        flag = "1" if valid else "0"
        text = f"{ballot_id}{middle}{group}{_SEP}{ballot_no or ''}{_SEP}{marks}{_SEP}{flag}{tail}"
        row_hash = inner.copy()
        row_hash.update(text.encode("utf-8"))
        mac = outer.copy()
        mac.update(row_hash.digest())
        macs.append(mac.digest()[:MAC_BYTES])
    return macs


class SealBroken(Exception):
    """A pooled ballot that does not open with the key: altered, forged or another key."""


@dataclass(frozen=True)
class PoolContent:
    group_id: int | None
    marks: str
    valid: bool
    cast_on: dt.date


def _aad(campaign_id: int, pooled_id: int) -> bytes:
    return f"pingyi-pool{_SEP}{campaign_id}{_SEP}{pooled_id}".encode("ascii")


def seal(*, campaign_id: int, pooled_id: int, content: PoolContent) -> bytes:
    """AES-256-GCM of the ballot under the pool key, bound to its campaign and row id."""
    payload = json.dumps(
        [content.group_id, content.marks, content.valid, content.cast_on.isoformat()],
        separators=(",", ":"),
    ).encode("ascii")
    nonce = os.urandom(12)
    return nonce + AESGCM(key_for(POOL_SEAL)).encrypt(nonce, payload, _aad(campaign_id, pooled_id))


def unseal(*, campaign_id: int, pooled_id: int, sealed: bytes) -> PoolContent:
    try:
        payload = AESGCM(key_for(POOL_SEAL)).decrypt(
            sealed[:12], sealed[12:], _aad(campaign_id, pooled_id)
        )
    except (InvalidTag, ValueError):
        raise SealBroken(pooled_id) from None
    group_id, marks, valid, day = json.loads(payload)
    return PoolContent(group_id, marks, bool(valid), dt.date.fromisoformat(day))


def set_digest(campaign_code: str, rows: Iterable[bytes]) -> str:
    """SHA-256 of a campaign's ballot set: its code, then every ballot's canonical text in id
    order, each with its length. Whoever changes, adds or removes a ballot changes it — even
    someone who also holds the key."""
    digest = hashlib.sha256(f"pingyi-ballots{_SEP}{campaign_code}".encode())
    for text in rows:
        digest.update(len(text).to_bytes(4, "big"))
        digest.update(text)
    return digest.hexdigest()
