from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.ballots.models import Ballot
from pingyi.ballots.selectors import campaign_tally, decode_marks
from pingyi.ballots.services import ballots_import, encode_marks
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_close
from pingyi.rules.errors import InputError, RuleError
from pingyi.rules.tally import BLANK, NOT_COVERED, UnitSpec
from tests.ballots.conftest import rows_of
from tests.cast import STAFF, make_campaign

pytestmark = pytest.mark.django_db
Write = Callable[..., Path]

GOOD = (
    "ballot_no,group,L1,L2,V1,F1\n"
    "1,服务对象,满意,基本满意,不满意,满意\n"
    "2,干部和各界代表,满意,,满意,弃权\n"
    "3,服务对象,,,,\n"
)


@pytest.mark.django_db(databases=[])
def test_marks_are_stored_one_character_each_and_read_back_the_same() -> None:
    matrix = np.array([[NOT_COVERED, BLANK, *range(10)], [9, 0, BLANK, NOT_COVERED, *[5] * 8]])

    texts = encode_marks(matrix.astype(np.int8))

    assert texts == [".-0123456789", "90-.55555555"]
    assert decode_marks(texts, 12).tolist() == matrix.tolist()


def test_an_import_stores_every_row_and_reports_blank_ballots(
    campaign: Campaign, ballots_file: Write
) -> None:
    report = ballots_import(
        campaign=campaign, rows=rows_of(campaign, ballots_file(GOOD)), actor=Actor.operator(STAFF)
    )
    assert (report.imported, report.invalid, report.rejected) == (3, 1, [])
    assert Ballot.objects.filter(campaign=campaign).count() == 3
    assert Ballot.objects.filter(campaign=campaign, valid=False).get().ballot_no == "3"
    entry = AuditEntry.objects.get(action="ballots.paper.imported")
    assert (entry.data["imported"], entry.data["rejected"]) == (3, 0)


def test_importing_the_same_file_twice_adds_nothing_and_names_each_row(
    campaign: Campaign, ballots_file: Write
) -> None:
    rows = rows_of(campaign, ballots_file(GOOD))
    ballots_import(campaign=campaign, rows=rows, actor=Actor.operator(STAFF))
    again = ballots_import(campaign=campaign, rows=rows, actor=Actor.operator(STAFF))
    assert again.imported == 0
    assert [(r.row, r.ballot_no) for r in again.rejected] == [(2, "1"), (3, "2"), (4, "3")]
    assert Ballot.objects.filter(campaign=campaign).count() == 3


def test_a_second_file_imports_only_the_numbers_not_seen_before(
    campaign: Campaign, ballots_file: Write
) -> None:
    ballots_import(
        campaign=campaign, rows=rows_of(campaign, ballots_file(GOOD)), actor=Actor.operator(STAFF)
    )
    before = Ballot.objects.count()
    second = ballots_file("ballot_no,L1\n3,满意\n4,不满意\n5,满意\n", "second.csv")
    report = ballots_import(
        campaign=campaign, rows=rows_of(campaign, second), actor=Actor.operator(STAFF)
    )
    assert (report.imported, len(report.rejected)) == (2, 1)
    assert report.rejected[0].row == 2
    assert Ballot.objects.count() - before == report.imported


def test_an_unknown_group_refuses_the_whole_file(campaign: Campaign, ballots_file: Write) -> None:
    path = ballots_file(GOOD + "4,路人甲,满意,满意,满意,满意\n")
    with pytest.raises(InputError) as refused:
        ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))
    assert refused.value.messages()[0].startswith("ballots.csv, row 5, column B (group): ")
    assert Ballot.objects.count() == 0
    assert not AuditEntry.objects.filter(action="ballots.paper.imported").exists()


def test_ballots_are_refused_unless_the_campaign_is_open(ballots_file: Write) -> None:
    draft = make_campaign(open_it=False)
    with pytest.raises(RuleError) as refused:
        ballots_import(
            campaign=draft, rows=rows_of(draft, ballots_file(GOOD)), actor=Actor.operator(STAFF)
        )
    assert refused.value.message() == (
        "ballots are accepted only while the campaign is open (it is a draft)"
    )
    assert Ballot.objects.count() == 0


def test_ballots_after_close_are_refused(campaign: Campaign, ballots_file: Write) -> None:
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    with pytest.raises(RuleError):
        ballots_import(
            campaign=campaign,
            rows=rows_of(campaign, ballots_file(GOOD)),
            actor=Actor.operator(STAFF),
        )
    assert Ballot.objects.count() == 0


def test_no_results_while_the_campaign_is_open(campaign: Campaign, ballots_file: Write) -> None:
    ballots_import(
        campaign=campaign, rows=rows_of(campaign, ballots_file(GOOD)), actor=Actor.operator(STAFF)
    )
    with pytest.raises(RuleError) as refused:
        campaign_tally(campaign)
    assert refused.value.message() == "no results while the campaign is open: close it first"


def test_stored_results_count_the_stored_ballots(campaign: Campaign, ballots_file: Write) -> None:
    ballots_import(
        campaign=campaign, rows=rows_of(campaign, ballots_file(GOOD)), actor=Actor.operator(STAFF)
    )
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    result = campaign_tally(campaign)
    assert (result.total_ballots, result.valid_ballots) == (3, 2)
    assert [b.ballot_no for b in result.invalid] == ["3"]
    l1 = result.units[0]
    assert (l1.valid_ballots, l1.counts, l1.score) == (2, (2, 0, 0, 0), 4)
    assert [(g.name, g.ballots) for g in result.groups] == [("服务对象", 1), ("干部和各界代表", 1)]


def test_a_unit_missing_from_the_file_is_not_covered_by_its_ballots(
    campaign: Campaign, ballots_file: Write
) -> None:
    path = ballots_file("ballot_no,L1,L2\n1,满意,不满意\n2,满意,满意\n")
    ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    by_code = {u.spec.code: u for u in campaign_tally(campaign).units}
    assert by_code["V1"].flags == ["no_ballots"] and by_code["V1"].valid_ballots == 0
    assert by_code["L1"].valid_ballots == 2


BANKS = [UnitSpec(f"F{i}", f"银行{i}", "金融部门", "financial") for i in range(1, 5)]


def test_consecutive_last_follows_the_previous_campaign_of_the_series(ballots_file: Write) -> None:
    years = {2025: "满意,满意,基本满意,不满意", 2026: "满意,基本满意,满意,不满意"}
    for year, marks in years.items():
        campaign = make_campaign(year, BANKS)
        path = ballots_file(f"ballot_no,F1,F2,F3,F4\n1,{marks}\n2,{marks}\n")
        ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))
        campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    flags = {u.spec.code: u.flags for u in campaign_tally(campaign).units}
    assert flags["F4"] == ["last", "consecutive_last"]
    assert flags["F3"] == ["winner"]


def test_an_imported_previous_list_decides_consecutive_last(ballots_file: Write) -> None:
    campaign = make_campaign(2026, BANKS)
    campaign.previous_last = ["F3"]
    campaign.save()
    path = ballots_file("ballot_no,F1,F2,F3,F4\n1,满意,满意,不满意,基本满意\n")
    ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    flags = {u.spec.code: u.flags for u in campaign_tally(campaign).units}
    assert flags["F3"] == ["last", "consecutive_last"]
