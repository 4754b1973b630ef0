"""The ballot page shows the scheme's criteria (seed 001 四) folded above the units."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from pingyi.campaigns.models import Campaign
from pingyi.rules.scheme import builtin_scheme
from pingyi.voting.services import IssuedBatch
from tests.chinese import FIXTURE_WORDS, ZH, english_left
from tests.web.conftest import Cast

pytestmark = pytest.mark.django_db

SEED = ["比依法行政", "比行政效能", "比工作实绩", "比工作机制"]


def _criteria_block(html: str) -> str:
    found = re.search(r'<details class="criteria">.*?</details>', html, re.S)
    assert found, "no criteria on the ballot"
    return found.group(0)


def test_the_ballot_shows_the_four_criteria_folded_above_the_units_in_chinese(
    issued: IssuedBatch,
) -> None:
    response = Client().post("/v/", {"code": issued.codes[0]}, headers=ZH)
    html = response.content.decode()
    assert response.status_code == 200
    block = _criteria_block(html)
    assert "<summary>评议标准</summary>" in block
    assert '<details class="criteria">' in block  # closed: no ``open`` attribute
    for criterion in builtin_scheme().criteria:
        assert criterion.name in block and criterion.description in block
    assert [block.index(name) for name in SEED] == sorted(block.index(name) for name in SEED)
    assert html.index("评议标准") < html.index('<section class="category">')
    assert english_left(html, FIXTURE_WORDS) == []


def test_the_english_ballot_names_the_criteria_in_english(issued: IssuedBatch) -> None:
    html = Client().post("/v/", {"code": issued.codes[0], "language": "en"}).content.decode()
    block = _criteria_block(html)
    assert "Appraisal criteria" in block and "Law-based administration" in block
    assert "比依法行政" not in block


def test_a_scheme_without_criteria_shows_no_fold(cast: Cast, issued: IssuedBatch) -> None:
    campaign = Campaign.objects.get(pk=cast.campaign.pk)
    campaign.scheme = {**campaign.scheme, "criteria": []}
    campaign.save(update_fields=["scheme"])
    html = Client().post("/v/", {"code": issued.codes[0]}, headers=ZH).content.decode()
    assert "criteria" not in html and "评议标准" not in html


def test_the_api_ballot_form_lists_the_criteria_in_order(issued: IssuedBatch) -> None:
    response = Client().post(
        "/api/ballot-form", {"token": issued.codes[0]}, content_type="application/json"
    )
    assert response.status_code == 200
    criteria = response.json()["criteria"]
    assert [c["name"] for c in criteria] == SEED
    assert criteria[0]["description"].startswith("看执政为民") and criteria[0]["name_en"]
