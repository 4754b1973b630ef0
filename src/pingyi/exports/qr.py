"""QR codes for printing in bulk: segno's encoder with one symbol layout per batch, matrices
composed from segno's for many payloads at once, and drawn as PDF path operators.

segno picks a version, a mask and sometimes a higher error level per payload; scoring the eight
masks is four fifths of its time. A batch of ballot codes shares all but the code, so
:func:`qr_plan` fixes version, level and mask once, as segno chooses them for the longest
payload: the smallest version that holds it in byte mode at level M, the level raised as far as
that version allows (Q for a short base URL), and the mask segno scores best for it.

With the layout fixed, a QR matrix is an affine function of the payload's bits over GF(2): the
Reed-Solomon check bytes are linear in the data bytes, placement is a permutation, the mask
and the format and version bits are constants, as are the mode, length and padding bits of
payloads of one length. So for those,
``matrix(p) = matrix(r) XOR sum of delta(i) over the bits i where p and r differ``, with
``delta(i) = matrix(r with bit i flipped) XOR matrix(r)``. :class:`QrEncoder` asks segno for
``matrix(r)`` and for one ``delta`` per bit that ever differs in the batch (the 128 bits of a
16-letter code, never those of the shared base URL), holds each as an integer of side × side
bits and composes every other matrix with a XOR per differing byte: segno's 0.55 ms a code
becomes a few microseconds. Every matrix is still segno's arithmetic, and the first one
composed in a batch is checked against segno encoding it outright.

A matrix is drawn as vectors (:class:`QrPaths`), one rectangle per run of dark modules in a
row (about 300 for a version 4 symbol, against some 550 dark modules), filled as one path:
sharp at any printer resolution, a few kilobytes a code before compression. One image per code
would be smaller still but relies on the viewer not smoothing it when scaled up, which several
do, and a blurred module edge is what a creased, photocopied slip can least afford.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import segno

QR_LEVEL = "M"  # at least: a creased slip may lose modules; M recovers from 15 % lost
QR_BORDER = 4  # the quiet zone the standard asks for around the symbol, in modules
E_COMPOSED = "the composed QR matrix of {payload!r} is not segno's: its layout is not fixed"

Matrices = npt.NDArray[np.uint8]  # (count, side, side), rows from the top, 1 is dark


@dataclass(frozen=True)
class QrPlan:
    """The symbol layout every payload of a batch is encoded with."""

    version: int
    error: str  # L, M, Q or H
    mask: int

    @property
    def side(self) -> int:
        """Modules a side, without the quiet zone."""
        return 17 + 4 * self.version

    def matrix(self, payload: bytes) -> npt.NDArray[np.uint8]:
        """``payload`` encoded by segno in byte mode with this plan, (side, side). Raises
        ``segno.DataOverflowError`` when it does not fit (longer than the plan was made for)."""
        symbol = segno.make_qr(
            payload,
            error=self.error,
            version=self.version,
            mask=self.mask,
            mode="byte",
            boost_error=False,
        )
        return np.frombuffer(b"".join(symbol.matrix), dtype=np.uint8).reshape(self.side, -1)


def qr_plan(longest: bytes) -> QrPlan:
    """The plan for a batch whose longest payload is ``longest``: segno's choice for it
    (capacity depends only on the length in byte mode, so every shorter payload fits too)."""
    symbol = segno.make_qr(longest, error=QR_LEVEL, mode="byte")
    version = symbol.version
    assert isinstance(version, int)  # noqa: S101 - make_qr never makes a Micro QR code
    return QrPlan(version=version, error=symbol.error, mask=symbol.mask)


class QrEncoder:
    """Matrices of many payloads under one plan, composed from segno's (see the module's
    docstring). Payloads as long as ``reference`` are composed; any other length is encoded
    by segno outright (correct, only slower).

    A matrix is held as one integer of side × side bits, row by row from the top left module
    as the most significant bit, so that composing is a few XORs of integers."""

    def __init__(self, plan: QrPlan, reference: bytes) -> None:
        self.plan = plan
        self._reference = reference
        self._base = self._bits(plan.matrix(reference))
        self._deltas: dict[tuple[int, int], int] = {}  # (byte's place, XOR with reference)
        self._flips: dict[tuple[int, int], int] = {}  # (byte's place, bit)
        self._checked = False

    def matrices(self, payloads: Sequence[bytes]) -> Matrices:
        side = self.plan.side
        size = (side * side + 7) // 8
        composed = [
            self._compose(payload) if len(payload) == len(self._reference) else None
            for payload in payloads
        ]
        if not self._checked:
            self._check(payloads, composed)
        data = b"".join(
            (self._bits(self.plan.matrix(payload)) if bits is None else bits).to_bytes(size)
            for payload, bits in zip(payloads, composed, strict=True)
        )
        rows = np.unpackbits(
            np.frombuffer(data, dtype=np.uint8).reshape(len(payloads), size), axis=1
        )
        return rows[:, : side * side].reshape(len(payloads), side, side)

    def _compose(self, payload: bytes) -> int:
        bits, deltas = self._base, self._deltas
        for place, (byte, was) in enumerate(zip(payload, self._reference, strict=True)):
            if byte != was:
                key = (place, byte ^ was)
                delta = deltas.get(key)
                if delta is None:
                    delta = deltas[key] = self._delta(*key)
                bits ^= delta
        return bits

    def _delta(self, place: int, flips: int) -> int:
        """What XOR-ing the reference's byte at ``place`` with ``flips`` changes in the matrix:
        the XOR of what flipping each of those bits alone changes, which segno is asked once
        per bit (at most 8 a place that differs somewhere in the batch: 128 for ballot codes)."""
        delta = 0
        for bit in range(8):
            if flips >> bit & 1:
                found = self._flips.get((place, bit))
                if found is None:
                    changed = bytearray(self._reference)
                    changed[place] ^= 1 << bit
                    found = self._bits(self.plan.matrix(bytes(changed))) ^ self._base
                    self._flips[place, bit] = found
                delta ^= found
        return delta

    def _check(self, payloads: Sequence[bytes], composed: Sequence[int | None]) -> None:
        """The last composed matrix against segno's own, once: a segno whose layout came to
        depend on more than version, level, mask and length fails here, not on a slip."""
        for payload, bits in zip(reversed(payloads), reversed(composed), strict=True):
            if bits is not None:
                if bits != self._bits(self.plan.matrix(payload)):
                    raise RuntimeError(E_COMPOSED.format(payload=payload))
                self._checked = True
                return

    @staticmethod
    def _bits(matrix: npt.NDArray[np.uint8]) -> int:
        return int.from_bytes(np.packbits(matrix.ravel()).tobytes())


class QrPaths:
    """PDF path operators for matrices of one size, quiet zone included: module (0, 0) is the
    bottom left corner of the quiet zone and a module is one unit, so the caller scales by the
    printed size over :attr:`units`. Each run of dark modules in a row is one ``re``."""

    def __init__(self, side: int, border: int = QR_BORDER) -> None:
        self.side, self.border = side, border
        self.units = side + 2 * border
        self._operators = _Runs(side, border)

    def paths(self, matrices: Matrices) -> list[str]:
        """One path a matrix (to be filled with ``f``), computed for all of them at once."""
        count, side = len(matrices), self.side
        rows = np.zeros((count, side, side + 2), dtype=np.int8)  # a light module either side
        rows[:, :, 1:-1] = matrices
        edges = np.diff(rows, axis=2).ravel()  # +1 where a run starts, -1 after it ends
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        per_matrix = side * (side + 1)
        keys = ((starts % per_matrix) * (side + 1) + (ends - starts)).tolist()
        bounds = np.searchsorted(starts // per_matrix, np.arange(count + 1)).tolist()
        operator = self._operators.__getitem__
        return ["\n".join(map(operator, keys[bounds[n] : bounds[n + 1]])) for n in range(count)]


class _Runs(dict[int, str]):
    """``x y width 1 re`` of a run keyed by its place and length in the rows of
    :meth:`QrPaths.paths`; a symbol size has a few thousand distinct runs, each formatted once
    (a dict that fills itself is the fastest lookup from ``map``)."""

    def __init__(self, side: int, border: int) -> None:
        super().__init__()
        self.side, self.border = side, border

    def __missing__(self, key: int) -> str:
        place, length = divmod(key, self.side + 1)
        row, column = divmod(place, self.side + 1)
        y = self.side + self.border - row - 1
        found = self[key] = f"{self.border + column} {y} {length} 1 re"
        return found
