"""R15: a closed campaign's tally is counted once, at close, and stored with the sealed ballot
digest (BallotSeal); results read it. Over random small campaigns — marks with blanks and 弃权,
wholly blank ballots, units a paper file leaves out, evaluator groups or none, paper and
online — the stored tally is what a fresh recount of the raw ballots gives and what a naive
count of the ballots as they were cast gives. And a stored tally changed with plain SQL is
named by `pingyi verify`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi import cli
from pingyi.accounts.actors import Actor
from pingyi.ballots.models import BallotSeal
from pingyi.ballots.selectors import campaign_count, campaign_results, stored_count
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme, campaign_unit_specs
from pingyi.campaigns.services import campaign_close
from pingyi.voting.services import ballot_submit, token_issue
from pingyi.voting.verify import ballots_verify
from tests.ballots.conftest import rows_of
from tests.cast import STAFF, UNITS, make_campaign

pytestmark = pytest.mark.django_db
CODES = [u.code for u in UNITS]
LABELS = ["满意", "基本满意", "不满意", "弃权"]  # the built-in scheme's marks, in index order
ABSTAIN = 3
GROUPS = {"service_recipients": "服务对象", "cadres_and_representatives": "干部和各界代表"}
TALLY = "the stored tally differs from a recount of the ballots"

mark = st.sampled_from(["", *LABELS])  # "" left blank


@dataclass(frozen=True)
class Cast:
    """One ballot as the evaluator filled it in: a label or "" per unit on it."""

    group: str | None  # the group's code
    marks: dict[str, str]  # unit code → label or "" (blank); a unit absent is not covered
    number: str | None  # paper ballots only


@st.composite
def campaigns(draw: st.DrawFn) -> tuple[list[str], list[Cast], list[Cast]]:
    """The paper file's unit columns, its ballots, and the online ballots."""
    columns = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=4, unique=True))
    group = st.sampled_from([None, *GROUPS])
    paper_rows = draw(
        st.lists(st.tuples(group, st.lists(mark, min_size=4, max_size=4)), max_size=14)
    )
    paper = [
        Cast(g, dict(zip(columns, marks, strict=False)), f"P{n}")
        for n, (g, marks) in enumerate(paper_rows, start=1)
    ]
    online_rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(list(GROUPS)),
                st.dictionaries(st.sampled_from(CODES), mark, max_size=4),
            ),
            max_size=14,
        )
    )
    # An online ballot shows every unit: one the evaluator did not touch is blank.
    online = [Cast(g, {c: m.get(c, "") for c in CODES}, None) for g, m in online_rows]
    return columns, paper, online


def naive_count(campaign: Campaign, paper: list[Cast], online: list[Cast]) -> dict[str, Any]:
    """The tally in plain Python, ballot by ballot, from the ballots as cast: BallotSeal.tally's
    shape (selectors.CampaignCount.as_json)."""
    units = campaign_unit_specs(campaign)
    categories = [c.code for c in campaign_scheme(campaign).categories]
    group_pk = {g.code: str(g.pk) for g in campaign.groups.all()}

    def matrix() -> list[list[int]]:
        return [[0] * len(LABELS) for _ in units]

    counted = matrix()
    groups: dict[str, dict[str, Any]] = {}
    ungrouped = [0] * len(categories)
    invalid: list[str] = []
    for ballot in [*paper, *online]:
        given_marks = [LABELS.index(m) for m in ballot.marks.values() if m]
        if all(m == ABSTAIN for m in given_marks):  # blank or abstain only: a blank ballot
            invalid.append(ballot.number or "")
            continue
        into = None
        if ballot.group is not None:
            into = groups.setdefault(
                group_pk[ballot.group],
                {"ballots": 0, "covering": [0] * len(categories), "counted": matrix()},
            )
            into["ballots"] += 1
        for i, category in enumerate(categories):
            if any(u.code in ballot.marks for u in units if u.category_code == category):
                if into is not None:
                    into["covering"][i] += 1
                else:
                    ungrouped[i] += 1
        for row, unit in enumerate(units):
            if unit.code not in ballot.marks:
                continue
            index = LABELS.index(ballot.marks[unit.code]) if ballot.marks[unit.code] else ABSTAIN
            counted[row][index] += 1
            if into is not None:
                into["counted"][row][index] += 1
    return {
        "total": len(paper) + len(online),
        "online": len(online),
        "paper": len(paper),
        "invalid": sorted(invalid, key=lambda n: (len(n), n)),
        "counted": counted,
        "groups": dict(sorted(groups.items(), key=lambda kv: int(kv[0]))),
        "ungrouped": ungrouped,
    }


