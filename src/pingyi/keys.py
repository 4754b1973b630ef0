"""Keys kept outside the database, derived from the installation's secret key.

A copy of the database (a backup, an operator's dump) must not tell which stored token a
printed code is, nor let anyone alter or insert a ballot unseen, nor read a ballot that still
waits in the mixing pool (R9, R10, R15). Each of those needs a secret the database does not
hold: the secret key (``PINGYI_SECRET_KEY`` or ``PINGYI_HOME/secret.key``), from which one
key per purpose is derived, so that no two uses share a key.

Changing the secret key makes issued codes unusable, pooled ballots unreadable and every
ballot's MAC fail in ``pingyi verify``: it is backed up with the database (README,
"Operations") and never rotated during a campaign.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from hashlib import _Hash

TOKEN_DIGEST = "token-digest"  # noqa: S105 — a purpose, not a secret: codes (voting.codes)
BALLOT_MAC = "ballot-mac"  # the MAC of every stored ballot row (ballots.sealing)
POOL_SEAL = "pool-seal"  # encryption of the ballots waiting in the mixing pool
OPINION_SEAL = "opinion-seal"  # of the opinion forms waiting in theirs (stages.opinion_pool)
PURPOSES = (TOKEN_DIGEST, BALLOT_MAC, POOL_SEAL, OPINION_SEAL)


@cache
def _derived(secret: str, purpose: str) -> bytes:
    return hmac.digest(secret.encode("utf-8"), b"pingyi/" + purpose.encode("ascii"), "sha256")


def key_for(purpose: str) -> bytes:
    """32 bytes for ``purpose`` (one of PURPOSES), derived from the current secret key."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown key purpose {purpose!r}")
    return _derived(str(settings.SECRET_KEY), purpose)


def keyed_digest(purpose: str, message: bytes) -> bytes:
    """HMAC-SHA-256 of ``message`` under the key of ``purpose``."""
    return hmac.digest(key_for(purpose), message, hashlib.sha256)


@cache
def _pads(secret: str, purpose: str) -> tuple[_Hash, _Hash]:
    key = _derived(secret, purpose).ljust(64, b"\0")  # 32 bytes: within SHA-256's block
    return (
        hashlib.sha256(bytes(b ^ 0x36 for b in key)),
        hashlib.sha256(bytes(b ^ 0x5C for b in key)),
    )


def hmac_pads(purpose: str) -> tuple[_Hash, _Hash]:
    """The inner and outer SHA-256 of HMAC (RFC 2104) under the key of ``purpose``, each with
    its padded key already hashed: for each message, ``inner.copy()`` takes the message and
    ``outer.copy()`` its digest, whose digest is ``keyed_digest(purpose, message)``. For many
    messages at once (an import's MACs) this is twice as fast: the key is hashed once.
    Copy them; never update them."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown key purpose {purpose!r}")
    return _pads(str(settings.SECRET_KEY), purpose)
