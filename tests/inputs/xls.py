"""A minimal Excel 97–2003 (.xls, BIFF8) writer for the tests: one sheet of text cells.

No library the project pins writes .xls, and an office still receives them from older
systems; this writes just what a reader needs — an OLE2 compound file holding a ``Workbook``
stream with the globals (BOF, SST, BOUNDSHEET8, EOF) and one sheet of LABELSST cells.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path

SECTOR = 512
END, FREE, FAT_SECTOR, NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
MINI_CUTOFF = 4096


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 1997, 0, 0x0600))


def _biff(rows: Sequence[Sequence[str | None]]) -> bytes:
    strings: list[str] = []
    index: dict[str, int] = {}
    cells = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if value not in index:
                index[value] = len(strings)
                strings.append(value)
            cells.append(_record(0x00FD, struct.pack("<HHHI", r, c, 0, index[value])))
    sst = struct.pack("<II", len(cells), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings
    )
    name = "Sheet1".encode("utf-16-le")
    width = max((len(r) for r in rows), default=0)
    sheet = (
        _bof(0x0010)
        + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        + b"".join(cells)
        + _record(0x000A)
    )
    head = _bof(0x0005) + _record(0x0042, struct.pack("<H", 1200))
    bound_size = 4 + 4 + 2 + 2 + len(name)
    tail = _record(0x00FC, sst) + _record(0x000A)
    offset = len(head) + bound_size + len(tail)
    bound = _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, 6, 1) + name)
    return head + bound + tail + sheet


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NONE, NONE, child)
        + bytes(16 + 4 + 8 + 8)
        + struct.pack("<IQ", start, size)
    )


def write_xls(path: Path, rows: Sequence[Sequence[str | None]]) -> Path:
    stream = _biff(rows)
    stream += bytes(max(MINI_CUTOFF - len(stream), 0))  # a regular stream, not a mini one
    stream += bytes(-len(stream) % SECTOR)
    count = len(stream) // SECTOR
    assert count + 2 <= SECTOR // 4, "a test workbook fits one FAT sector"
    fat = [FAT_SECTOR, END, *range(3, count + 2), END]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x003E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, MINI_CUTOFF, END, 0, END, 0)
        + struct.pack("<109I", 0, *[FREE] * 108)
    )
    directory = (
        _entry("Root Entry", 5, 1, END, 0)
        + _entry("Workbook", 2, NONE, 2, len(stream))
        + _entry("", 0, NONE, 0, 0) * 2
    )
    path.write_bytes(header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + stream)
    return path
