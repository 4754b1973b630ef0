"""A province's grading on public notice (issue 16): more than SPLIT_ABOVE organizations are
read committee by committee — an index of the committees with their counts per grade, one
committee's table at a time (`?c=N`) — each page under 200 KB; the objection form lists the
committee's organizations; the full list prints as PDF while on notice (公示)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from pingyi.notices.models import Notice
from pingyi.notices.selectors import SPLIT_ABOVE
from pingyi.notices.services import review_apply
from tests.chinese import ZH
from tests.notices.conftest import AS_STAFF, large_grading

pytestmark = pytest.mark.django_db
GOAL_BYTES = 200 * 1024


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _options(text: str) -> list[str]:
    return re.findall(r'<option value="(P\d+)"', text)


def _page(text: str) -> str:
    """The page but its CSRF tokens (new on every answer)."""
    return re.sub(r'(name="csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]*"', "", text)


def _rows(text: str, table_id: str) -> int:
    """The body rows of the table ``table_id`` (or of the committee's table: "grading")."""
    mark = 'class="results notice grading"' if table_id == "grading" else f'id="{table_id}"'
    start = text.index(mark)
    body = text[start : text.index("</table>", start)]
    return body.count("<tr") - 1  # the header row


@pytest.mark.slow  # 3,000 organizations imported, graded and published: several seconds
def test_a_3000_organization_notice_reads_committee_by_committee_under_200_kb(
    tmp_path: Path, django_assert_num_queries: Any
) -> None:
    notice = large_grading(tmp_path, 3000, 60, now=_now())
    client = Client()
    with django_assert_num_queries(5):  # as any notice: notice, entries, reviews, answers, head
        index = client.get(f"/notice/{notice.code}/", headers=ZH)
    text = index.content.decode()
    assert index.status_code == 200 and len(index.content) < GOAL_BYTES
    assert _rows(text, "committee-index") == 60 and 'class="results notice grading"' not in text
    assert '<td><a href="?c=1#shown">第0镇党委</a></td><td class="num">50</td>' in text
    assert "3000个基层党组织按基层党(工)委分列" in text
    # the index takes no objection: it says to choose the committee first
    assert 'id="objection-form"' not in text and 'id="objection-choose"' in text
    assert _options(text) == []

    with django_assert_num_queries(5):
        first = client.get(f"/notice/{notice.code}/?c=2", headers=ZH)
    page = first.content.decode()
    assert first.status_code == 200 and len(first.content) < GOAL_BYTES
    assert '<h3 id="shown">第1镇党委 <span class="small">' in page
    assert _rows(page, "grading") == 50 and _rows(page, "committee-index") == 60
    assert '<tr class="current"><td><a href="?c=2#shown">第1镇党委</a>' in page
    assert _options(page) == [f"P{i}" for i in range(1, 3000, 60)]  # its own, no other
    assert f'action="/notice/{notice.code}/objection?c=2"' in page
    with django_assert_num_queries(2):  # cached: the notice and the audit chain's head
        again = client.get(f"/notice/{notice.code}/?c=2", headers=ZH)
    assert _page(again.content.decode()) == _page(page)
    last = client.get(f"/notice/{notice.code}/?c=60", headers=ZH).content.decode()
    assert _options(last)[:2] == ["P59", "P119"] and len(_options(last)) == 50

    # an unknown committee is not found, rendered or cached, and costs no rendering
    for bad in ("0", "61", "x", "1.5", "-1", "١", "99999999999"):
        assert client.get(f"/notice/{notice.code}/?c={bad}").status_code == 404, bad
    with django_assert_num_queries(2):
        assert client.get(f"/notice/{notice.code}/?c=61").status_code == 404


def test_a_committee_page_takes_objections_to_its_organizations_only(tmp_path: Path) -> None:
    notice = large_grading(tmp_path, SPLIT_ABOVE + 20, 4, now=_now())
    client = Client()
    url = f"/notice/{notice.code}/objection"
    other = client.post(f"{url}?c=2", {"unit": "P0", "text": "评分有误"}, headers=ZH)
    assert other.status_code == 400  # P0 belongs to committee 1
    text = other.content.decode()
    assert _options(text) == [f"P{i}" for i in range(1, SPLIT_ABOVE + 20, 4)]
    assert _rows(text, "grading") == 80 and '<h3 id="shown">第1镇党委' in text
    assert notice.objections.count() == 0
    filed = client.post(f"{url}?c=2", {"unit": "P5", "text": "评分有误"})
    assert filed.status_code == 201 and notice.objections.get().entry.code == "P5"
    assert client.post(f"{url}?c=9", {"unit": "P5", "text": ""}).status_code == 404


def test_at_the_limit_the_notice_stays_one_page(tmp_path: Path) -> None:
    notice = large_grading(tmp_path, SPLIT_ABOVE, 4, now=_now())
    text = Client().get(f"/notice/{notice.code}/?c=2").content.decode()  # ?c= is ignored
    assert 'id="committee-index"' not in text and text.count("<tr") == SPLIT_ABOVE + 4
    assert len(_options(text)) == SPLIT_ABOVE and 'id="objection-form"' in text


def _pdf_text(response: Any) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_the_full_list_prints_while_on_notice_once_per_revision(
    tmp_path: Path, django_assert_num_queries: Any
) -> None:
    notice: Notice = large_grading(tmp_path, SPLIT_ABOVE + 20, 4, now=_now())
    client = Client()
    page = client.get(f"/notice/{notice.code}/", headers=ZH).content.decode()
    link = f'href="/notice/{notice.code}/notice.pdf" id="notice-pdf">完整名单（PDF，可打印）'
    assert link in page
    response = client.get(f"/notice/{notice.code}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{notice.code}-gongshi.pdf"'
    text = _pdf_text(response)
    assert f"关于{notice.title}结果的公示" in text and "通报" not in text
    assert "公示期自" in text and "可通过公示页面提出" in text
    assert "共320个基层党组织" in text and "第319村党支部" in text  # every organization
    with django_assert_num_queries(2):  # built once: the notice and the head it prints
        assert client.get(f"/notice/{notice.code}/notice.pdf").content == response.content
    review_apply(notice=notice, entry_code="P7", grade="较差", reason="走访核实",
                 approved_by="组织部", actor=AS_STAFF)  # fmt: skip
    changed = _pdf_text(client.get(f"/notice/{notice.code}/notice.pdf"))
    assert "公示期间已经复核更正1项结果" in changed
