"""SQLite's layout for counting a campaign in one sequential read (ballots.selectors.ballot_blocks).

SQLite keeps ballots under their random ids as the rowid (R10), so one campaign's ballots lie
scattered among every other campaign's, and reaching them through the (campaign, ballot_no)
index is a million lookups. This index holds each campaign's ballots side by side, in the
order the count groups them — (group, valid, source) — and then by their random id, with
their marks: the count reads it alone, front to back, and groups without sorting. Ordered by
the random id within a group, an import's ballots (inserted in id order) land in a few
sequential runs, so it costs an import little. It orders nothing by arrival.

PostgreSQL does not need it: closing rewrites a campaign's ballots together in its heap
(ballots_storage_shuffle), which its count then scans in one pass; so it is SQLite's only,
and not declared on the model (Django has no per-database index).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS ballot_tally ON ballots_ballot"
    " (campaign_id, group_id, valid, source, id, marks)"
)
DROP = "DROP INDEX IF EXISTS ballot_tally"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0004_ballots_mixing_pool_and_seal"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
