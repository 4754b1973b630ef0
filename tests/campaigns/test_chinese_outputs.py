"""Issue 12: the workbooks and PDFs a clerk downloads speak Chinese — headers, labels, notes —
with no English message left (the pages are checked in every app's access matrix)."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.chinese import FIXTURE_WORDS, ZH, english_in, pdf_texts, workbook_texts
from tests.jobs.conftest import finish_jobs, through_job
from tests.web.conftest import Cast, client_for


def _closed(cast: Cast) -> str:
    alice = client_for(cast.alice)
    rows = "\n".join(f"{i},满意,不满意,满意" for i in range(1, 11))
    upload = SimpleUploadedFile("p.csv", f"ballot_no,L1,L2,V1\n{rows}\n".encode())
    alice.post(f"/staff/c/{cast.campaign.code}/paper", {"file": upload})
    finish_jobs()
    alice.post(f"/staff/c/{cast.campaign.code}/transition", {"to": "close"})
    return cast.campaign.code


def test_the_results_workbook_and_report_are_all_chinese(cast: Cast) -> None:
    code = _closed(cast)
    alice = client_for(cast.alice)
    alice.defaults.update({"HTTP_ACCEPT_LANGUAGE": "zh-hans"})
    book = through_job(alice, f"/staff/c/{code}/results.xlsx").content_bytes
    texts = workbook_texts(book)
    assert "评议结果汇总" in " ".join(texts) or any("满意率" in t for t in texts)
    assert english_in(texts, FIXTURE_WORDS) == []
    report = pdf_texts(through_job(alice, f"/staff/c/{code}/results.pdf").content_bytes)
    assert any("满意率" in line for line in report)
    assert english_in(report, FIXTURE_WORDS) == []


def test_the_templates_and_the_paper_form_are_all_chinese(cast: Cast) -> None:
    alice = client_for(cast.alice)
    code = cast.campaign.code
    for url in ("/staff/units-template.xlsx", f"/staff/c/{code}/template.xlsx"):
        response = alice.get(url, headers=ZH)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert english_in(workbook_texts(content), FIXTURE_WORDS) == [], url
    form = alice.get(f"/staff/c/{code}/form.pdf", headers=ZH)
    assert form.status_code == 200
    content = b"".join(form.streaming_content) if form.streaming else form.content
    assert english_in(pdf_texts(content), FIXTURE_WORDS) == []


def test_means_and_rates_read_the_same_on_the_page_and_in_the_report(cast: Cast) -> None:
    """Issue 12: the page gave three decimals of a mean where the workbook and the PDF gave
    four; every figure of the page is now the report's, to the last decimal."""
    code = _closed(cast)
    alice = client_for(cast.alice)
    page = alice.get(f"/staff/c/{code}/results").content.decode()
    figures = re.findall(r'<td class="num">(\d+\.\d{4}|\d+\.\d{2}%)</td>', page)
    assert len(figures) >= 6  # a mean and a rate per unit
    # The charts' figures are the table's, not rounded to three digits of their own.
    charted = re.findall(r'font-size="11">(\d+\.\d+)</text>', page)
    assert charted and {f for f in charted if len(f.split(".")[1]) == 4} <= set(figures)
    assert not [f for f in charted if len(f.split(".")[1]) not in (1, 2, 4)]
    report = " ".join(pdf_texts(through_job(alice, f"/staff/c/{code}/results.pdf").content_bytes))
    assert [f for f in figures if f not in report] == []
