"""The mixing pool of opinion forms: the ballots' pool (ballots.pool) for 征求意见表 (R9, R10).

A sent form is written, in the transaction that records its code's use, only *sealed*
(AES-256-GCM under a key outside the database, bound to its campaign and row id). Forms leave
the pool for the opinion table at random, at least k at a time (k: the scheme's smallest
reported subset), in transactions of their own that touch no code; every form left moves when
the office closes the collection. So an opinion row shares its transaction with the opinions
of at least k − 1 other forms and with no row that names a code; its id is random and rows
are inserted in id order, so its place on disk tells nothing either.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections import Counter
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pingyi.ballots.pool import drain, drain_after
from pingyi.fields import random_id
from pingyi.keys import OPINION_SEAL, key_for
from pingyi.rows import insert_row
from pingyi.rules import opinions as rules
from pingyi.stages.models import Opinion, PooledOpinion

_SEP = "\x1f"
_POOL = PooledOpinion._meta.db_table
_casts = Counter[int]()
_casts_lock = threading.Lock()


class SealBroken(Exception):
    """A pooled form that does not open with the key: altered, forged or another key."""


@dataclass(frozen=True)
class Form:
    unit_ids: list[int]
    texts: list[str]
    day: dt.date


def _aad(campaign_id: int, pooled_id: int) -> bytes:
    return f"pingyi-opinion-pool{_SEP}{campaign_id}{_SEP}{pooled_id}".encode("ascii")


def seal(*, campaign_id: int, pooled_id: int, form: Form) -> bytes:
    payload = json.dumps(
        [form.unit_ids, form.texts, form.day.isoformat()], ensure_ascii=False
    ).encode("utf-8")
    nonce = os.urandom(12)
    box = AESGCM(key_for(OPINION_SEAL))
    return nonce + box.encrypt(nonce, payload, _aad(campaign_id, pooled_id))


def unseal(*, campaign_id: int, pooled_id: int, sealed: bytes) -> Form:
    try:
        payload = AESGCM(key_for(OPINION_SEAL)).decrypt(
            sealed[:12], sealed[12:], _aad(campaign_id, pooled_id)
        )
    except (InvalidTag, ValueError):
        raise SealBroken(pooled_id) from None
    unit_ids, texts, day = json.loads(payload)
    return Form([int(u) for u in unit_ids], [str(t) for t in texts], dt.date.fromisoformat(day))


def pool_put(*, campaign_id: int, form: Form) -> None:
    """Seals one form into the pool, inside the transaction that uses its code."""
    pooled_id = random_id()
    sealed = seal(campaign_id=campaign_id, pooled_id=pooled_id, form=form)
    insert_row(PooledOpinion, id=pooled_id, campaign_id=campaign_id, sealed=sealed)


def pool_size(campaign_id: int) -> int:
    return PooledOpinion.objects.filter(campaign_id=campaign_id).count()


def pool_drain(*, campaign_id: int, keep: int, everything: bool = False) -> int:
    """Moves pooled forms to the opinion table; returns how many forms moved (as the ballots'
    pool does: ballots.pool.drain)."""
    return drain(_POOL, pool_size, _move, campaign_id=campaign_id, keep=keep, everything=everything)


def _move(campaign_id: int, rows: list[tuple[int, bytes]]) -> None:
    """Unseals ``rows`` into opinions with new random ids, inserted in id order (the order of
    the forms and of their entries is lost), and deletes them from the pool."""
    if not rows:
        return
    opinions = []
    for pooled_id, blob in rows:
        form = unseal(campaign_id=campaign_id, pooled_id=pooled_id, sealed=blob)
        for unit_id, text in zip(form.unit_ids, form.texts, strict=True):
            opinions.append(
                Opinion(
                    id=random_id(), campaign_id=campaign_id, unit_id=unit_id, text=text,
                    source=rules.ONLINE, received_on=form.day, status=rules.NEW,
                )
            )  # fmt: skip
    opinions.sort(key=lambda o: o.id)
    Opinion.objects.bulk_create(opinions, batch_size=200)
    PooledOpinion.objects.filter(pk__in=[pk for pk, _blob in rows]).delete()


def pool_drain_after_send(*, campaign_id: int, keep: int) -> None:
    """After a send committed, on every ``keep``-th send of this process: a drain."""
    drain_after(
        _casts,
        _casts_lock,
        lambda: pool_drain(campaign_id=campaign_id, keep=keep),
        campaign_id=campaign_id,
        keep=keep,
        pool="the opinion pool",
    )