def cast_and_close(
    folder: Path, columns: list[str], paper: list[Cast], online: list[Cast]
) -> Campaign:
    campaign = make_campaign()
    for code in GROUPS:
        ballots = [b for b in online if b.group == code]
        if not ballots:
            continue
        group = campaign.groups.get(code=code)
        issued = token_issue(
            campaign=campaign, group=group, count=len(ballots), actor=Actor.operator(STAFF)
        )
        for token, ballot in zip(issued.codes, ballots, strict=True):
            ballot_submit(code=token, marks=ballot.marks)
    if paper:
        lines = ["ballot_no,group," + ",".join(columns)]
        for ballot in paper:
            group = GROUPS[ballot.group] if ballot.group else ""
            lines.append(
                ",".join([ballot.number or "", group, *(ballot.marks[c] for c in columns)])
            )
        path = folder / "paper.csv"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    return campaign


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(drawn=campaigns())
def test_the_stored_tally_is_a_recount_and_a_naive_count(
    drawn: tuple[list[str], list[Cast], list[Cast]], tmp_path: Path
) -> None:
    columns, paper, online = drawn
    with transaction.atomic():  # each example on an empty database
        campaign = cast_and_close(tmp_path, columns, paper, online)
        stored = stored_count(campaign)
        assert stored is not None
        fresh = campaign_count(campaign).as_json()
        assert stored.as_json() == fresh
        assert BallotSeal.objects.get(campaign=campaign).tally == fresh  # as read back
        assert fresh == naive_count(campaign, paper, online)
        transaction.set_rollback(True)


def _tamper_stored_tally(campaign: Campaign) -> None:
    """The adversary's plain SQL: one count in the stored tally's text moved by one."""
    table = BallotSeal._meta.db_table
    cast_text = "::text" if connection.vendor == "postgresql" else ""
    cast_back = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tally{cast_text} FROM {table} WHERE campaign_id = %s",  # noqa: S608
            [campaign.pk],
        )
        tally = json.loads(cursor.fetchone()[0])
        tally["counted"][0][0] += 1
        tally["counted"][0][1] -= 1  # the unit's ballots still add up
        cursor.execute(
            f"UPDATE {table} SET tally = %s{cast_back} WHERE campaign_id = %s",  # noqa: S608
            [json.dumps(tally), campaign.pk],
        )


def test_a_stored_tally_changed_by_plain_sql_is_named_by_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = [Cast(None, dict.fromkeys(CODES, "满意"), f"P{n}") for n in range(1, 11)]
    campaign = cast_and_close(tmp_path, CODES, paper, [])
    before = campaign_results(campaign).tally.units[0]
    assert [r.problems for r in ballots_verify() if r.campaign.pk == campaign.pk] == [[]]
    _tamper_stored_tally(campaign)
    # Results read the stored tally, not a recount: the change shows there…
    assert campaign_results(campaign).tally.units[0] != before
    # …and verify recounts the raw ballots and names the campaign.
    [found] = [r for r in ballots_verify() if r.campaign.pk == campaign.pk]
    assert [p.template % p.params for p in found.problems] == [TALLY]
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    assert cli.main(["verify"]) == 1
    assert f"ballots of {campaign.code} do NOT reconcile: {TALLY}" in capsys.readouterr().out
