"""The mixing pool between a cast and the ballot table (R9, R10).

A cast writes, in one transaction, the token's use, the receipt, its audit entry and the
ballot — and everything one transaction writes shares its id (PostgreSQL's ``xmin``) and sits
side by side on disk. So the ballot is written there only *sealed* (encrypted under a key kept
outside the database: ballots.sealing) into the pool. Ballots leave the pool for the ballot
table at random, at least k at a time, in transactions of their own that touch no token:

- every k-th cast a server process takes for a campaign, once committed, looks at the pool
  (no count on the other casts): when it holds 2k or more ballots, all but k of them, picked
  at random, move (the k left behind mix with the next ones);
- when the campaign closes, every ballot left moves, inside the closing transaction.

So a stored ballot shares its transaction with at least k − 1 other ballots and with no row
that names a token, and its place on disk follows only the batch it left the pool with. The
pool is counted with the ballots everywhere a count is taken (collection, verify), so an
acknowledged ballot is stored and counted from the moment its cast commits (R6).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from collections import Counter
from collections.abc import Callable

from django.db import connection, transaction

from pingyi.ballots.models import Ballot, BallotSource, PooledBallot
from pingyi.ballots.sealing import PoolContent, ballot_mac, seal, unseal
from pingyi.fields import random_id
from pingyi.rows import insert_row

log = logging.getLogger(__name__)

CAST = "voting.ballot.cast"  # the audit action of each cast, in a lane; verify counts them
_POOL = PooledBallot._meta.db_table
_BALLOT = Ballot._meta.db_table
_COLUMNS = "id, campaign_id, group_id, marks, valid, source, cast_on, mac"
_casts = Counter[int]()  # this process's casts per campaign since it last looked at the pool
_casts_lock = threading.Lock()


def pool_put(
    *, campaign_id: int, group_id: int | None, marks: str, valid: bool, day: dt.date
) -> None:
    """Seals one ballot into the pool, inside the cast's transaction."""
    pooled_id, sealed = pool_row(
        campaign_id=campaign_id, group_id=group_id, marks=marks, valid=valid, day=day
    )
    insert_row(PooledBallot, id=pooled_id, campaign_id=campaign_id, sealed=sealed)


def pool_row(
    *, campaign_id: int, group_id: int | None, marks: str, valid: bool, day: dt.date
) -> tuple[int, bytes]:
    """A pooled ballot's random id and its sealed content, for a caller that writes the row
    in a statement of its own (PostgreSQL's cast: voting.services)."""
    pooled_id = random_id()
    content = PoolContent(group_id=group_id, marks=marks, valid=valid, cast_on=day)
    return pooled_id, seal(campaign_id=campaign_id, pooled_id=pooled_id, content=content)


def pool_size(campaign_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_POOL} WHERE campaign_id = %s", [campaign_id])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def pool_drain(*, campaign_id: int, keep: int, everything: bool = False) -> int:
    """Moves pooled ballots to the ballot table; returns how many moved (``drain``)."""
    return drain(_POOL, pool_size, _move, campaign_id=campaign_id, keep=keep, everything=everything)


def drain(
    table: str,
    pooled: Callable[[int], int],
    move: Callable[[int, list[tuple[int, bytes]]], None],
    *,
    campaign_id: int,
    keep: int,
    everything: bool,
) -> int:
    """Moves a campaign's rows (id, sealed) of a mixing pool's ``table`` (ballots; opinion
    forms: stages.opinion_pool) out with ``move``; returns how many moved.

    ``everything``: all of them (closing, inside its transaction). Otherwise only when the
    pool holds at least 2 × ``keep`` (``pooled`` counts them), and all but ``keep`` of them,
    chosen at random; a concurrent drain's rows are skipped, never moved twice.
    """
    if not everything and pooled(campaign_id) < 2 * keep:
        return 0
    with transaction.atomic():
        lock = ""
        if connection.vendor == "postgresql":
            lock = " FOR UPDATE" if everything else " FOR UPDATE SKIP LOCKED"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, sealed FROM {table} WHERE campaign_id = %s{lock}",  # noqa: S608
                [campaign_id],
            )
            rows = [(int(pk), bytes(blob)) for pk, blob in cursor.fetchall()]
        if not everything:
            if len(rows) < 2 * keep:
                return 0
            rows = secrets.SystemRandom().sample(rows, len(rows) - keep)
        move(campaign_id, rows)
    return len(rows)


def drain_after(
    casts: Counter[int],
    lock: threading.Lock,
    run: Callable[[], object],
    *,
    campaign_id: int,
    keep: int,
    pool: str,
) -> None:
    """The drain (``run``) a cast or a sent form runs once its own transaction committed: on
    every ``keep``-th of this process for the campaign (``casts``), so that the others cost no
    query. What it put in is already durable, so a failure here is logged (of ``pool``) and
    left for a later one or the close."""
    with lock:
        casts[campaign_id] += 1
        if casts[campaign_id] < max(keep, 1):
            return
        del casts[campaign_id]
    try:
        run()
    except Exception:
        log.exception("%s of campaign %s could not be drained", pool, campaign_id)


def _move(campaign_id: int, rows: list[tuple[int, bytes]]) -> None:
    """Unseals ``rows`` into ballot rows with new random ids (the pool's ids, written with the
    token's use, do not follow them), inserted in id order, and deletes them from the pool."""
    if not rows:
        return
    ballots = []
    for pooled_id, blob in rows:
        content = unseal(campaign_id=campaign_id, pooled_id=pooled_id, sealed=blob)
        ballot_id = random_id()
        row = (
            ballot_id, content.group_id, None, content.marks, content.valid,
            BallotSource.ONLINE.value, content.cast_on,
        )  # fmt: skip
        mac = ballot_mac(campaign_id=campaign_id, row=row)
        ballots.append(
            (
                ballot_id,
                campaign_id,
                content.group_id,
                content.marks,
                content.valid,
                BallotSource.ONLINE.value,
                content.cast_on,
                mac,
            )
        )
    ballots.sort()
    with connection.cursor() as cursor:
        for start in range(0, len(ballots), 100):
            batch = ballots[start : start + 100]
            rows_marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {_BALLOT} ({_COLUMNS}) VALUES {rows_marks}",  # noqa: S608
                [value for ballot in batch for value in ballot],
            )
        ids = [pk for pk, _blob in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {_POOL} WHERE id IN ({marks})", chunk)  # noqa: S608


def pool_drain_after_cast(*, campaign_id: int, keep: int) -> None:
    """The drain a cast runs once its own transaction committed (``drain_after``)."""
    drain_after(
        _casts,
        _casts_lock,
        lambda: pool_drain(campaign_id=campaign_id, keep=keep),
        campaign_id=campaign_id,
        keep=keep,
        pool="the mixing pool",
    )
