"""On PostgreSQL the ballot table is partitioned by campaign (ballots.partitions, migration
0006): each campaign's ballots — paper and online, open and closed — sit in the campaign's own
partition, and its count reads that partition alone. SQLite keeps one table."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from pingyi.accounts.actors import Actor
from pingyi.ballots import partitions, selectors
from pingyi.ballots.models import Ballot
from pingyi.ballots.partitions import (
    DEFAULT,
    TABLE,
    partition_create,
    partition_name,
    partition_of,
)
from pingyi.ballots.pool import pool_drain, pool_put
from pingyi.ballots.selectors import campaign_count, stored_count
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from tests.ballots.conftest import rows_of
from tests.cast import STAFF, make_campaign

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitioning is PostgreSQL's; SQLite has one table"
)
PAPER = "ballot_no,L1,L2,V1,F1\n1,满意,满意,不满意,满意\n2,基本满意,,满意,弃权\n3,,,,\n"


def _fill(campaign: Campaign, ballots_file: Callable[..., Path], online: int) -> None:
    ballots_import(
        campaign=campaign,
        rows=rows_of(campaign, ballots_file(PAPER, f"{campaign.code}.csv")),
        actor=Actor.operator(STAFF),
    )
    for _ in range(online):
        pool_put(
            campaign_id=campaign.pk,
            group_id=None,
            marks="0120",
            valid=True,
            day=dt.date(2026, 1, 5),
        )
    pool_drain(campaign_id=campaign.pk, keep=2)


@postgres_only
def test_the_ballot_table_is_list_partitioned_by_campaign_with_a_default() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p"
            " JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
            " WHERE p.partrelid = %s::regclass",
            [TABLE],
        )
        assert cursor.fetchall() == [("l", "campaign_id")]
        cursor.execute(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass AND c.relname = %s",
            [TABLE, DEFAULT],
        )
        assert cursor.fetchall() == [("DEFAULT",)]
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'p'",
            [TABLE],
        )
        assert cursor.fetchall() == [("PRIMARY KEY (id, campaign_id)",)]


@postgres_only
def test_each_campaign_s_ballots_sit_in_its_own_partition_open_and_closed(
    ballots_file: Callable[..., Path],
) -> None:
    first, second = make_campaign(2025), make_campaign(2026)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass AND c.relname <> %s ORDER BY 1",
            [TABLE, DEFAULT],
        )
        attached = dict(cursor.fetchall())
    for campaign in (first, second):
        assert attached[partition_name(campaign.pk)] == f"FOR VALUES IN ('{campaign.pk}')"
    _fill(first, ballots_file, online=6)
    _fill(second, ballots_file, online=4)
    assert partition_of(first.pk) == [partition_name(first.pk)]
    assert partition_of(second.pk) == [partition_name(second.pk)]
    campaign_close(campaign=first, actor=Actor.operator(STAFF))
    assert partition_of(first.pk) == [partition_name(first.pk)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {partition_name(first.pk)}")  # noqa: S608
        assert cursor.fetchone()[0] == 3 + 6
        cursor.execute(f"SELECT count(*) FROM {DEFAULT}")  # noqa: S608
        assert cursor.fetchone()[0] == 0
    assert campaign_count(first).total == 9
    assert campaign_count(second).total == 3 + 2  # 2 of its 4 still in the pool


@postgres_only
def test_closing_leaves_no_dead_copy_of_the_ballots_in_their_arrival_order(
    ballots_file: Callable[..., Path],
) -> None:
    """The close truncates the campaign's partition and writes its ballots back in id order:
    the file holds them from its first slot on, with no deleted rows in arrival order before
    them (those would stay readable on disk until a VACUUM, R10) and no pages to skip."""
    campaign = make_campaign(2026)
    _fill(campaign, ballots_file, online=6)
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ctid::text FROM {partition_name(campaign.pk)} ORDER BY id"  # noqa: S608
        )
        slots = [row[0] for row in cursor.fetchall()]
    assert slots == [f"(0,{n})" for n in range(1, 10)]


@postgres_only
def test_a_campaign_s_count_reads_its_partition_alone(
    ballots_file: Callable[..., Path],
) -> None:
    first, second = make_campaign(2025), make_campaign(2026)
    _fill(first, ballots_file, online=0)
    _fill(second, ballots_file, online=0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN SELECT group_id, valid, source, count(*) FROM {TABLE}"  # noqa: S608
            " WHERE campaign_id = %s GROUP BY group_id, valid, source",
            [first.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert partition_name(first.pk) in plan
    assert partition_name(second.pk) not in plan
    assert DEFAULT not in plan


@postgres_only
def test_a_ballot_id_stays_unique_within_its_campaign() -> None:
    campaign = make_campaign()
    row = {
        "campaign": campaign,
        "marks": "0000",
        "valid": True,
        "source": "paper",
        "cast_on": dt.date(2026, 1, 5),
        "mac": b"0" * 16,
    }
    Ballot.objects.create(id=12345, ballot_no="1", **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(id=12345, ballot_no="2", **row)


@postgres_only
def test_ballots_of_a_campaign_without_a_partition_go_to_the_default_and_stay_there() -> None:
    """A campaign opened while the table was busy has no partition: its ballots are stored
    all the same, and a later attempt leaves them where they are."""
    campaign = make_campaign(open_it=False)
    Campaign.objects.filter(pk=campaign.pk).update(status="open")
    Ballot.objects.create(
        campaign=campaign,
        ballot_no="1",
        marks="0000",
        valid=True,
        source="paper",
        cast_on=dt.date(2026, 1, 5),
        mac=b"0" * 16,
    )
    assert partition_of(campaign.pk) == [DEFAULT]
    assert partition_create(campaign.pk) is False
    assert partition_of(campaign.pk) == [DEFAULT]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's layout")
def test_sqlite_keeps_one_ballot_table(ballots_file: Callable[..., Path]) -> None:
    campaign = make_campaign()
    assert partition_create(campaign.pk) is False
    _fill(campaign, ballots_file, online=4)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name LIKE 'ballots_ballot%' ORDER BY name"
        )
        assert [row[0] for row in cursor.fetchall()] == [TABLE, "ballots_ballotseal"]
    assert campaign_count(campaign).total == 3 + 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_opening_that_cannot_lock_the_table_opens_without_its_partition(
    monkeypatch: pytest.MonkeyPatch, ballots_file: Callable[..., Path]
) -> None:
    """A backup (pg_dump) holds a share lock on every table while it runs: the opening waits
    LOCK_WAIT for it, then opens all the same, its ballots in the DEFAULT partition."""
    import psycopg

    monkeypatch.setattr(partitions, "LOCK_WAIT", "200ms")
    server = connection.settings_dict
    with psycopg.connect(
        dbname=server["NAME"],
        host=server["HOST"],
        port=server["PORT"] or 5432,
        user=server["USER"],
        password=server["PASSWORD"] or None,
    ) as backup:
        backup.execute(f"LOCK TABLE {DEFAULT} IN ACCESS SHARE MODE")  # as pg_dump does
        campaign = make_campaign()
        backup.rollback()
    assert Campaign.objects.get(pk=campaign.pk).status == "open"
    _fill(campaign, ballots_file, online=0)
    assert partition_of(campaign.pk) == [DEFAULT]
    assert campaign_count(campaign).total == 3


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_close_that_cannot_lock_the_partition_deletes_and_rewrites_instead(
    monkeypatch: pytest.MonkeyPatch, ballots_file: Callable[..., Path]
) -> None:
    """A backup holding its share lock on the campaign's partition: the close waits LOCK_WAIT
    to truncate it, then deletes the rows and writes them back, and closes all the same."""
    import psycopg

    monkeypatch.setattr(partitions, "LOCK_WAIT", "200ms")
    campaign = make_campaign()
    _fill(campaign, ballots_file, online=6)
    server = connection.settings_dict
    with psycopg.connect(
        dbname=server["NAME"],
        host=server["HOST"],
        port=server["PORT"] or 5432,
        user=server["USER"],
        password=server["PASSWORD"] or None,
    ) as backup:
        backup.execute(f"LOCK TABLE {partition_name(campaign.pk)} IN ACCESS SHARE MODE")
        campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
        backup.rollback()
    assert Campaign.objects.get(pk=campaign.pk).status == "closed"
    assert partition_of(campaign.pk) == [partition_name(campaign.pk)]
    stored = stored_count(campaign)
    assert stored is not None
    assert stored.as_json() == campaign_count(campaign).as_json()
    assert stored.total == 3 + 6  # the pool drained at close


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_ballots_back_and_forth_unchanged(
    ballots_file: Callable[..., Path],
) -> None:
    first, second = make_campaign(2025), make_campaign(2026)
    _fill(first, ballots_file, online=6)
    _fill(second, ballots_file, online=0)
    campaign_close(campaign=first, actor=Actor.operator(STAFF))
    before = sorted(Ballot.objects.values_list("id", "campaign_id", "marks", "mac"))
    executor = MigrationExecutor(connection)
    executor.migrate([("ballots", "0005_tally_index")])
    assert partition_of(first.pk) == [TABLE]
    assert sorted(Ballot.objects.values_list("id", "campaign_id", "marks", "mac")) == before
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert partition_of(first.pk) == [partition_name(first.pk)]
    assert partition_of(second.pk) == [partition_name(second.pk)]
    assert sorted(Ballot.objects.values_list("id", "campaign_id", "marks", "mac")) == before
    stored = stored_count(first)
    assert stored is not None and campaign_count(first).as_json() == stored.as_json()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_count_read_range_by_range_of_its_partition_equals_the_one_statement_count(
    ballots_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a transaction a campaign's count reads its partition a range of pages at a time
    on a thread of its own (selectors._read_ahead), in one snapshot: the same count as one
    statement reads inside a transaction, with blocks of a (group, valid, source) in several
    ranges added up; and the connection is left as it was."""
    campaign = make_campaign(2026)
    _fill(campaign, ballots_file, online=400)
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    with transaction.atomic():
        whole = campaign_count(campaign)
    calls: list[int] = []
    real = selectors._read_ahead

    def counted(raws: list[object], statements: list[tuple[str, list[object]]]) -> object:
        calls.append(len(statements))
        return real(raws, statements)

    monkeypatch.setattr(selectors, "_CHUNK_PAGES", 1)
    monkeypatch.setattr(selectors, "_READERS", 1)
    monkeypatch.setattr(selectors, "_read_ahead", counted)
    ranged = campaign_count(campaign)
    assert calls and calls[0] > 2  # several pages, a statement each
    assert ranged.as_json() == whole.as_json()
    assert ranged.total == 3 + 400
    stored = stored_count(campaign)
    assert stored is not None and stored.as_json() == ranged.as_json()
    assert not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone()[0] == "read committed"


