"""One use case, every door (issue 11): who may publish a result, answer an objection,
record a review and finalize is decided by notices.access inside the service, so the page, the
API and the command line refuse the same person and let the same person through.

Before, the office's role was checked by the view and the API, and the service trusted its
caller: a viewer calling the service put a result on public notice. The CLI is the machine's
operator (the system actor): it is admitted, as the office is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from pingyi import cli
from pingyi.accounts.actors import PUBLIC, AccessDenied, Actor
from pingyi.accounts.models import Role
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign
from pingyi.notices.grading_notice import notice_publish_grading
from pingyi.notices.models import Notice, Objection
from pingyi.notices.services import (
    notice_finalize,
    notice_publish,
    objection_answer,
    objection_assign,
    objection_file,
    objection_note,
    review_apply,
)
from tests.notices.conftest import AS_STAFF, T0, closed_campaign, decided_grading, staff_user

pytestmark = pytest.mark.django_db

DOORS = ["service", "page", "api", "cli"]


@pytest.fixture(autouse=True)
def _english_and_no_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    cache.clear()


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _people(campaign: Campaign) -> dict[str, User]:
    office = campaign.series.organization
    return {
        "erin": staff_user("erin", office, Role.STAFF),
        "vic": staff_user("vic", office, Role.VIEWER),
    }


@pytest.mark.parametrize("door", DOORS)
def test_a_result_is_published_by_the_office_and_refused_to_a_viewer_alike(
    tmp_path: Path, door: str
) -> None:
    campaign = closed_campaign(tmp_path)
    people = _people(campaign)

    def through(who: str) -> None:
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                notice_publish(campaign=campaign, actor=Actor.of(people[who]))
            elif door == "page":
                url = f"/staff/notices/publish/{campaign.code}"
                answer = _client(people[who]).post(url, {"days": ""})
                assert answer.status_code == (302 if who == "erin" else 403)
            elif door == "api":
                answer = _client(people[who]).post(
                    f"/api/notices/publish/{campaign.code}", "{}", content_type="application/json"
                )
                assert answer.status_code == (201 if who == "erin" else 403)
            elif who == "erin":  # the command line has no person to refuse: its operator
                cli.main(["notice", "publish", "--campaign", campaign.code])

    through("vic")
    assert not Notice.objects.exists()
    through("erin")
    notice = Notice.objects.get()
    assert (
        notice.published_by.startswith("cli:") if door == "cli" else notice.published_by == "erin"
    )


@pytest.mark.parametrize("door", ["service", "page", "api"])
def test_an_objection_is_answered_by_the_office_and_refused_to_a_viewer_alike(
    tmp_path: Path, door: str
) -> None:
    campaign = closed_campaign(tmp_path)
    people = _people(campaign)
    notice = notice_publish(campaign=campaign, actor=AS_STAFF)
    objection = objection_file(notice=notice, entry_code="L7", text="票数有误").objection

    def through(who: str) -> None:
        with suppress(AccessDenied):
            if door == "service":
                objection_answer(
                    objection=objection, answer="经核实无误", actor=Actor.of(people[who])
                )
            elif door == "page":
                url = f"/staff/notices/{notice.code}/objections/{objection.pk}/answer"
                answer = _client(people[who]).post(url, {"answer": "经核实无误"})
                assert answer.status_code == (302 if who == "erin" else 403)
            else:
                answer = _client(people[who]).post(
                    f"/api/notices/{notice.code}/objections/{objection.pk}/answer",
                    json.dumps({"answer": "经核实无误"}),
                    content_type="application/json",
                )
                assert answer.status_code == (200 if who == "erin" else 403)

    through("vic")
    assert Objection.objects.get().answered_by == ""
    through("erin")
    assert Objection.objects.get().answered_by == "erin"


# ------------------------------------------------- the service's own check, called directly


def _refusals(tmp_path: Path) -> dict[str, Callable[[], object]]:
    """Each use case, called by someone it does not belong to (no door in between)."""
    campaign = closed_campaign(tmp_path)
    people = _people(campaign)
    other = closed_campaign(tmp_path, organization="other-office", series="other")
    outsider = staff_user("charlie", other.series.organization, Role.ADMIN)
    notice = notice_publish(campaign=campaign, actor=AS_STAFF, now=T0)
    objection = objection_file(notice=notice, entry_code="L7", text="错", now=T0).objection
    vic, charlie = Actor.of(people["vic"]), Actor.of(outsider)
    grading = decided_grading(tmp_path)
    return {
        "publish": lambda: notice_publish(campaign=other, actor=vic),
        "publish_grading": lambda: notice_publish_grading(grading_round=grading, actor=vic),
        "assign": lambda: objection_assign(
            objection=objection, assignee=people["erin"], actor=charlie
        ),
        "note": lambda: objection_note(objection=objection, text="核对", actor=vic),
        "answer": lambda: objection_answer(objection=objection, answer="无误", actor=charlie),
        "review": lambda: review_apply(
            notice=notice, entry_code="L7", rank=1, reason="r", approved_by="a", actor=vic
        ),
        "finalize": lambda: notice_finalize(notice=notice, actor=vic),
        "public": lambda: notice_finalize(notice=notice, actor=PUBLIC),
    }


USE_CASES = ["publish", "publish_grading", "assign", "note", "answer", "review", "finalize",
             "public"]  # fmt: skip


@pytest.mark.parametrize("use_case", USE_CASES)
def test_every_service_refuses_an_actor_it_does_not_belong_to(
    tmp_path: Path, use_case: str
) -> None:
    refusals = _refusals(tmp_path)
    assert sorted(refusals) == sorted(USE_CASES)
    before = AuditEntry.objects.count()
    with pytest.raises(AccessDenied):
        refusals[use_case]()
    assert AuditEntry.objects.count() == before
