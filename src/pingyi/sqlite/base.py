"""Django's SQLite backend with one gate in front of the write lock.

Every transaction on SQLite begins IMMEDIATE (settings: two writers queue instead of failing
half-way), so it takes the database's write lock at BEGIN. A writer that finds the lock taken
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, … then 100 ms at a time between
tries: under a burst of ballots from several gunicorn workers some casts lose the lock again
and again and wait half a second for a write of a few milliseconds (bench (d): p99 548 ms
beside a p50 of 95 ms).

Before BEGIN, the transaction takes an exclusive ``flock`` on a file beside the database
(``<database>-gate``; never the database file itself: closing another descriptor of it would
drop SQLite's own locks of this process), trying every half millisecond, and lets it go once
the transaction has ended. The writers then take turns within a millisecond of each other,
and SQLite's lock is free whenever the gate is had. Nothing changes in what is allowed: the
gate serializes exactly what BEGIN IMMEDIATE already serializes. A writer that has not had
the gate within the database's timeout goes on to BEGIN anyway, so it ends as it did before
(SQLite's own wait, then "database is locked"), never hanging.
"""

from __future__ import annotations

import fcntl
import os
import time
from typing import Any

from django.db.backends.sqlite3 import base

TRY_EVERY = 0.0005  # seconds between two tries of the gate


class DatabaseWrapper(base.DatabaseWrapper):
    _gate: int | None = None  # the gate file's descriptor, opened on the first transaction
    _gated = False  # this connection has the gate

    def _gate_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}-gate"

    def _take_gate(self) -> None:
        path = self._gate_path()
        if path is None or self._gated:
            return
        if self._gate is None:
            self._gate = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while True:
            try:
                fcntl.flock(self._gate, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's own wait decides, as without the gate
                time.sleep(TRY_EVERY)
            else:
                self._gated = True
                return

    def _leave_gate(self) -> None:
        if self._gated and self._gate is not None:
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        self._gated = False

    def _leave_gate_if_done(self) -> None:
        if self.connection is None or not self.connection.in_transaction:
            self._leave_gate()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_gate()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in django-stubs
        except BaseException:
            self._leave_gate_if_done()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._leave_gate_if_done()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._leave_gate_if_done()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._leave_gate()
            if self._gate is not None:
                os.close(self._gate)
                self._gate = None
