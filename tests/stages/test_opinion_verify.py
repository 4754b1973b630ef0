"""Opinions are checked like ballots (`pingyi verify`, and the reconciliation a restore
prints): codes used against the forms the chain records sent, online and paper opinions
against the forms and the imports, the pool against the key, and the opinions as received
against the digest sealed when the collection closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from pingyi.accounts.actors import Actor
from pingyi.cli import main
from pingyi.inputs.opinion_files import PaperOpinion, PaperOpinions
from pingyi.operations.backup import OPINIONS, restored_problems
from pingyi.stages.models import Opinion, OpinionCodeUse, PooledOpinion
from pingyi.stages.opinion_services import (
    opinion_codes_issue,
    opinion_send,
    opinion_sort,
    opinions_close,
    opinions_import,
)
from pingyi.stages.opinion_verify import (
    P_ONLINE,
    P_PAPER,
    P_POOL,
    P_SENT,
    P_SET,
    campaign_opinions_reconcile,
    opinions_verify,
)
from tests.stages.conftest import Cast

pytestmark = pytest.mark.django_db

IN_STAGE = dt.date(2026, 5, 10)
OFFICE = Actor.operator("cli:test")


def _collected(cast: Cast, *, close: bool = True) -> None:
    """Three forms sent online (four opinions), two paper opinions, then (``close``) closed."""
    codes = opinion_codes_issue(campaign=cast.campaign, count=4, actor=OFFICE).codes
    opinion_send(code=codes[0], entries=[("L1", "窗口排队太久"), ("L2", "宣传不到位")],
                 today=IN_STAGE)  # fmt: skip
    opinion_send(code=codes[1], entries=[("L1", "态度生硬")], today=IN_STAGE)
    opinion_send(code=codes[2], entries=[("V1", "审批慢")], today=IN_STAGE)
    opinions_import(campaign=cast.campaign, actor=OFFICE, paper=PaperOpinions("p.xlsx", [
        PaperOpinion(2, "P1", "L1", "", "办事指南不清"), PaperOpinion(3, "P2", "L2", "", "网站旧"),
    ]))  # fmt: skip
    if close:
        opinions_close(campaign=cast.campaign, actor=OFFICE, today=dt.date(2026, 6, 30))


def _problems(cast: Cast) -> list[str]:
    return [p.template for p in campaign_opinions_reconcile(cast.campaign).problems]


def test_collected_and_sorted_opinions_reconcile_and_verify_says_so(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    _collected(cast)
    for opinion in Opinion.objects.select_related("campaign", "unit"):  # sorting changes no digest
        opinion_sort(opinion=opinion, category="other", actor=OFFICE, wording="措辞")
    found = campaign_opinions_reconcile(cast.campaign)
    assert (found.codes_used, found.sent, found.online, found.paper, found.pooled) == (
        3, 3, 4, 2, 0,
    )  # fmt: skip
    assert found.ok
    assert [r.campaign.code for r in opinions_verify()] == [cast.campaign.code]
    assert main(["verify"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if cast.campaign.code in line]
    assert any("4" in line and "2" in line for line in lines), lines


def test_a_removed_or_altered_opinion_fails_verify(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    _collected(cast)
    altered = Opinion.objects.filter(form_no__isnull=True).order_by("id").first()
    assert altered is not None
    Opinion.objects.filter(pk=altered.pk).update(text="改过的意见")
    assert _problems(cast) == [P_SET]
    Opinion.objects.filter(form_no="P1").delete()
    assert _problems(cast) == [P_PAPER, P_SET]
    Opinion.objects.filter(form_no__isnull=True).delete()
    assert _problems(cast) == [P_ONLINE, P_PAPER, P_SET]
    assert main(["verify"]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if cast.campaign.code in line]
    assert len(lines) == 4, lines  # the ballots reconcile; three problems of the opinions


def test_a_code_used_without_a_form_sent_and_a_forged_pool_row_fail(cast: Cast) -> None:
    _collected(cast, close=False)
    spare = opinion_codes_issue(campaign=cast.campaign, count=1, actor=OFFICE).batch.codes.get()
    OpinionCodeUse.objects.create(code=spare)
    assert P_SENT in _problems(cast)
    OpinionCodeUse.objects.filter(code=spare).delete()
    pooled = PooledOpinion.objects.first()
    assert pooled is not None  # forms wait in the pool until k of them mix (or the close)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PooledOpinion._meta.db_table} SET sealed = %s WHERE id = %s",  # noqa: S608
            [b"\x00" * 40, pooled.pk],
        )
    assert _problems(cast) == [P_POOL]


def test_a_restore_reconciles_the_opinions_too(cast: Cast) -> None:
    _collected(cast)
    assert restored_problems() == ()
    Opinion.objects.filter(form_no="P2").delete()
    problems = [(code, what, template) for code, what, template, _p in restored_problems()]
    assert problems == [
        (cast.campaign.code, OPINIONS, P_PAPER),
        (cast.campaign.code, OPINIONS, P_SET),
    ]
