"""R22: hostile text in every name is shown, never run.

Each payload becomes the campaign's, the organization's, every unit's, category's and evaluator
group's name. Every page that shows them (the evaluator's ballot, review, receipt and receipt
check; the staff home, campaign, paper report and results pages) shows the payload escaped:
no tag, attribute or `javascript:` link appears, and template syntax comes out as the literal
characters (``{{ 7*7 }}`` is never 49). The PDFs print the literal text, the workbooks hold
it as a string, and every HTML response carries a Content-Security-Policy without
'unsafe-inline'.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.html import escape
from pypdf import PdfReader

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close, campaign_create, campaign_open
from pingyi.rules.scheme import Scheme, builtin_scheme
from pingyi.rules.tally import UnitSpec
from pingyi.voting.services import ballot_submit, token_issue
from tests.cast import STAFF
from tests.jobs.conftest import through_job

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute": '" onmouseover="alert(1)',
    "javascript": "javascript:alert(1)",
    "template": "{{ 7*7 }}",
    "tag": "{% debug %}",
}
MARKS = {"L1": "satisfied", "L2": "basically_satisfied", "V1": "dissatisfied", "F1": "satisfied"}
SUFFIXES = ("甲", "乙", "丙", "丁", "戊", "己")


@dataclass
class Hostile:
    payload: str
    campaign: Campaign
    staff: Client
    unit_names: list[str]
    category_names: list[str]
    group_names: list[str]


def _hostile_scheme(payload: str) -> Scheme:
    scheme = builtin_scheme()
    return dataclasses.replace(
        scheme,
        categories=tuple(
            dataclasses.replace(c, name=f"{payload}{SUFFIXES[i]}")
            for i, c in enumerate(scheme.categories)
        ),
        groups=tuple(
            dataclasses.replace(g, name=f"{payload}{SUFFIXES[i]}", aliases=())
            for i, g in enumerate(scheme.groups)
        ),
    )


def _create(payload: str) -> Campaign:
    scheme = _hostile_scheme(payload)
    category = {c.code: c.name for c in scheme.categories}
    units = [
        UnitSpec(code, f"{payload}{SUFFIXES[i]}", category[kind], kind, veto=kind == "financial")
        for i, (code, kind) in enumerate(
            [("L1", "local"), ("L2", "local"), ("V1", "vertical"), ("F1", "financial")]
        )
    ]
    return campaign_create(
        organization_code="office",
        organization_name=payload,
        series_code="qianren",
        series_name=payload,
        year=2026,
        name=payload,
        scheme=scheme,
        units=units,
        actor=Actor.operator(STAFF),
    )


@pytest.fixture(params=sorted(PAYLOADS))
def hostile(request: pytest.FixtureRequest, db: None) -> Hostile:
    payload = PAYLOADS[request.param]
    campaign = _create(payload)
    user = User.objects.create_user("alice")
    Membership.objects.create(user=user, organization=campaign.series.organization, role=Role.STAFF)
    staff = Client()
    staff.force_login(user)
    return Hostile(
        payload=payload,
        campaign=campaign,
        staff=staff,
        unit_names=list(campaign.units.order_by("position").values_list("name", flat=True)),
        category_names=list(
            campaign.categories.order_by("position").values_list("name", flat=True)
        ),
        group_names=list(campaign.groups.order_by("position").values_list("name", flat=True)),
    )


# --- what "shown safely" means ---------------------------------------------------------------

CSP_NEEDED = ("default-src 'self'", "script-src 'self'", "object-src 'none'")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class _Markup(HTMLParser):
    """What a browser would act on: event handlers, inline scripts, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.inline_scripts = 0
        self.script_urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.script_urls.append(f"{tag} {name}")
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


def assert_safe_html(response: TestResponse, payload: str, names: list[str]) -> str:
    """The page shows each of ``names`` escaped, nothing of the payload unescaped."""
    assert response["Content-Type"].startswith("text/html")
    policy = response.headers.get("Content-Security-Policy", "")
    assert all(part in policy for part in CSP_NEEDED), policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    html = response.content.decode()
    missing = [name for name in names if escape(name) not in html]
    assert missing == []
    if escape(payload) != payload:  # "<script>", '" onmouseover="': only ever escaped
        assert payload not in html
    markup = _Markup()
    markup.feed(html)
    assert (markup.handlers, markup.inline_scripts, markup.script_urls) == ([], 0, [])
    assert "{&#x27;" not in html and "{'" not in html  # what {% debug %} would dump
    return html


