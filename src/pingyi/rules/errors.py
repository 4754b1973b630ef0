"""Errors raised by the rules and by the file readers, with where they happened.

Messages are English msgids marked with ``gettext_noop`` so that the presentation layer can
translate them (Django's catalogs) and then fill in the parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a message for extraction without translating it here (rules import no Django)."""
    return message


Translate = Callable[[str], str]


def _identity(message: str) -> str:
    return message


# How the parts of a place join, and how a place precedes its message: "，" and "：" in Chinese.
PLACE_SEPARATOR = gettext_noop(", ")
PLACE_AND_MESSAGE = gettext_noop("%(place)s: %(message)s")
# How the items of a list join in a message: "D002、D007" in Chinese.
LIST_JOIN = gettext_noop("%(before)s, %(next)s")


class Listing(tuple[str, ...]):
    """Names a message lists (codes, units): joined as the message's language joins a list
    when the message is worded, and with ", " in the exception's own text."""

    def __str__(self) -> str:
        return ", ".join(self)

    def worded(self, translate: Translate = _identity) -> str:
        join = translate(LIST_JOIN)
        text = ""
        for n, item in enumerate(self):
            text = item if n == 0 else join % {"before": text, "next": item}
        return text


@dataclass(frozen=True)
class Where:
    """A place in an input: a file, and within it a row, a column and a field name."""

    file: str | None = None
    row: int | None = None
    column: str | None = None  # spreadsheet letter, e.g. "C"
    field: str | None = None  # header name, e.g. "U03" or a scheme key such as "marks[2].points"

    def describe(self, translate: Translate = _identity) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(translate(gettext_noop("row %(row)s")) % {"row": self.row})
        if self.column and self.field:
            parts.append(
                translate(gettext_noop("column %(column)s (%(field)s)"))
                % {"column": self.column, "field": self.field}
            )
        elif self.column:
            parts.append(translate(gettext_noop("column %(column)s")) % {"column": self.column})
        elif self.field:
            parts.append(translate(gettext_noop("field %(field)s")) % {"field": self.field})
        return translate(PLACE_SEPARATOR).join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, and a message template with its parameters."""

    where: Where
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, translate: Translate = _identity) -> str:
        text = translate(self.template) % {k: _worded(v, translate) for k, v in self.params.items()}
        place = self.where.describe(translate)
        if not place:
            return text
        return translate(PLACE_AND_MESSAGE) % {"place": place, "message": text}


class InputError(Exception):
    """Bad input: one or more problems, each with its place. Nothing has been written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message() for p in problems[:5]))

    @classmethod
    def one(cls, where: Where, template: str, **params: Any) -> InputError:
        return cls([Problem(where, template, params)])

    def messages(self, translate: Translate = _identity) -> list[str]:
        return [p.message(translate) for p in self.problems]


class MissingOnMachine(Exception):
    """Something the machine must provide is missing (a font, a program); says how to get it."""


class Term(str):
    """A parameter that is itself a word of the interface (a status): translated with the text."""


def _worded(value: Any, translate: Translate) -> Any:
    if isinstance(value, Term):
        return translate(value)
    if isinstance(value, Listing):
        return value.worded(translate)
    return value


class RuleError(Exception):
    """A request the rules refuse (a wrong state, an impossible transition)."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params)

    def message(self, translate: Translate = _identity) -> str:
        # Always formatted, so that "%%" in a template reads "%" with or without parameters.
        params = {k: _worded(v, translate) for k, v in self.params.items()}
        return translate(self.template) % params
