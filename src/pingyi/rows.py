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
    with cast_cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def cast_cursor() -> Iterator[Any]:
    """A cursor for the statements run on every ballot, under the driver's own: on
    PostgreSQL each is prepared once per connection (server-side binding, psycopg's
    ``prepare=True``), so the server parses and plans it once, not on each cast; on SQLite
    the placeholders are rewritten once per statement, not on each call (Django's cursor
    does it with a regular expression every time). Errors are Django's (IntegrityError, …)
    as from any cursor. What runs through it is not in Django's query log."""
    connection.ensure_connection()
    raw_connection = connection.connection
    with connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            import psycopg

            with psycopg.Cursor(raw_connection) as raw:
                yield _Prepared(raw)
            return
        raw = raw_connection.cursor()
        try:
            yield _Qmark(raw)
        finally:
            raw.close()


@cache
def _qmark(sql: str) -> str:
    """``%s`` placeholders as SQLite's ``?`` (the statements here hold no other ``%``)."""
    if "%%" in sql:
        raise ValueError("a literal % in a cast statement")
    return sql.replace("%s", "?")


class _Qmark:
    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        self.raw.execute(_qmark(sql), params)

    def fetchone(self) -> Any:
        return self.raw.fetchone()

    @property
    def rowcount(self) -> int:
        return int(self.raw.rowcount)


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