def assert_pdf_prints(content: bytes, names: list[str]) -> None:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = re.sub(r"\s+", "", text)
    missing = [name for name in names if re.sub(r"\s+", "", name) not in flat]
    assert missing == []


def assert_workbook_holds_text(content: bytes, names: list[str]) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and any(name in cell.value for name in names)
    ]
    found = {name for name in names for cell in cells if name in str(cell.value)}
    assert found == set(names)
    assert {cell.data_type for cell in cells} == {"s"}
    assert not any(str(cell.value).startswith("=") for cell in cells)


# --- the pages ------------------------------------------------------------------------------


def _vote_pages(h: Hostile, code: str) -> Iterator[tuple[TestResponse, list[str]]]:
    evaluator = Client()
    marks = {f"m_{unit}": mark for unit, mark in MARKS.items()}
    yield evaluator.post("/v/", {"code": code}), [h.payload, *h.unit_names, *h.category_names]
    yield evaluator.post("/v/review", {"code": code, **marks}), h.unit_names
    receipt = evaluator.post("/v/submit", {"code": code, **marks}, follow=True)
    yield receipt, [h.payload]
    number = receipt.context["receipt"]
    check = {"campaign": h.campaign.code, "receipt": number}
    yield evaluator.get("/receipt/"), [h.payload]
    yield evaluator.post("/receipt/", check), [h.payload]


def _staff_pages(h: Hostile) -> Iterator[tuple[TestResponse, list[str]]]:
    code = h.campaign.code
    yield h.staff.get("/staff/"), [h.payload]  # the campaign and its organization
    yield (
        h.staff.get(f"/staff/c/{code}/"),
        [h.payload, *h.unit_names, *h.category_names, *h.group_names],
    )


def test_every_page_shows_the_names_escaped(hostile: Hostile) -> None:
    h = hostile
    campaign_open(campaign=h.campaign, actor=Actor.operator(STAFF))
    group = h.campaign.groups.get(code="service_recipients")
    codes = token_issue(
        campaign=h.campaign, group=group, count=9, actor=Actor.operator(STAFF)
    ).codes
    pages = [*_vote_pages(h, codes[0]), *_staff_pages(h)]
    paper = h.staff.post(f"/staff/c/{h.campaign.code}/paper", {})
    pages.append((paper, [h.payload]))
    for code in codes[1:]:
        ballot_submit(code=code, marks=MARKS)
    campaign_close(campaign=h.campaign, actor=Actor.operator(STAFF))
    results = h.staff.get(f"/staff/c/{h.campaign.code}/results")
    assert results.status_code == 200 and results.context["result"].valid_ballots >= 8
    # the chart of the groups' shares names the group that voted
    pages.append((results, [h.payload, *h.unit_names, *h.category_names, group.name]))
    statuses = [response.status_code for response, _names in pages]
    assert statuses == [200] * 7 + [400, 200]
    for response, names in pages:
        assert_safe_html(response, h.payload, names)


def test_the_downloads_print_the_names_literally(hostile: Hostile) -> None:
    h = hostile
    campaign_open(campaign=h.campaign, actor=Actor.operator(STAFF))
    group = h.campaign.groups.get(code="service_recipients")
    for code in token_issue(
        campaign=h.campaign, group=group, count=8, actor=Actor.operator(STAFF)
    ).codes:
        ballot_submit(code=code, marks=MARKS)
    code = h.campaign.code
    form = h.staff.get(f"/staff/c/{code}/form.pdf")
    assert_pdf_prints(form.content, [h.payload, *h.unit_names, *h.category_names])
    template = h.staff.get(f"/staff/c/{code}/template.xlsx")
    assert_workbook_holds_text(template.content, h.unit_names)
    campaign_close(campaign=h.campaign, actor=Actor.operator(STAFF))
    report = through_job(h.staff, f"/staff/c/{code}/results.pdf")
    assert report["Content-Type"] == "application/pdf"
    assert_pdf_prints(report.content_bytes, [h.payload, *h.unit_names, *h.category_names])
    workbook = through_job(h.staff, f"/staff/c/{code}/results.xlsx")
    assert_workbook_holds_text(workbook.content_bytes, [h.payload, *h.unit_names])
    data = h.staff.get(f"/staff/c/{code}/results.json")
    assert data["Content-Type"] == "application/json"
    assert {u["name"] for u in data.json()["units"]} == set(h.unit_names)
