"""Writing a command's output files: all of them, or none (SPEC: bad input writes no file)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from pingyi.exports.contract_json import dumps
from pingyi.rules.tally import TallyResult


def write_outputs(
    result: TallyResult,
    *,
    json_path: Path | None,
    xlsx_path: Path | None,
    data: Any,
    title: str = "",
) -> None:
    """Writes every file to a temporary name first and renames them only when all are done."""
    staged: list[tuple[str, Path]] = []
    try:
        if xlsx_path is not None:
            from pingyi.exports.results_workbook import write_results_workbook

            tmp = stage(xlsx_path)
            staged.append((tmp, xlsx_path))
            write_results_workbook(Path(tmp), result, title=title)
        if json_path is not None:
            tmp = stage(json_path)
            staged.append((tmp, json_path))
            Path(tmp).write_text(dumps(data), encoding="utf-8")
        for tmp, final in staged:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise


def stage(path: Path) -> str:
    """A temporary file beside ``path`` with the permissions a plain open() would give it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    return tmp
