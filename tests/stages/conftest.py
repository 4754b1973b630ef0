"""An open campaign with its six stages dated, and the cast of the stages: Alice runs the
office (staff), Bob reads (viewer), Olga owns unit L1, Mike is a member of L1, Paul owns L2,
Charlie runs another office, Dave has no role anywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.campaigns.models import Campaign, StageKind, Unit
from pingyi.campaigns.services import campaign_open, campaign_stages_set
from pingyi.rectification.models import UnitAccess, UnitRole
from pingyi.rules.tally import UnitSpec
from tests.cast import STAFF, make_campaign, people
from tests.once import ModuleRows, copy_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
D = dt.date
STAGES = {
    StageKind.MOBILIZATION: (D(2026, 1, 5), D(2026, 1, 31)),
    StageKind.PLEDGES: (D(2026, 2, 1), D(2026, 2, 28)),
    StageKind.SELF_INSPECTION: (D(2026, 3, 1), D(2026, 4, 30)),
    StageKind.OPINIONS: (D(2026, 5, 1), D(2026, 6, 30)),
    StageKind.RECTIFICATION: (D(2026, 7, 1), D(2026, 9, 30)),
    StageKind.APPRAISAL: (D(2026, 11, 1), D(2026, 12, 15)),
}


@dataclass
class Cast:
    campaign: Campaign
    other: Campaign
    l1: Unit
    l2: Unit
    alice: User
    bob: User
    olga: User
    mike: User
    paul: User
    charlie: User
    dave: User

    def actor(self, user: User) -> Actor:
        return Actor.of(user)


@pytest.fixture(autouse=True)
def _clear_rate_limits_and_media(settings: Any, tmp_path: Path) -> None:
    cache.clear()
    settings.HOME = tmp_path / "home"


def dated_campaign(
    series: str = "qianren",
    stages: dict[str, tuple[D, D]] | None = None,
    units: list[UnitSpec] | None = None,
) -> Campaign:
    campaign = make_campaign(open_it=False, series=series, units=units)
    dates = STAGES if stages is None else stages
    campaign_stages_set(
        campaign=campaign,
        stages={k.value if hasattr(k, "value") else k: v for k, v in dates.items()},
        actor=Actor.operator(STAFF),
    )
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    return campaign


def build_cast() -> Cast:
    campaign = dated_campaign()
    other = dated_campaign(series="elsewhere")
    elsewhere = Organization.objects.create(code="other-office", name="另一个评议办")
    other.series.organization = elsewhere
    other.series.save()
    office = campaign.series.organization
    users = people(office, elsewhere, ("alice", "bob", "olga", "mike", "paul", "charlie", "dave"))
    for name, code, role in (("olga", "L1", UnitRole.OWNER), ("mike", "L1", UnitRole.MEMBER),
                             ("paul", "L2", UnitRole.OWNER)):  # fmt: skip
        UnitAccess.objects.create(
            user=users[name], organization=office, series=campaign.series, unit_code=code,
            role=role,
        )  # fmt: skip
    return Cast(
        campaign, other, campaign.units.get(code="L1"), campaign.units.get(code="L2"),
        *(users[n] for n in ("alice", "bob", "olga", "mike", "paul", "charlie", "dave")),
    )  # fmt: skip


@pytest.fixture(scope="module")
def _cast_built(module_db: ModuleRows) -> Cast:
    """The cast, built once for the module's tests (tests/once.py)."""
    return module_db.build(build_cast)


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def shared_cast(db: None, _cast_built: Cast) -> Cast:
    """The cast built once for the module, for the modules that ask for it by naming
    their ``cast`` fixture so (the access matrices, the parity tests; tests/once.py)."""
    return copy_of(_cast_built)
