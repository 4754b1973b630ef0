"""One row inserted with one plain INSERT, for the paths that run on every ballot.

``Model.objects.create`` spends about a millisecond of Python per row on signals, field
defaults and the compiler; on the cast path (three rows and an audit entry per ballot) that
was a third of the request. The values still go through each field's own preparation, so
dates, JSON and booleans reach SQLite and PostgreSQL exactly as the ORM would send them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import connection
from django.db.models import Field, ForeignObjectRel, Model


@cache
def _statement(
    model: type[Model], names: tuple[str, ...]
) -> tuple[str, tuple[Field[Any, Any], ...]]:
    meta = model._meta
    fields = tuple(_concrete(meta.get_field(name)) for name in names)
    columns = ", ".join(connection.ops.quote_name(_column(f)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})", fields  # noqa: S608


def _concrete(field: Field[Any, Any] | ForeignObjectRel | GenericForeignKey) -> Field[Any, Any]:
    if not isinstance(field, Field):
        raise TypeError(f"{field} is not a column")
    return field


def _column(field: Field[Any, Any]) -> str:
    if field.column is None:
        raise TypeError(f"{field} is not a column")
    return field.column


def insert_statement(model: type[Model], **values: Any) -> tuple[str, list[Any]]:
    """The INSERT of one row of ``model`` and its parameters, for a caller that sends it
    together with another statement (a PostgreSQL CTE: one round trip)."""
    sql, fields = _statement(model, tuple(values))
    return sql, _prepared(fields, values)


def column_values(model: type[Model], **values: Any) -> list[Any]:
    """``values`` (column name → value) as ``model``'s fields send them to the database, for a
    statement written by hand."""
    _sql, fields = _statement(model, tuple(values))
    return _prepared(fields, values)


def _prepared(fields: tuple[Field[Any, Any], ...], values: dict[str, Any]) -> list[Any]:
    return [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]


def insert_row(model: type[Model], **values: Any) -> None:
    """Inserts one row of ``model``; every column without a database default must be given."""
    sql, params = insert_statement(model, **values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def cast_cursor() -> Iterator[Any]:
    """A cursor for the statements run on every ballot. On PostgreSQL each is prepared
    once per connection (server-side binding, psycopg's ``prepare=True``), so the server
    parses and plans it once, not on each cast; elsewhere Django's own cursor. Errors are
    Django's (IntegrityError, …) as from any cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
        yield _Prepared(raw)


class _Prepared:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        self.raw.execute(sql, params, prepare=True)

    def fetchone(self) -> Any:
        return self.raw.fetchone()

    @property
    def rowcount(self) -> int:
        return int(self.raw.rowcount)
