"""The registry's cast: the joint-meeting office (Erin admin, Alice staff, Bob viewer), two
registering units (Uma registers for the organization department, Victor for a town), Charlie
who runs another organization's clean-up, and Dave with no role anywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.registry.models import Cleanup, RegisteringUnit
from pingyi.registry.services import ProjectSpec, cleanup_create, unit_add, unit_member_add
from pingyi.rules import registry as r
from tests.cast import people
from tests.once import ModuleRows, copy_of

START = dt.date(2009, 2, 15)
OFFICE = "alice"

# A project no rule touches; tests change what they need with replace().
SOUND = ProjectSpec(
    name="全市先进基层党组织评选",
    organizer="市委组织部",
    organizer_kind=r.PARTY_COMMITTEE,
    level=r.CITY,
    cycle="每两年",
    target_group="基层党组织",
    basis_kind=r.CENTRAL_DOCUMENT,
    basis_title="中办发〔2008〕1号",
)


def as_(name: str) -> Actor:
    """The cast member ``name`` acting (their roles decide, in registry.access)."""
    return Actor.of(User.objects.get(username=name))


def spec(name: str, **changes: Any) -> ProjectSpec:
    return replace(SOUND, name=name, **changes)


@dataclass
class Cast:
    cleanup: Cleanup
    other: Cleanup
    department: RegisteringUnit
    town: RegisteringUnit
    erin: User
    alice: User
    bob: User
    uma: User
    victor: User
    charlie: User
    dave: User


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _home(settings: Any, tmp_path: Path) -> None:
    """Basis documents' files go under this test's own PINGYI_HOME."""
    settings.HOME = tmp_path / "home"


def build_cast() -> Cast:
    office = Organization.objects.create(code="jiwei", name="市纪委纠风室")
    elsewhere = Organization.objects.create(code="elsewhere", name="另一市联席会议办公室")
    users = people(office, elsewhere, ("erin", "alice", "bob", "uma", "victor", "charlie", "dave"))
    cleanup = cleanup_create(
        organization=office, code="qingli-2009", name="2009年清理规范评比达标表彰活动",
        started_on=START, actor=as_(OFFICE),
    )  # fmt: skip
    other = cleanup_create(
        organization=elsewhere, code="elsewhere-2009", name="另一市清理", started_on=START,
        actor=as_("charlie"),
    )  # fmt: skip
    department = unit_add(cleanup=cleanup, code="zzb", name="市委组织部", actor=as_(OFFICE))
    town = unit_add(cleanup=cleanup, code="town", name="某某镇党委", actor=as_(OFFICE))
    unit_member_add(unit=department, username="uma", actor=as_(OFFICE))
    unit_member_add(unit=town, username="victor", actor=as_(OFFICE))
    return Cast(cleanup, other, department, town, **users)  # type: ignore[arg-type]


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
