"""The ballot table partitioned by campaign on PostgreSQL (migration 0006), so that years of
other campaigns in the table cost one campaign's count nothing: its count reads its own
partition and no other.

The table is LIST-partitioned on ``campaign_id``: one partition per campaign, attached when
the campaign opens (ballots_open, inside the opening transaction: an open that fails leaves
no partition), and a DEFAULT partition that takes the ballots of any campaign without one —
so a ballot is never refused for want of a partition (R6), it is only stored beside others.

The partition is created as a plain table and then attached, which takes only a SHARE UPDATE
EXCLUSIVE lock on the ballot table (casts, imports and counts of other campaigns go on) and
an ACCESS EXCLUSIVE lock on the DEFAULT partition, to check that it holds no ballot of the
campaign. A backup (pg_dump) holds a lock on every table while it runs: the opening waits
for that lock at most ``LOCK_WAIT`` and then opens without a partition of its own (logged),
rather than hang behind the backup.

SQLite keeps one table.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction

from pingyi.ballots.models import Ballot

log = logging.getLogger(__name__)

TABLE = Ballot._meta.db_table
DEFAULT = f"{TABLE}_default"
LOCK_WAIT = "5s"


def partition_name(campaign_id: int) -> str:
    return f"{TABLE}_c{int(campaign_id)}"


def partition_create(campaign_id: int) -> bool:
    """Attaches the campaign's own partition (PostgreSQL; inside the caller's transaction).

    True when the campaign has one afterwards. False on SQLite, when the DEFAULT partition
    already holds ballots of the campaign (they stay there), or when the lock could not be
    had in ``LOCK_WAIT`` (the ballots then go to the DEFAULT partition).
    """
    if connection.vendor != "postgresql":
        return False
    name = partition_name(campaign_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return True
        cursor.execute(
            f"SELECT 1 FROM {DEFAULT} WHERE campaign_id = %s LIMIT 1",  # noqa: S608
            [campaign_id],
        )
        if cursor.fetchone() is not None:
            return False
        try:
            with transaction.atomic():
                cursor.execute(
                    "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                    [LOCK_WAIT],
                )
                before = cursor.fetchone()[0]
                cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)")
                cursor.execute(
                    f"ALTER TABLE {TABLE} ATTACH PARTITION {name}"
                    f" FOR VALUES IN ({int(campaign_id)})"
                )
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
        except DatabaseError:
            log.warning(
                "campaign %s: no partition of its own in the ballot table (the table was"
                " busy); its ballots go to the default partition",
                campaign_id,
            )
            return False
    return True


def partition_truncate(campaign_id: int) -> bool:
    """Empties the campaign's own partition (PostgreSQL; inside the caller's transaction, for
    the close's rewrite), waiting at most ``LOCK_WAIT`` for its lock, as a backup holds one.

    True when done. False on SQLite, for a campaign without a partition of its own (its
    ballots are in the DEFAULT one beside others'), or when the lock could not be had: the
    caller then deletes the campaign's rows instead.
    """
    if connection.vendor != "postgresql":
        return False
    name = partition_name(campaign_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(%s)"
            " AND inhparent = to_regclass(%s)",
            [name, TABLE],
        )
        if cursor.fetchone() is None:
            return False
        # TRUNCATE refuses a table with foreign-key checks still pending (the pool's ballots
        # just moved in): they are made now rather than at the commit. Every deferrable
        # constraint is a foreign key that Django made initially deferred, so all are
        # deferred again after.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:
            with transaction.atomic():
                cursor.execute(
                    "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                    [LOCK_WAIT],
                )
                before = cursor.fetchone()[0]
                cursor.execute(f"TRUNCATE {name}")
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
        except DatabaseError:
            log.warning(
                "campaign %s: its partition was busy at close; its rows are deleted and"
                " rewritten instead of truncated",
                campaign_id,
            )
            return False
        finally:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return True


def partition_of(campaign_id: int) -> list[str]:
    """The partitions holding the campaign's ballots (PostgreSQL; for checks and tests)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT tableoid::regclass::text FROM {TABLE}"  # noqa: S608
            " WHERE campaign_id = %s ORDER BY 1",
            [campaign_id],
        )
        return [row[0] for row in cursor.fetchall()]
