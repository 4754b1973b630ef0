"""Query counts pinned on list and results pages (issue 11).

Each page is rendered with few rows and again once ``grow`` has added many: the two must cost
the same number of queries (no query per row) and that number is written down beside the
page, so a new query fails its test with the queries listed. The per-app tests live in
``tests/<app>/test_queries.py``; this is their one helper.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.chinese import ZH


def page_queries(client: Client, url: str, status: int = 200) -> tuple[HttpResponse, list[str]]:
    """GETs ``url`` (in Chinese, as users see it) with the cache emptied, so that what a page
    keeps there is built again and counted; the response and the SQL it ran."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=ZH)
    assert response.status_code == status, (url, response.status_code)
    return response, [q["sql"] for q in captured.captured_queries]


def _listed(queries: list[str]) -> str:
    return "\n".join(f"  {n}. {sql}" for n, sql in enumerate(queries, 1))


def assert_pinned(
    client: Client,
    url: str,
    grow: Callable[[], str | None],
    pinned: int,
    *,
    status: int = 200,
    grows: bool = True,
) -> None:
    """The page at ``url`` costs ``pinned`` queries before and after ``grow()`` adds rows.

    ``grow`` may return another address to measure (the same page of a larger campaign, say).
    Each address is rendered once first so that per-process caches (content types, layouts)
    are warm; the Django cache is emptied before each measured render. With ``grows`` (the
    default) the page must also get longer: the rows were added where the page shows them, so
    the comparison means something.
    """
    page_queries(client, url, status)
    few_page, few = page_queries(client, url, status)
    url = grow() or url
    page_queries(client, url, status)
    many_page, many = page_queries(client, url, status)
    if grows:
        assert len(many_page.content) > len(few_page.content), f"{url}: the new rows are not shown"
    assert len(few) == len(many), (
        f"{url}: {len(few)} queries with few rows, {len(many)} with many (a query per row?)\n"
        f"with many rows:\n{_listed(many)}"
    )
    assert len(many) == pinned, f"{url}: pinned at {pinned}, now {len(many)}:\n{_listed(many)}"
