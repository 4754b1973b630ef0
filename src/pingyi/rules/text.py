"""What text may be stored: no NUL character, and no longer than its field's limit (R21, R23).

PostgreSQL refuses a NUL in any text (an error, not a refusal a person can read) and a value
longer than its ``varchar(n)``; SQLite would store either. One check here serves every door:
the request guard (pingyi.web.guard), the API's schemas (pingyi.api_schema), the file readers
(pingyi.inputs.tables) and the last check before a row is saved (pingyi.web.apps).
"""

from __future__ import annotations

from pingyi.rules.errors import RuleError, gettext_noop

NUL = "\x00"
# A text column without a limit of its own (a TextField): longer than any reason, note or
# answer a person writes, short enough that a pasted file cannot fill the database.
TEXT_LIMIT = 50_000

HOLDS_NUL = gettext_noop("%(field)s holds a NUL character (\\0); remove it and try again")
TOO_LONG = gettext_noop(
    "%(field)s is %(length)s characters long; at most %(limit)s characters are allowed"
)


class TextRefused(RuleError):
    """A text that cannot be stored; the message names the field and what is expected."""


def required_text(value: str, maximum: int, message: str, **params: object) -> str:
    """``value`` without the blanks around it; refused with ``message`` (and ``params``) when
    that leaves nothing, or more than ``maximum`` characters."""
    text = value.strip()
    if not 1 <= len(text) <= maximum:
        raise RuleError(message, **params)
    return text


def holds_nul(field: str) -> TextRefused:
    return TextRefused(HOLDS_NUL, field=field)


def text_refusal(value: str, *, field: str, limit: int | None) -> TextRefused | None:
    """Why ``value`` cannot be stored in ``field`` (a label people read), or None."""
    if NUL in value:
        return holds_nul(field)
    if limit is not None and len(value) > limit:
        return TextRefused(TOO_LONG, field=field, length=len(value), limit=limit)
    return None
