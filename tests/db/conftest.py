from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme, campaign_units
from pingyi.campaigns.services import campaign_create, campaign_open
from pingyi.inputs.p1_files import BallotRows, read_ballots
from pingyi.rules.scheme import builtin_scheme
from pingyi.rules.tally import UnitSpec

STAFF = "alice"

UNITS = [
    UnitSpec("L1", "组织部", "地方管理部门", "local"),
    UnitSpec("L2", "宣传部", "地方管理部门", "local"),
    UnitSpec("V1", "国税局", "垂直管理部门", "vertical"),
    UnitSpec("F1", "人行", "金融部门", "financial", veto=True),
]


def make_campaign(
    year: int = 2026,
    units: list[UnitSpec] | None = None,
    *,
    open_it: bool = True,
    series: str = "qianren",
) -> Campaign:
    campaign = campaign_create(
        organization_code="office",
        organization_name="评议办",
        series_code=series,
        series_name="千人评议机关",
        year=year,
        name=f"{year}年千人评议",
        scheme=builtin_scheme(),
        units=units or UNITS,
        actor=STAFF,
    )
    if open_it:
        campaign_open(campaign=campaign, actor=STAFF)
    return campaign


@pytest.fixture
def campaign(db: None) -> Campaign:
    return make_campaign()


@pytest.fixture
def ballots_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(text: str, name: str = "ballots.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def rows_of(campaign: Campaign, path: Path) -> BallotRows:
    return read_ballots(
        path, [u.code for u in campaign_units(campaign)], campaign_scheme(campaign), path.name
    )
