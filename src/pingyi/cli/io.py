"""What every part of the `pingyi` command shares: the language and its messages, Django's
setup, the output, the actor the audit records, the argument types, and the refusal."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path


class CommandError(Exception):
    """A refusal worded for the user (already translated)."""


def language() -> str:
    """PINGYI_LANGUAGE, else the locale (zh… → Chinese, en… → English), else Chinese."""
    chosen = os.environ.get("PINGYI_LANGUAGE")
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value.lower().startswith("en"):
            return "en"
        if value.lower().startswith("zh"):
            return "zh-hans"
    return "zh-hans"


LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_gettext: Callable[[str], str] = str


def setup(*, database: bool = True) -> None:
    """Django with every app, or — for the headless file commands — only the message catalog.

    `pingyi tally` must start fast and touch nothing but its files: no Django, no database;
    it reads the same compiled catalog through the standard library.
    """
    global _gettext
    chosen = language()
    if not database:
        import gettext

        folder = "zh_Hans" if chosen.startswith("zh") else "en"
        catalog = gettext.translation("django", LOCALE_DIR, languages=[folder], fallback=True)
        _gettext = catalog.gettext
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
    import django
    from django.utils import translation

    django.setup()
    translation.activate(chosen)
    _gettext = translation.gettext


def _(message: str) -> str:
    """Translates a message; named `_` so that makemessages extracts every call."""
    return _gettext(message)


def db_ready() -> None:
    """Creates the SQLite database's folder; every other database is the operator's."""
    from django.conf import settings
    from django.db import connections

    name = settings.DATABASES["default"]["NAME"]
    if connections["default"].vendor == "sqlite":
        Path(str(name)).parent.mkdir(parents=True, exist_ok=True)


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("a date as YYYY-MM-DD")) from None
