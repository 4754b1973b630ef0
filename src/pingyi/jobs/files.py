"""A job's files on disk: PINGYI_HOME/jobs/<job id>/, readable by Pingyi's user only.

``input<suffix>``  an upload an import job reads (deleted when the job finishes);
``output<suffix>`` what the job produced (a batch's ZIP of codes, a report).

Outputs are written to a temporary name, flushed to disk and then renamed, so an output that
exists is complete: a worker killed half-way leaves no half-written ZIP behind.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

CHUNK = 1 << 16


def job_folder(job_id: uuid.UUID | str, *, create: bool = False) -> Path:
    folder = Path(settings.PINGYI_JOBS_DIR) / str(uuid.UUID(str(job_id)))
    if create:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _single(folder: Path, stem: str) -> Path | None:
    found = sorted(folder.glob(f"{stem}.*")) if folder.is_dir() else []
    return next((p for p in found if ".part" not in p.name), None)


def input_path(job_id: uuid.UUID | str) -> Path | None:
    return _single(job_folder(job_id), "input")


def output_path(job_id: uuid.UUID | str) -> Path | None:
    return _single(job_folder(job_id), "output")


def input_save(job_id: uuid.UUID | str, chunks: Iterator[bytes], suffix: str) -> Path:
    """Stores an upload for the job to read; ``suffix`` (".xlsx", ".csv") tells its format."""
    path = job_folder(job_id, create=True) / f"input{_clean(suffix)}"
    with path.open("xb") as stream:
        for chunk in chunks:
            stream.write(chunk)
    path.chmod(0o600)
    return path


def output_write(job_id: uuid.UUID | str, data: bytes, suffix: str) -> Path:
    """Writes the job's output whole or not at all (temporary file, fsync, rename)."""
    folder = job_folder(job_id, create=True)
    final = folder / f"output{_clean(suffix)}"
    part = folder / f"output{_clean(suffix)}.part"
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(part, final)
    return final


def output_part(job_id: uuid.UUID | str, suffix: str) -> tuple[Path, Path]:
    """(temporary, final) paths for a writer that writes a file itself; publish with
    ``output_publish`` once it is complete."""
    folder = job_folder(job_id, create=True)
    return folder / f"output.part{_clean(suffix)}", folder / f"output{_clean(suffix)}"


def output_publish(part: Path, final: Path) -> Path:
    with part.open("rb") as stream:
        os.fsync(stream.fileno())
    part.chmod(0o600)
    os.replace(part, final)
    return final


def input_remove(job_id: uuid.UUID | str) -> None:
    if (path := input_path(job_id)) is not None:
        path.unlink(missing_ok=True)


def folder_remove(job_id: uuid.UUID | str) -> None:
    shutil.rmtree(job_folder(job_id), ignore_errors=True)


def _clean(suffix: str) -> str:
    """Only a plain extension ever reaches a file name (".xlsx", ".csv", ".zip", ".pdf")."""
    text = suffix.lower()
    if not text.startswith(".") or not text[1:].isalnum() or len(text) > 8:
        return ".bin"
    return text
