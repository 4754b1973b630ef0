"""Where the time of one in-process call goes, by Pingyi function, without naming them.

``CallTree`` wraps every module-level function of the loaded ``pingyi`` modules (each name a
module binds to one) and Django's cursor calls, and adds up inclusive wall time per call path,
so the breakdown follows the code as it changes. A function called more than ``HOT_CALLS``
times (a per-row helper) stops being timed after that, so its wrapper does not distort the
figures: its time then counts as the caller's own ("the rest of …"). Calls made on other
threads (the xlsx reader's workers) are not timed: their time is their caller's on the
timing thread.
"""

from __future__ import annotations

import sys
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

HOT_CALLS = 2_000
SKIPPED_MODULES = ("pingyi.settings", "pingyi.cli", "pingyi.env")
SEP = " > "


class CallTree:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}  # call path ("a > b > c") → inclusive seconds
        self.calls: dict[str, int] = {}  # call path → calls
        self.hot: set[str] = set()  # labels whose timing stopped at HOT_CALLS calls
        self._counts: dict[str, int] = {}  # label → calls, over all paths
        self._stack: list[str] = []
        self._undo: list[tuple[Any, str, Any]] = []
        self._thread = threading.get_ident()

    def wrap(self, owner: Any, name: str, label: str, *, hot_limit: bool = True) -> None:
        """Times ``owner.name`` as ``label``; a name the code does not have is left out."""
        original = getattr(owner, name, None)
        if original is None:
            return
        tree = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != tree._thread:  # one stack: the timing thread's
                return original(*args, **kwargs)
            count = tree._counts[label] = tree._counts.get(label, 0) + 1
            if label in tree._stack:  # recursion: the outer call holds the time
                return original(*args, **kwargs)
            if hot_limit and count > HOT_CALLS:
                setattr(owner, name, original)  # stop timing; restore() puts it back anyway
                tree.hot.add(label)
                return original(*args, **kwargs)
            tree._stack.append(label)
            path = SEP.join(tree._stack)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                tree.seconds[path] = tree.seconds.get(path, 0.0) + time.perf_counter() - start
                tree.calls[path] = tree.calls.get(path, 0) + 1
                tree._stack.pop()

        self._undo.append((owner, name, vars(owner).get(name, _MISSING)))
        setattr(owner, name, timed)

    def wrap_pingyi(self) -> None:
        """Every module-level function that a loaded pingyi module binds."""
        for module_name, module in list(sys.modules.items()):
            if not module_name.startswith("pingyi.") or module_name in SKIPPED_MODULES:
                continue
            for name, value in list(vars(module).items()):
                if (
                    isinstance(value, types.FunctionType)
                    and value.__module__.startswith("pingyi.")
                    and value.__module__ not in SKIPPED_MODULES
                ):
                    self.wrap(module, name, f"{value.__module__[7:]}.{value.__name__}")

    def wrap_database(self) -> None:
        """Django's cursor calls and the commit, which is where the database's time shows."""
        from django.db import connections
        from django.db.backends.utils import CursorWrapper

        self.wrap(CursorWrapper, "execute", "SQL execute")
        self.wrap(CursorWrapper, "executemany", "SQL executemany")
        if connections["default"].vendor == "sqlite":
            from django.db.backends.sqlite3.base import SQLiteCursorWrapper

            for fetch in ("fetchone", "fetchmany", "fetchall"):
                self.wrap(SQLiteCursorWrapper, fetch, f"SQL {fetch}")
        self.wrap(connections["default"], "commit", "SQL COMMIT")

    def restore(self) -> None:
        for owner, name, before in reversed(self._undo):
            if before is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, before)
        self._undo.clear()

    @contextmanager
    def timing(self) -> Iterator[CallTree]:
        self._thread = threading.get_ident()
        self.wrap_database()
        self.wrap_pingyi()
        try:
            yield self
        finally:
            self.restore()

    def report(self) -> dict[str, Any]:
        return {"paths": self.seconds, "calls": self.calls, "hot": sorted(self.hot)}


_MISSING = object()


def print_tree(
    report: dict[str, Any], total: float, say: Any, indent: str = "     ", floor: float = 0.005
) -> None:
    """Prints the call paths as a tree in the order they were first called.

    A step below ``floor`` × ``total`` is left out; under each step, "the rest" is its own time
    outside the steps shown (left out too when small).
    """
    paths: dict[str, float] = report["paths"]
    hot = set(report["hot"])
    children: dict[str, list[str]] = {}
    for path in paths:
        parent = path.rpartition(SEP)[0]
        children.setdefault(parent, []).append(path)

    def line(depth: int, label: str, spent: float) -> None:
        share = 100 * spent / total if total else 0.0
        width = 64 - 2 * depth
        say(f"{indent}{'  ' * depth}{label:<{width}} {spent:7.3f} s {share:5.1f} %")

    def walk(parent: str, depth: int) -> None:
        shown = 0.0
        for path in children.get(parent, []):
            spent = paths[path]
            if spent < floor * total:
                continue
            label = path.rpartition(SEP)[2]
            calls = report["calls"][path]
            note = f" ×{calls:,}" if calls > 1 else ""
            note += " (per-row; rest in caller)" if label in hot else ""
            line(depth, label + note, spent)
            walk(path, depth + 1)
            shown += spent
        if parent and paths[parent] - shown >= floor * total and shown:
            line(depth, "the rest", paths[parent] - shown)

    walk("", 0)
