"""The nominations' cast: the office that runs the commendation (Erin admin, Alice and Olga
staff, Bob viewer); a county (Cora nominates and recommends for it) above a town (Uma
nominates for it); a city department that hands its list straight to the office (Victor);
Charlie who runs another organization; Dave with no role anywhere.

The round runs under the one project of a published kept list (seed 000's clean-up)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization, Role
from pingyi.nominations.models import NominatingUnit, NominationRound
from pingyi.nominations.services import NomineeSpec, round_create, unit_add, unit_member_add
from pingyi.registry.models import Project
from pingyi.registry.services import (
    cleanup_advance,
    cleanup_create,
    project_decide,
    projects_import,
)
from pingyi.registry.services import (
    unit_add as registry_unit_add,
)
from pingyi.rules import registry as r
from tests.cast import people
from tests.once import ModuleRows, copy_of
from tests.registry.conftest import spec

START = dt.date(2026, 3, 1)
SYSTEM = Actor.operator("test")


def person(name: str, *, grassroots: bool = True, leader: bool = False) -> NomineeSpec:
    return NomineeSpec(
        name=name, workplace="某镇便民服务中心", post="窗口工作人员" if grassroots else "局长",
        rank="staff" if grassroots else "county", grassroots=grassroots, leader=leader,
        deeds="服务群众满意率高",
    )  # fmt: skip


def kept_project(office: Organization, code: str = "qingli-2025") -> Project:
    cleanup = cleanup_create(
        organization=office, code=code, name="2025年清理规范评比达标表彰活动",
        started_on=dt.date(2025, 2, 15), actor=SYSTEM,
    )  # fmt: skip
    unit = registry_unit_add(cleanup=cleanup, code="rsj", name="市人社局", actor=SYSTEM)
    (kept, cancelled) = projects_import(
        cleanup=cleanup, unit=unit,
        specs=[spec("人民满意的公务员评选"), spec("窗口单位评比", basis_kind=r.NO_BASIS)],
        actor=SYSTEM,
    )  # fmt: skip
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT, r.PUBLISHED):
        project_decide(project=kept, decision=r.KEEP, actor=SYSTEM)
        project_decide(project=cancelled, decision=r.CANCEL, actor=SYSTEM)
        cleanup_advance(cleanup=cleanup, target=name, actor=SYSTEM, reason="试点")
    return kept


@dataclass
class Cast:
    office: Organization
    round: NominationRound
    county: NominatingUnit
    town: NominatingUnit
    department: NominatingUnit
    erin: User
    alice: User
    olga: User
    bob: User
    cora: User
    uma: User
    victor: User
    charlie: User
    dave: User

    def actor(self, name: str) -> Actor:
        return Actor.of(getattr(self, name))


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def build_cast() -> Cast:
    office = Organization.objects.create(code="rsj", name="市人力资源和社会保障局")
    elsewhere = Organization.objects.create(code="elsewhere", name="另一市人社局")
    names = ("erin", "alice", "olga", "bob", "cora", "uma", "victor", "charlie", "dave")
    users: dict[str, Any] = people(office, elsewhere, names, roles={"olga": Role.STAFF})
    round_ = round_create(
        organization=office, project=kept_project(office), code="myd-2026",
        name="2026年人民满意的公务员推荐", started_on=START, quota=4, actor=SYSTEM,
    )  # fmt: skip
    county = unit_add(round_=round_, code="county", name="某县人社局", quota=1, actor=SYSTEM)
    town = unit_add(round_=round_, code="town", name="某某镇", parent_code="county", quota=2,
                    actor=SYSTEM)  # fmt: skip
    department = unit_add(round_=round_, code="dept", name="市税务局", headcount=150, actor=SYSTEM)
    for unit, name in ((county, "cora"), (town, "uma"), (department, "victor")):
        unit_member_add(unit=unit, username=name, actor=SYSTEM)
    return Cast(office, round_, county, town, department, **users)


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
