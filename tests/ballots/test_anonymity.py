"""R9 and R10: the database alone cannot link a ballot to a person, a token or a moment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from django.db import models

from pingyi.accounts.actors import Actor
from pingyi.ballots.models import Ballot
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign
from pingyi.fields import RandomIdField
from tests.ballots.conftest import rows_of
from tests.cast import STAFF

# Reviewed columns of the ballot table. A new column fails here until someone has checked
# that it cannot identify the evaluator, the token or the time of voting, and added it.
REVIEWED_BALLOT_COLUMNS = {
    "id": RandomIdField,  # random, not sequential; SQLite's rowid itself
    "campaign": models.ForeignKey,
    "group": models.ForeignKey,  # the evaluator group: small groups are suppressed (R12)
    "ballot_no": models.CharField,  # the number printed on a paper form, not a person
    "marks": models.TextField,
    "valid": models.BooleanField,
    "source": models.CharField,
    "cast_on": models.DateField,  # a day, never a time
    "mac": models.BinaryField,  # a keyed hash of the other columns: nothing new (R15)
}
FORBIDDEN_WORDS = ("token", "user", "evaluator", "session", "ip", "agent", "receipt", "voter")


def _reachable(model: type[models.Model]) -> set[type[models.Model]]:
    seen: set[type[models.Model]] = set()
    stack = [model]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for field in current._meta.get_fields():
            linked = field.many_to_one or field.one_to_one or field.many_to_many
            if linked and field.concrete and field.related_model is not None:
                stack.append(field.related_model)  # type: ignore[arg-type]
    return seen


def test_the_ballot_table_has_only_reviewed_columns() -> None:
    columns = {f.name: type(f) for f in Ballot._meta.concrete_fields}
    assert columns == REVIEWED_BALLOT_COLUMNS


def test_nothing_reachable_from_a_ballot_leads_to_a_person_token_or_session() -> None:
    reachable = _reachable(Ballot)
    names = {m._meta.label for m in reachable}
    assert names == {
        "ballots.Ballot",
        "campaigns.Campaign",
        "campaigns.Series",
        "accounts.Organization",
        "campaigns.EvaluatorGroup",
    }
    for model in reachable:
        for field in model._meta.concrete_fields:
            words = field.name.lower().split("_")
            assert not set(words) & set(FORBIDDEN_WORDS), f"{model._meta.label}.{field.name}"
    ballot_times = [
        f.name
        for f in Ballot._meta.concrete_fields
        if isinstance(f, models.DateTimeField | models.TimeField)
    ]
    assert ballot_times == []


def _spearman(a: list[int], b: list[int]) -> float:
    ra = np.argsort(np.argsort(a))
    rb = np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


@pytest.mark.django_db
def test_ballot_ids_and_row_order_do_not_follow_the_order_of_entry(
    campaign: Campaign, ballots_file: Callable[..., Path]
) -> None:
    lines = ["ballot_no,L1,L2"] + [f"{i},满意,不满意" for i in range(1, 1001)]
    ballots_import(
        campaign=campaign,
        rows=rows_of(campaign, ballots_file("\n".join(lines))),
        actor=Actor.operator(STAFF),
    )
    entered = [int(n) for n in Ballot.objects.order_by("id").values_list("ballot_no", flat=True)]
    assert sorted(entered) == list(range(1, 1001))
    assert abs(_spearman(entered, list(range(1000)))) < 0.15
    ids = list(Ballot.objects.values_list("id", flat=True))
    assert len(set(ids)) == 1000
    assert max(ids) > 2**40  # random 62-bit ids, not a counter


@pytest.mark.django_db
def test_an_attacker_with_the_database_cannot_read_the_ballots_of_a_small_kind() -> None:
    """Seed 001 五(二): the two 党政领导 who voted are nearly named by their kind. The
    adversary holds a copy of the database after the close (R9) and reads it in plain SQL,
    without the key: no ballot row names a kind of fewer than k ballots; the leaders'
    ballots (a mark nobody else gave) are there, but under the group of 40 %, among the
    group's ballots; and no row of any table leads from a used token to them."""
    from django.db import connection

    from pingyi.campaigns.services import campaign_close, campaign_open
    from pingyi.campaigns.yearend_services import kinds_add_seed
    from pingyi.voting.models import BallotToken
    from pingyi.voting.services import ballot_submit, token_issue
    from tests.cast import make_campaign

    campaign = make_campaign(open_it=False)
    kinds_add_seed(campaign=campaign, actor=Actor.operator(STAFF))
    enterprises = campaign.groups.get(code="enterprise_heads")
    leaders = campaign.groups.get(code="party_government_leaders")
    sectors = campaign.groups.get(code="sector_representatives")
    codes = {
        kind: token_issue(campaign=campaign, group=kind, count=n, actor=Actor.operator(STAFF)).codes
        for kind, n in ((enterprises, 10), (leaders, 2), (sectors, 9))
    }
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    usual = {"L1": "满意", "L2": "基本满意", "V1": "满意", "F1": "满意"}
    for kind, issued in codes.items():
        for code in issued:
            marks = {**usual, "L1": "不满意"} if kind == leaders else usual
            ballot_submit(code=code, marks=marks)
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))

    ballots = Ballot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.code, g.parent_id IS NOT NULL, count(*) FROM {ballots} b"  # noqa: S608
            " JOIN campaigns_evaluatorgroup g ON g.id = b.group_id"
            " WHERE b.campaign_id = %s GROUP BY g.code, g.parent_id",
            [campaign.pk],
        )
        per_group = {code: (is_kind, n) for code, is_kind, n in cursor.fetchall()}
        cursor.execute(
            f"SELECT g.code FROM {ballots} b JOIN campaigns_evaluatorgroup g"  # noqa: S608
            " ON g.id = b.group_id WHERE b.campaign_id = %s AND b.marks LIKE %s",
            [campaign.pk, "2%"],  # 不满意 on L1, the unit in the first place
        )
        distinctive = [row[0] for row in cursor.fetchall()]
    k = 8
    assert all(n >= k for is_kind, n in per_group.values() if is_kind), per_group
    # The two leaders' ballots alone in the group would be as good as named: the nine of
    # 各界代表 went with them (the complement), so they are two among eleven.
    assert "party_government_leaders" not in per_group
    assert "sector_representatives" not in per_group
    assert per_group["cadres_and_representatives"] == (False, 11)
    assert distinctive == ["cadres_and_representatives"] * 2
    # The leaders' tokens are used, and say so; nothing beside them names a ballot.
    used = BallotToken.objects.filter(group=leaders, use__isnull=False).count()
    assert used == 2
    token_columns = {f.name for f in BallotToken._meta.concrete_fields}
    assert not token_columns & {"ballot", "ballot_id", "marks", "receipt"}
