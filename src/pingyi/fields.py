"""Model fields shared by the apps that keep ballots and tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


def random_id() -> int:
    """A random positive 62-bit id: row ids that say nothing about the order of writing."""
    return secrets.randbits(62) + 1


class RandomIdField(models.BigIntegerField[int, int]):
    """A random primary key that SQLite keeps as the rowid itself (R9, R10).

    A SQLite table keyed by anything but ``integer primary key`` has a hidden rowid that
    counts up in the order rows were written, so pairing two tables' rowids pairs the rows
    one transaction wrote (a token's use and its ballot). Declared ``integer`` there, the
    random id *is* the rowid: the table's order on disk is the ids' random order. PostgreSQL
    keeps ``bigint``; its write order is what the mixing pool (ballots.pool) breaks.
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "pingyi.fields.RandomIdField", args, kwargs
