"""PostgreSQL: the ballot table partitioned by campaign (ballots.partitions); SQLite unchanged.

A partitioned table must hold its partition key in every unique constraint, so its primary
key becomes (id, campaign_id) — the ids stay random and unique on their own, and Django keeps
``id`` as the model's primary key. The unique (campaign, ballot_no) already holds it.

Forwards: a new partitioned table beside the old one, a DEFAULT partition and one partition
per campaign that is not a draft or has ballots, the rows copied in (in id order within each
campaign: random, R10), the old table dropped, the new one renamed and given the old one's
constraints, foreign keys and indexes (read from the catalog, under their names). Backwards
the same into one plain table with the primary key (id). Nothing refers to the ballot table.
Written without the app's code, as a migration should be.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "ballots_ballot"
NEW = "ballots_ballot_rebuilt"


def _definitions(cursor: Any) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The table's constraints (name, kind, definition) and its other indexes' statements."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'c') ORDER BY conname",
        [TABLE],
    )
    constraints = [(str(n), str(k), str(d)) for n, k, d in cursor.fetchall()]
    cursor.execute(
        "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x WHERE x.indrelid = %s::regclass"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = x.indrelid"
        " AND c.conindid = x.indexrelid) ORDER BY x.indexrelid",
        [TABLE],
    )
    # A partitioned table's index reads "ON ONLY table": created on the table, it is on all.
    indexes = [str(d).replace(" ON ONLY ", " ON ") for (d,) in cursor.fetchall()]
    return constraints, indexes


def _rebuild(cursor: Any, *, partitioned: bool) -> None:
    cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    constraints, indexes = _definitions(cursor)
    by = " PARTITION BY LIST (campaign_id)" if partitioned else ""
    cursor.execute(f"CREATE TABLE {NEW} (LIKE {TABLE} INCLUDING DEFAULTS){by}")
    if partitioned:
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {NEW} DEFAULT")
        cursor.execute(
            "SELECT id FROM campaigns_campaign WHERE status <> 'draft'"
            f" UNION SELECT DISTINCT campaign_id FROM {TABLE} ORDER BY 1"
        )
        for (campaign_id,) in cursor.fetchall():
            cursor.execute(
                f"CREATE TABLE {TABLE}_c{int(campaign_id)} PARTITION OF {NEW}"
                f" FOR VALUES IN ({int(campaign_id)})"
            )
    cursor.execute(f"INSERT INTO {NEW} SELECT * FROM {TABLE} ORDER BY campaign_id, id")  # noqa: S608
    cursor.execute(f"DROP TABLE {TABLE}")
    cursor.execute(f"ALTER TABLE {NEW} RENAME TO {TABLE}")
    for name, kind, definition in constraints:
        if kind == "p":
            definition = "PRIMARY KEY (id, campaign_id)" if partitioned else "PRIMARY KEY (id)"
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    for statement in indexes:
        cursor.execute(statement)
    cursor.execute(f"ANALYZE {TABLE}")


def partition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _rebuild(cursor, partitioned=True)


def unpartition(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _rebuild(cursor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0005_tally_index"),
        ("campaigns", "0001_initial"),
    ]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
