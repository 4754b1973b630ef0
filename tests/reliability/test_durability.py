"""R6: a receipt is shown only after its ballot's commit is durable — the database is set so."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_commits_are_durable_before_they_return() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL: fsync of the WAL at every commit
            cursor.execute("PRAGMA journal_mode")
            assert str(cursor.fetchone()[0]).lower() in {"wal", "memory"}
        else:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