def _other_connections(expected: int) -> int:
    """Connections to the test database besides this one, once ``expected`` (a backend leaves
    a moment after its client closed it), or as many as there still are after five seconds."""
    for _ in range(50):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            found = int(cursor.fetchone()[0])
        if found == expected:
            break
        time.sleep(0.1)
    return found


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_readers_share_one_snapshot_and_ballots_added_after_it_are_counted_by_none(
    ballots_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several connections read the ranges (selectors._snapshot_readers), each in the snapshot
    this transaction exported: ballots another connection commits once the snapshot is taken
    are counted by none of them, every range is read exactly once (the stored tally, the
    one-statement count), and the extra connections are closed after — also when the caller
    stops early."""
    import psycopg

    campaign = make_campaign(2026)
    _fill(campaign, ballots_file, online=400)
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    stored = stored_count(campaign)
    assert stored is not None
    monkeypatch.setattr(selectors, "_CHUNK_PAGES", 1)
    monkeypatch.setattr(selectors, "_READERS", 3)
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k not in ("cursor_factory", "context", "prepare_threshold")
    }
    real = selectors._snapshot_readers
    readers: list[list[Any]] = []
    before = _other_connections(0)

    @contextlib.contextmanager
    def then_more_ballots(cursor: object, wanted: int) -> Iterator[list[object]]:
        with real(cursor, wanted) as others:
            readers.append(others)
            if len(readers) > 1:
                yield others
                return
            with psycopg.connect(**params, autocommit=True) as writer:
                writer.execute(
                    f"INSERT INTO {TABLE} (id, campaign_id, group_id, ballot_no, marks, valid,"  # noqa: S608
                    " source, cast_on, mac) SELECT id + 1, campaign_id, group_id, NULL, marks,"
                    f" valid, source, cast_on, mac FROM {partition_name(campaign.pk)}"
                    " WHERE ballot_no IS NULL"
                )
            yield others

    monkeypatch.setattr(selectors, "_snapshot_readers", then_more_ballots)
    ranged = campaign_count(campaign)
    assert [len(others) for others in readers] == [2]  # this connection and two more
    assert ranged.as_json() == stored.as_json()
    assert ranged.total == 3 + 400
    assert all(other.closed for other in readers[0])
    assert _other_connections(before) == before
    assert campaign_count(campaign).total == 3 + 400 + 400  # now in a later snapshot
    blocks = selectors.ballot_blocks(campaign)
    next(blocks)
    blocks.close()  # stopped early: the readers leave, their connections closed
    assert len(readers) == 3 and all(other.closed for other in readers[2])
    assert _other_connections(before) == before
    assert not connection.in_atomic_block


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_count_refused_further_connections_reads_every_range_on_its_own(
    ballots_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the server takes no more connections (max_connections), the one connection reads
    every range: the same count."""
    import psycopg

    campaign = make_campaign(2026)
    _fill(campaign, ballots_file, online=50)
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    monkeypatch.setattr(selectors, "_CHUNK_PAGES", 1)
    monkeypatch.setattr(selectors, "_READERS", 2)

    def refused(*args: object, **kwargs: object) -> object:
        raise psycopg.OperationalError("sorry, too many clients already")

    monkeypatch.setattr(psycopg, "connect", refused)
    stored = stored_count(campaign)
    assert stored is not None and campaign_count(campaign).as_json() == stored.as_json()
    assert not connection.in_atomic_block
