"""Rows built once for a module's tests, each test's own writes still rolled back (issue 11).

The access matrices and parity tests call every route as every role against one cast of
people, campaigns and rounds; built through the services for each test, the cast cost a
fifth of the suite. ``module_db`` (tests/conftest.py) opens one transaction around a
module's tests instead: the cast is built in it once (``build``), each test runs in a
savepoint inside it (pytest-django's ``db``, Django's TestCase) that is rolled back after
the test, and the module's transaction is rolled back after its last test. A test gets a
deep copy of the objects built (``copy_of``), so what one test changes in memory (a
refreshed status, a cached relation) is not met by the next one, as the rows it changed are
not.

A module that builds rows once runs no transactional test (django_db(transaction=True),
live servers): those commit and empty the tables, which the module's open transaction
forbids. tests/conftest.py refuses such a module when the tests are collected.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any


class ModuleRows:
    """The module's open transaction: ``build(make)`` runs ``make`` in it, once."""

    def __init__(self, blocker: Any) -> None:
        self._blocker = blocker

    def build[T](self, make: Callable[[], T], **settings: Any) -> T:
        """``make()`` with the database open, in English as the tests run (tests/conftest.py's
        _english_by_default is a test's, not yet in force) and with ``settings`` changed."""
        from django.test.utils import override_settings

        with self._blocker.unblock(), override_settings(LANGUAGE_CODE="en", **settings):
            return make()


def copy_of[T](built: T) -> T:
    """A test's own copy of what the module built: its rows are as they were built."""
    return copy.deepcopy(built)
