"""Token sheet measurements in their own process: `python bench/sheets_tasks.py TASK ARGS…`.

Like bench/tasks.py, each task prints its figures as one JSON line after ``RESULT_MARK``.

- ``bundle N OUT.zip``: ``write_token_bundle`` of N fresh codes into a file, timed, with the
  resident memory before writing and the highest while writing (the kernel's peak, reset just
  before); then the ZIP is opened back (not timed) to count its pages and CSV rows.
- ``floor N``: encoding N payloads one at a time, nothing drawn: segno choosing everything,
  segno with the layout fixed (the issue's floor), reportlab's QrCodeWidget (what the sheets
  used before, on N / 10 payloads), and the composition the sheets now use.
"""

from __future__ import annotations

import re
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grading_tasks import Sampler, current_mb
from tasks import django_ready, emit, peak_mb

BASE_URL = "https://pingyi.example.gov.cn/v/"


def _reset_peak() -> bool:
    """Sets the process's peak resident memory (VmHWM) back to what it uses now (Linux:
    ``clear_refs`` 5), so that the peak read after writing is the writer's alone: imports and
    font loading reach higher before, and a 5 ms sampler can miss a brief spike."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_since_reset() -> float:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def _batch(n: int) -> tuple[Any, Any, Any]:
    """A campaign, a group and an issued batch of ``n`` codes, none of them stored."""
    from pingyi.campaigns.models import Campaign, EvaluatorGroup
    from pingyi.voting.codes import TOKEN_LENGTH, new_code
    from pingyi.voting.models import TokenBatch
    from pingyi.voting.services import IssuedBatch

    campaign = Campaign(name="2026年千人评议机关（基准）", code="BENCH")
    group = EvaluatorGroup(name="服务对象", code="svc")
    codes = [new_code(TOKEN_LENGTH) for _ in range(n)]
    return campaign, group, IssuedBatch(batch=TokenBatch(pk=1, size=n), codes=codes)


def task_bundle(n: str, out: str) -> None:
    django_ready()
    from pingyi.exports.pdf import register_cjk_font
    from pingyi.exports.token_sheets import write_token_bundle

    campaign, group, issued = _batch(int(n))
    register_cjk_font()  # once a process: the job's worker has it loaded already
    before = current_mb()
    exact = _reset_peak()
    with Sampler() as sampler:
        start, cpu = time.perf_counter(), time.process_time()
        write_token_bundle(
            Path(out), campaign=campaign, group=group, issued=issued, base_url=BASE_URL
        )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    writing_peak = _peak_since_reset() if exact else sampler.highest
    with zipfile.ZipFile(out) as archive:
        [pdf] = [n for n in archive.namelist() if n.endswith(".pdf")]
        [table] = [n for n in archive.namelist() if n.endswith(".csv")]
        pages = archive.read(pdf).count(b"/Type /Page ")
        rows = archive.read(table).count(b"\r\n") - 1
        pdf_mb = archive.getinfo(pdf).file_size / 2**20
    emit(
        codes=int(n),
        seconds=seconds,
        cpu_seconds=cpu,  # less swayed by a busy machine
        rss_before_mb=before,
        writing_peak_mb=writing_peak,
        writing_peak_exact=exact,
        peak_mb=peak_mb(),
        zip_mb=Path(out).stat().st_size / 2**20,
        pdf_mb=pdf_mb,
        pages=pages,
        csv_rows=rows,
    )


def task_floor(n: str) -> None:
    import segno
    from reportlab.graphics.barcode.qr import QrCodeWidget

    from pingyi.exports.qr import QR_LEVEL, QrEncoder, qr_plan
    from pingyi.voting.codes import TOKEN_LENGTH, new_code

    payloads = [f"{BASE_URL}#{new_code(TOKEN_LENGTH)}".encode() for _ in range(int(n))]
    plan = qr_plan(payloads[0])

    def rate(encode: Callable[[bytes], object], some: list[bytes]) -> float:
        start = time.perf_counter()
        for payload in some:
            encode(payload)
        return len(some) / (time.perf_counter() - start)

    def widget(payload: bytes) -> object:
        qr = QrCodeWidget(payload.decode(), barLevel=QR_LEVEL).qr
        qr.make()
        return qr.modules

    def fixed(payload: bytes) -> object:
        return segno.make_qr(
            payload, error=plan.error, version=plan.version, mask=plan.mask, mode="byte",
            boost_error=False,
        ).matrix  # fmt: skip

    def composed(payloads: list[bytes]) -> float:
        start = time.perf_counter()
        encoder = QrEncoder(plan, payloads[0])
        for page in range(0, len(payloads), 10):  # a page at a time, as the sheets do
            encoder.matrices(payloads[page : page + 10])
        return len(payloads) / (time.perf_counter() - start)

    emit(
        payloads=len(payloads),
        payload_bytes=len(payloads[0]),
        segno_auto=rate(lambda p: segno.make_qr(p, error=QR_LEVEL, mode="byte"), payloads),
        segno_fixed=rate(fixed, payloads),
        reportlab=rate(widget, payloads[: max(1, len(payloads) // 10)]),
        composed=composed(payloads),
        peak_mb=peak_mb(),
    )


TASKS = {"bundle": task_bundle, "floor": task_floor}

if __name__ == "__main__":
    TASKS[sys.argv[1]](*sys.argv[2:])
