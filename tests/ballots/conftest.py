from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme, campaign_units
from pingyi.inputs.p1_files import BallotRows, read_ballots
from tests.cast import make_campaign


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
