"""The last check before a row of Pingyi's is saved: no NUL, no text beyond its field's limit.

Views and the API refuse such text first, with the field's own message; this check keeps a
door that forgot (a form field without a limit, a service fed by a file) from reaching
PostgreSQL, which would answer with an error (a 500) instead of a refusal. Rows written with
``bulk_create`` come from the file readers, which check their cells (pingyi.inputs.tables).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import pre_save

from pingyi.rules.text import TEXT_LIMIT, text_refusal


def _limit(field: models.Field[Any, Any]) -> int:
    return int(field.max_length) if field.max_length else TEXT_LIMIT


def refuse_unstorable_text(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    """Raises TextRefused (a RuleError: views show its message) for the first bad text."""
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            refusal = text_refusal(value, field=str(field.verbose_name), limit=_limit(field))
            if refusal is not None:
                raise refusal


def connect() -> None:
    pre_save.connect(refuse_unstorable_text, dispatch_uid="pingyi-stored-text")
