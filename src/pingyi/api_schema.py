"""The base of every JSON request body of the API."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class StrictIn(Schema):
    """A body read exactly as its schema says: ``true`` is not the count 1 and ``"1"`` is not
    a number (pydantic would otherwise coerce them, and accept what the schema refuses)."""

    model_config = ConfigDict(strict=True)
