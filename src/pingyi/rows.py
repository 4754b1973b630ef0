"""One row inserted with one plain INSERT, for the paths that run on every ballot.

``Model.objects.create`` spends about a millisecond of Python per row on signals, field
defaults and the compiler; on the cast path (three rows and an audit entry per ballot) that
was a third of the request. The values still go through each field's own preparation, so
dates, JSON and booleans reach SQLite and PostgreSQL exactly as the ORM would send them.
"""

from __future__ import annotations

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


def insert_row(model: type[Model], **values: Any) -> None:
    """Inserts one row of ``model``; every column without a database default must be given."""
    sql, fields = _statement(model, tuple(values))
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
