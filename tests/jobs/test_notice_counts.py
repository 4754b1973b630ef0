"""R15 with R27: the public notice counts as issued only the codes that could vote, and says
how many codes of withdrawn batches were voided (issue 12: "已发放评议码 4310" against 5 used)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from pingyi.accounts.actors import Actor
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.services import campaign_close, campaign_create, campaign_open
from pingyi.notices.services import notice_publish
from pingyi.rules.scheme import builtin_scheme
from pingyi.voting.batches import batch_withdraw
from pingyi.voting.services import ballot_submit, token_issue
from tests.ballots.conftest import rows_of
from tests.notices.conftest import AS_STAFF, PROFILE, STAFF, T0, _mark, unit_specs

pytestmark = pytest.mark.django_db


def test_the_notice_counts_withdrawn_codes_apart(tmp_path: Path) -> None:
    codes = list(PROFILE)
    campaign = campaign_create(
        organization_code="office", organization_name="评议办", series_code="qianren",
        series_name="千人评议机关", year=2026, name="2026年千人评议", scheme=builtin_scheme(),
        units=unit_specs(codes), actor=Actor.operator(STAFF), code="office-qianren-2026",
    )  # fmt: skip
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    group = campaign.groups.get(name="服务对象")
    lost = token_issue(campaign=campaign, group=group, count=2000, actor=Actor.operator(STAFF))
    kept = token_issue(campaign=campaign, group=group, count=10, actor=Actor.operator(STAFF))
    ballot_submit(code=lost.codes[0], marks=dict.fromkeys(codes, "满意"))
    assert batch_withdraw(batch=lost.batch, actor=Actor.operator(STAFF)) == 1999
    for code in kept.codes[:4]:
        ballot_submit(code=code, marks=dict.fromkeys(codes, "基本满意"))
    lines = [",".join(["ballot_no", *codes])]
    lines += [",".join([f"P{i}", *(_mark(PROFILE[c], i) for c in codes)]) for i in range(10)]
    path = tmp_path / "paper.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    notice = notice_publish(campaign=campaign, actor=AS_STAFF, now=T0)

    assert (notice.tokens_issued, notice.tokens_withdrawn, notice.tokens_used) == (11, 1999, 5)
    assert notice.reconciles
    page = Client().get(f"/notice/{notice.code}/").content.decode()
    assert "Tokens issued<b>11</b>" in page and "Tokens withdrawn<b>1999</b>" in page
    assert "1999 codes of withdrawn batches (sheets lost or never delivered) were voided" in page
    api = Client().get(f"/api/notices/{notice.code}").json()
    assert (api["tokens_issued"], api["tokens_withdrawn"]) == (11, 1999)
