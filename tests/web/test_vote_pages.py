"""The evaluator's pages, driven through Django's test client (no JavaScript)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from pingyi.voting.services import IssuedBatch
from tests.stored import stored_ballots
from tests.web.conftest import Cast

pytestmark = pytest.mark.django_db


def _without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def test_the_start_page_asks_for_a_code_and_loads_only_its_own_assets() -> None:
    response = Client().get("/v/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' in html and "/static/pingyi/vote.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_code_review_submit_then_check_the_receipt(cast: Cast, issued: IssuedBatch) -> None:
    client = Client()
    code = issued.codes[0]
    ballot = client.post("/v/", {"code": code})
    assert ballot.status_code == 200 and "组织部" in ballot.content.decode()
    review = client.post("/v/review", {"code": code, "m_L1": "satisfied", "m_V1": "dissatisfied"})
    text = review.content.decode()
    assert review.status_code == 200 and "2 units are left blank" in text
    done = client.post("/v/submit", {"code": code, "m_L1": "satisfied", "m_V1": "dissatisfied"})
    assert done.status_code == 200
    receipt = done.context["receipt"]
    assert stored_ballots()[0].marks == "0-2-"
    check = client.post("/receipt/", {"campaign": cast.campaign.code, "receipt": receipt})
    assert check.context["counted"] is True
    wrong = client.post("/receipt/", {"campaign": cast.campaign.code, "receipt": "2345623456"})
    assert wrong.context["counted"] is False


def test_going_back_from_review_keeps_the_marks(issued: IssuedBatch) -> None:
    response = Client().post("/v/", {"code": issued.codes[0], "back": "1", "m_L1": "satisfied"})
    assert 'name="m_L1" value="satisfied" checked' in response.content.decode()


def test_a_used_code_and_an_unknown_code_get_the_same_page(issued: IssuedBatch) -> None:
    client = Client()
    client.post("/v/submit", {"code": issued.codes[0], "m_L1": "satisfied"})
    used = client.post("/v/", {"code": issued.codes[0]})
    unknown = client.post("/v/", {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert used.status_code == unknown.status_code == 409
    assert _without_csrf(used.content) == _without_csrf(unknown.content)


def test_the_token_never_appears_in_a_url(issued: IssuedBatch) -> None:
    client = Client()
    for response in (
        client.post("/v/", {"code": issued.codes[0]}),
        client.post("/v/review", {"code": issued.codes[0]}),
    ):
        html = response.content.decode()
        for attribute in ("href=", "action=", "formaction=", "src="):
            for chunk in html.split(attribute)[1:]:
                assert issued.codes[0] not in chunk.split(">")[0]


def test_pages_carry_a_strict_content_security_policy() -> None:
    policy = Client().get("/v/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
