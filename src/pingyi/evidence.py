"""Evidence files: checked by size, name and content, kept outside the static files.

Stored under PINGYI_HOME/media/evidence with a random name; only the ledger's download view
(which checks who asks, R17) ever reads them back. A file's type is decided by its first
bytes, not by what the browser claims: a script renamed .pdf is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from pingyi.rules.errors import RuleError, gettext_noop

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# suffix → (content type, the bytes such a file starts with)
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}

E_TOO_MANY = gettext_noop("at most %(max)s files with one progress note")
E_TOO_BIG = gettext_noop("%(name)s is %(size)s bytes: an evidence file is at most %(max)s bytes")
E_EMPTY = gettext_noop("%(name)s is empty")
E_KIND = gettext_noop("%(name)s: only PDF, PNG and JPEG files are accepted as evidence")
E_CONTENT = gettext_noop("%(name)s is not really a %(kind)s file (its content says otherwise)")


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    size: int = -1  # as received; -1: len(content). A file over the limit need not be read.

    @property
    def length(self) -> int:
        return len(self.content) if self.size < 0 else self.size


@dataclass(frozen=True)
class Checked:
    original_name: str
    suffix: str
    content_type: str
    content: bytes
    sha256: str


def folder() -> Path:
    return Path(settings.HOME) / "media" / "evidence"


def check(uploads: Iterable[Upload]) -> list[Checked]:
    """Every file, or RuleError naming the first one refused (nothing is stored then)."""
    files = list(uploads)
    if len(files) > MAX_FILES:
        raise RuleError(E_TOO_MANY, max=MAX_FILES)
    checked: list[Checked] = []
    for upload in files:
        name = Path(upload.name or "file").name[:200]
        size = upload.length
        if size == 0:
            raise RuleError(E_EMPTY, name=name)
        if size > MAX_BYTES:
            raise RuleError(E_TOO_BIG, name=name, size=size, max=MAX_BYTES)
        suffix = Path(name).suffix.lower()
        kind = KINDS.get(suffix)
        if kind is None:
            raise RuleError(E_KIND, name=name)
        content_type, magic = kind
        if not upload.content.startswith(magic):
            raise RuleError(E_CONTENT, name=name, kind=suffix.lstrip(".").upper())
        checked.append(
            Checked(
                original_name=name,
                suffix=suffix,
                content_type=content_type,
                content=upload.content,
                sha256=hashlib.sha256(upload.content).hexdigest(),
            )
        )
    return checked


def store(file: Checked) -> str:
    """Writes the file under a random name; returns that name."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}{file.suffix}"
    (target / stored).write_bytes(file.content)
    return stored


def remove(stored: Iterable[str]) -> None:
    for name in stored:
        (folder() / name).unlink(missing_ok=True)


def path_of(stored_name: str) -> Path:
    """The stored file; its name is ours (random hex and a suffix), never a user's path."""
    return folder() / Path(stored_name).name
