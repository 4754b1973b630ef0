"""The import's MACs (sealing.ballot_macs, one loop on the key's hashed pads) are the very
MACs that ballot_mac computes row by row and `pingyi verify` recomputes (R15)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

import pytest

from pingyi.ballots.sealing import ballot_mac, ballot_macs
from pingyi.keys import BALLOT_MAC, PURPOSES, hmac_pads, key_for, keyed_digest

ROWS = [
    (1, None, None, "", False),
    (2**62 - 1, 7, "P0001", "0123456789-.", True),
    (42, 3, "票号-甲\u00e9", "-.-.", False),
    (9, None, "N", "0" * 66, True),
]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_the_hashed_pads_give_the_keyed_digest(purpose: str) -> None:
    inner, outer = hmac_pads(purpose)
    for message in (b"", b"x", "选票".encode() * 100):
        first, second = inner.copy(), outer.copy()
        first.update(message)
        second.update(first.digest())
        assert second.digest() == keyed_digest(purpose, message)
        assert second.digest() == hmac.digest(key_for(purpose), message, hashlib.sha256)


def test_the_pads_follow_the_secret_key(settings: Any) -> None:
    before = hmac_pads(BALLOT_MAC)[0].copy().digest()
    settings.SECRET_KEY = "another secret key, another MAC key"
    assert hmac_pads(BALLOT_MAC)[0].copy().digest() != before


def test_an_unknown_purpose_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown key purpose"):
        hmac_pads("nothing")


@pytest.mark.parametrize("day", [dt.date(2026, 12, 6), "2026-12-06"])
def test_the_macs_of_an_import_are_ballot_mac_row_by_row(day: dt.date | str) -> None:
    macs = ballot_macs(campaign_id=5, source="paper", cast_on=day, rows=ROWS)
    assert macs == [
        ballot_mac(campaign_id=5, row=(i, g, n, m, v, "paper", dt.date(2026, 12, 6)))
        for i, g, n, m, v in ROWS
    ]
    assert len(set(macs)) == len(ROWS) and all(len(mac) == 16 for mac in macs)
