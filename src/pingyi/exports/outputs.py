"""Writing a command's output files: all of them, or none (SPEC: bad input writes no file)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pingyi.exports.contract_json import dumps
from pingyi.exports.yearend_sheet import YearEnd
from pingyi.rules.tally import TallyResult


def write_outputs(
    result: TallyResult,
    *,
    json_path: Path | None,
    xlsx_path: Path | None,
    data: Any,
    title: str = "",
    yearend: YearEnd | None = None,
) -> None:
    """The results JSON and workbook of a tally: both written, or neither. ``yearend``: a
    campaign's 年终评议 sheet (exports.yearend_sheet.YearEnd)."""
    writers: dict[Path, Callable[[Path], object]] = {}
    if xlsx_path is not None:
        from pingyi.exports.results_workbook import write_results_workbook

        writers[xlsx_path] = lambda tmp: write_results_workbook(
            tmp, result, title=title, yearend=yearend
        )
    if json_path is not None:
        writers[json_path] = lambda tmp: tmp.write_text(dumps(data), encoding="utf-8")
    write_files(writers)


def stage(path: Path) -> str:
    """A temporary file beside ``path`` with the permissions a plain open() would give it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    return tmp


def write_files(writers: dict[Path, Callable[[Path], object]]) -> None:
    """Writes each file through a temporary name; renames them only when every one is done."""
    staged: list[tuple[str, Path]] = []
    try:
        for final, writer in writers.items():
            tmp = stage(final)
            staged.append((tmp, final))
            writer(Path(tmp))
        for tmp, final in staged:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, writer: Any) -> None:
    """Writes through a temporary file in the same folder, renamed only when complete.

    ``writer`` is called with the temporary path; if it raises, nothing is left behind.
    """
    tmp = stage(path)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
