"""A final notice and its plans (L6 rectify, L7 last, V4 last), with the cast of the ledger:
Alice supervises (staff of the office), Bob reads (viewer), Olga owns unit L7, Mike is a
member of L7, Charlie runs another office, Dave has no role anywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.notices.models import Notice
from pingyi.notices.services import notice_finalize, notice_publish
from pingyi.rectification.models import Item, Plan, UnitAccess, UnitRole
from pingyi.rectification.services import item_add
from tests.cast import people
from tests.notices.conftest import AS_STAFF, closed_campaign
from tests.once import ModuleRows, copy_of

TODAY = dt.date(2026, 6, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class Ledger:
    notice: Notice
    plan: Plan  # L7's
    item: Item
    alice: User
    bob: User
    olga: User
    mike: User
    charlie: User
    dave: User


@pytest.fixture(autouse=True)
def _clear_rate_limits_and_media(settings: Any, tmp_path: Path) -> None:
    cache.clear()
    settings.HOME = tmp_path / "home"


def final_notice(folder: Path, **kwargs: Any) -> Notice:
    campaign = closed_campaign(folder, **kwargs)
    past = timezone.now() - dt.timedelta(days=10)
    notice = notice_publish(campaign=campaign, actor=AS_STAFF, now=past)
    return notice_finalize(notice=notice, actor=AS_STAFF)


def as_(name: str) -> Actor:
    """The cast member ``name`` acting (their roles decide, in rectification.access)."""
    return Actor.of(User.objects.get(username=name))


def build_ledger(folder: Path) -> Ledger:
    notice = final_notice(folder)
    office = notice.organization
    other = final_notice(folder, organization="other-office").organization
    users = people(office, other, ("alice", "bob", "olga", "mike", "charlie", "dave"), email=True)
    alice, bob, olga, mike, charlie, dave = users.values()
    plan = Plan.objects.get(notice=notice, unit_code="L7")
    for user, role in ((olga, UnitRole.OWNER), (mike, UnitRole.MEMBER)):
        UnitAccess.objects.create(
            user=user, organization=office, series=plan.series, unit_code="L7", role=role
        )
    item = item_add(
        plan=plan,
        description="办事窗口排队时间长",
        measures="增设窗口，推行网上预约",
        target="平均等候时间降到15分钟以内",
        owner="王科长",
        deadline=TODAY + dt.timedelta(days=30),
        actor=as_("alice"),
    )
    return Ledger(notice, plan, item, alice, bob, olga, mike, charlie, dave)


@pytest.fixture(scope="module")
def _ledger_built(module_db: ModuleRows, tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    """The ledger, built once for the module's tests (tests/once.py)."""
    folder = tmp_path_factory.mktemp("ledger")
    return module_db.build(lambda: build_ledger(folder))


@pytest.fixture
def ledger(db: None, tmp_path: Path) -> Ledger:
    return build_ledger(tmp_path)


@pytest.fixture
def shared_ledger(db: None, _ledger_built: Ledger) -> Ledger:
    """The ledger built once for the module, for the modules that ask for it by naming
    their ``ledger`` fixture so (the access matrices, the parity tests; tests/once.py)."""
    return copy_of(_ledger_built)
