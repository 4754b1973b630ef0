"""The gate before SQLite's write lock (pingyi.sqlite): a transaction holds it from BEGIN to
its end, whichever way it ends, and a writer that cannot have it in time goes on as SQLite
alone would, never hanging. bench (d) measures what it is for: the ballots' p99 under a burst.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.db.utils import ConnectionHandler

pytestmark = pytest.mark.own_database


def connections_of(databases: dict[str, dict[str, Any]]) -> ConnectionHandler:
    """Connections of their own, beside the run's database ("default" unused)."""
    return ConnectionHandler({"default": {"ENGINE": "django.db.backends.dummy"}, **databases})


@pytest.fixture
def handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_db_blocker: Any
) -> Iterator[ConnectionHandler]:
    def database(timeout: float) -> dict[str, Any]:
        return {
            "ENGINE": "pingyi.sqlite",
            "NAME": str(tmp_path / "gate.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
        }

    handler = connections_of({"a": database(5), "b": database(5), "quick": database(0.2)})
    monkeypatch.setattr(transaction, "get_connection", lambda using=None: handler[using])
    with django_db_blocker.unblock():
        with handler["a"].cursor() as cursor:
            cursor.execute("CREATE TABLE t (x INTEGER)")
        yield handler
        handler.close_all()


def gate_is_free(path: Path) -> bool:
    """Whether another process could take the gate now."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_a_transaction_holds_the_gate_until_it_commits(
    handler: ConnectionHandler, tmp_path: Path
) -> None:
    gate = tmp_path / "gate.sqlite3-gate"
    with transaction.atomic(using="a"):
        handler["a"].cursor().execute("INSERT INTO t VALUES (1)")
        assert not gate_is_free(gate)
    assert gate_is_free(gate)


def test_a_rollback_and_a_close_let_the_gate_go(handler: ConnectionHandler, tmp_path: Path) -> None:
    gate = tmp_path / "gate.sqlite3-gate"
    with pytest.raises(ZeroDivisionError), transaction.atomic(using="a"):
        handler["a"].cursor().execute("INSERT INTO t VALUES (1)")
        assert not gate_is_free(gate)
        raise ZeroDivisionError
    assert gate_is_free(gate)
    with handler["a"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)

    handler["a"].set_autocommit(False)
    handler["a"].cursor().execute("INSERT INTO t VALUES (2)")
    handler["a"].close()  # mid-transaction: the work is lost, and so is the gate
    assert gate_is_free(gate)


def test_a_second_writer_waits_at_the_gate_then_writes(
    handler: ConnectionHandler, tmp_path: Path
) -> None:
    """Two connections of one process (two threads): the second begins only once the first
    has committed, and finds its row."""
    inside, seen = threading.Event(), []

    def second() -> None:
        inside.wait()
        with transaction.atomic(using="b"), handler["b"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            seen.append(cursor.fetchone()[0])
        handler["b"].close()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic(using="a"):
        handler["a"].cursor().execute("INSERT INTO t VALUES (1)")
        inside.set()
        thread.join(timeout=0.3)
        assert thread.is_alive()  # waiting at the gate (or SQLite's lock) while we hold it
    thread.join(timeout=10)
    assert seen == [1]


def test_a_gate_held_too_long_ends_as_sqlite_alone_would(
    handler: ConnectionHandler, tmp_path: Path
) -> None:
    """Someone holds the gate without a transaction (an old process stuck): a writer waits
    its timeout and then begins anyway, since SQLite's lock is free. And with SQLite's lock
    taken too, it fails as before ("database is locked"), it does not hang."""
    handler["a"].cursor().execute("SELECT 1")  # the gate file exists once a writer has begun
    with transaction.atomic(using="a"):
        pass
    fd = os.open(tmp_path / "gate.sqlite3-gate", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with transaction.atomic(using="quick"):
            handler["quick"].cursor().execute("INSERT INTO t VALUES (3)")
        fcntl.flock(fd, fcntl.LOCK_UN)
        with transaction.atomic(using="a"):
            handler["a"].cursor().execute("INSERT INTO t VALUES (4)")
            with pytest.raises(DatabaseError, match="locked"), transaction.atomic(using="quick"):
                handler["quick"].cursor().execute("INSERT INTO t VALUES (5)")
    finally:
        os.close(fd)
    with handler["a"].cursor() as cursor:
        cursor.execute("SELECT x FROM t ORDER BY x")
        assert cursor.fetchall() == [(3,), (4,)]


def test_an_in_memory_database_has_no_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_db_blocker: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    handler = connections_of({"m": {"ENGINE": "pingyi.sqlite", "NAME": ":memory:"}})
    monkeypatch.setattr(transaction, "get_connection", lambda using=None: handler[using])
    with django_db_blocker.unblock(), transaction.atomic(using="m"):
        handler["m"].cursor().execute("SELECT 1")
    handler.close_all()
    assert not list(tmp_path.iterdir())
