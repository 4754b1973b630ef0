"""One use case, every door (issue 11): recording a step of an item's chain and answering a
letter are decided by disclosure.access inside the service, so the page, the API and the
command line refuse the same person for the same reason and let the same person through.

Before, the role check was copied into the view, the API and the CLI, and the service trusted
its caller: a test calling the service as a staff member recorded the leading group's
approval (test_duties keeps that case: the service itself now refuses).
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import suppress

import pytest
from django.test import Client
from django.utils import timezone

from pingyi import cli
from pingyi.accounts.actors import AccessDenied
from pingyi.audit.models import AuditEntry
from pingyi.disclosure.models import Item, Remark, Supervisor
from pingyi.disclosure.services import (
    item_advance,
    opinion_answer,
    opinion_leave,
    phase_next,
    remark_answer,
    remark_leave,
    supervisor_appoint,
)
from pingyi.rules import disclosure as d
from tests.disclosure.conftest import NOW, Cast, as_, draft, publish, staged

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def _at_the_office_meeting(cast: Cast) -> Item:
    item = draft(cast.office)  # drafted by Alice
    return item_advance(item=item, target=d.OFFICE_MEETING, actor=as_("frank"))


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _advance_cli(item: Item, who: str) -> int:
    return cli.main(
        ["disclosure", "advance", "--item", str(item.pk), "--to", d.APPROVED, "--as", who]
    )


def _approved(item: Item) -> bool:
    return Item.objects.get(pk=item.pk).status == d.APPROVED


def test_staff_may_not_record_the_approval_through_any_door(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    item = _at_the_office_meeting(cast)
    with pytest.raises(AccessDenied):
        item_advance(item=item, target=d.APPROVED, actor=as_("alice"))
    page = _client(cast.alice).post(
        f"/staff/disclosure/i/{item.pk}/advance", {"to": d.APPROVED, "note": ""}
    )
    assert page.status_code == 403
    api = _client(cast.alice).post(
        f"/api/disclosure/items/{item.pk}/advance",
        json.dumps({"to": d.APPROVED, "note": ""}),
        content_type="application/json",
    )
    assert api.status_code == 403
    with pytest.raises(SystemExit) as stopped:
        cli.main(
            ["disclosure", "advance", "--item", str(item.pk), "--to", d.APPROVED, "--as", "alice"]
        )
    assert stopped.value.code == 1
    assert "alice may not record this step" in capsys.readouterr().err
    assert not _approved(item)
    assert not AuditEntry.objects.filter(action="disclosure.item.approved").exists()


@pytest.mark.parametrize("door", ["service", "page", "api", "cli"])
def test_an_administrator_records_the_approval_alike_through_each_door(
    cast: Cast, door: str
) -> None:
    item = _at_the_office_meeting(cast)
    if door == "service":
        item_advance(item=item, target=d.APPROVED, actor=as_("erin"))
    elif door == "page":
        _client(cast.erin).post(
            f"/staff/disclosure/i/{item.pk}/advance", {"to": d.APPROVED, "note": ""}
        )
    elif door == "api":
        answer = _client(cast.erin).post(
            f"/api/disclosure/items/{item.pk}/advance",
            json.dumps({"to": d.APPROVED, "note": ""}),
            content_type="application/json",
        )
        assert answer.status_code == 200
    else:
        cli.main(
            ["disclosure", "advance", "--item", str(item.pk), "--to", d.APPROVED, "--as", "erin"]
        )
    assert _approved(item)
    entry = AuditEntry.objects.get(action="disclosure.item.approved")
    assert entry.actor == "erin"
    assert list(item.steps.values_list("actor", flat=True)) == ["alice", "frank", "erin"]


def test_a_viewer_may_not_answer_a_letter_through_any_door(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = opinion_leave(organization=cast.office, text="建议上网公开", now=NOW).opinion
    with pytest.raises(AccessDenied):
        opinion_answer(opinion=letter, answer="好", actor=as_("bob"))
    page = _client(cast.bob).post(
        f"/staff/disclosure/opinions/{letter.pk}/answer", {"answer": "好"}
    )
    assert page.status_code == 403
    with pytest.raises(SystemExit) as stopped:
        cli.main(["disclosure", "answer", f"opinion:{letter.pk}", "--text", "好", "--as", "bob"])
    assert stopped.value.code == 1
    assert "bob may not act for" in capsys.readouterr().err
    letter.refresh_from_db()
    assert letter.answered_at is None


# --------------------------------------------------------------------------- issue 15 item 9


def _remark(cast: Cast) -> Remark:
    today = timezone.localdate()
    supervisor = supervisor_appoint(
        organization=cast.office, name="王秀兰", unit="市人大代表", term_start=today,
        term_end=today, user=cast.dave, actor=as_("erin"),
    )  # fmt: skip
    return remark_leave(supervisor=supervisor, text="公开栏未更新", actor=as_("dave"))


def _post_json(user: object, url: str, body: dict[str, object]) -> int:
    answer = _client(user).post(url, json.dumps(body), content_type="application/json")
    return answer.status_code


@pytest.mark.parametrize("door", ["service", "page", "api", "cli"])
def test_a_remark_is_answered_by_staff_and_refused_to_a_viewer_alike(cast: Cast, door: str) -> None:
    remark = _remark(cast)

    def through(who: str) -> None:
        user = {"alice": cast.alice, "bob": cast.bob}[who]
        url = f"/staff/disclosure/remarks/{remark.pk}/answer"
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                remark_answer(remark=remark, answer="已更新", actor=as_(who))
            elif door == "page":
                _client(user).post(url, {"answer": "已更新"})
            elif door == "api":
                _post_json(user, f"/api{url.removeprefix('/staff')}", {"answer": "已更新"})
            else:
                argv = ["disclosure", "answer", f"remark:{remark.pk}", "--text", "已更新"]
                cli.main([*argv, "--as", who])

    through("bob")
    assert Remark.objects.get().answered_at is None
    through("alice")
    assert Remark.objects.get().answered_by == "alice"


@pytest.mark.parametrize("door", ["service", "page", "api", "cli"])
def test_the_next_phase_is_opened_by_staff_and_refused_to_a_viewer_alike(
    cast: Cast, door: str
) -> None:
    item = publish(staged(cast.office))

    def through(who: str) -> None:
        user = {"alice": cast.alice, "bob": cast.bob}[who]
        body = {"title": "执行中", "body": "已开工。"}
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                phase_next(item=item, **body, actor=as_(who))
            elif door == "page":
                _client(user).post(f"/staff/disclosure/i/{item.pk}/next-phase", body)
            elif door == "api":
                _post_json(user, f"/api/disclosure/items/{item.pk}/next-phase", body)
            else:
                argv = ["disclosure", "next-phase", "--item", str(item.pk)]
                cli.main([*argv, "--title", "执行中", "--body", "已开工。", "--as", who])

    through("bob")
    assert Item.objects.get(pk=item.pk).phase == 1
    through("alice")
    opened = Item.objects.get(pk=item.pk)
    assert (opened.phase, opened.status, opened.body) == (2, d.DRAFTED, "已开工。")
    assert AuditEntry.objects.get(action="disclosure.phase.opened").actor == "alice"


@pytest.mark.parametrize("door", ["service", "page", "api", "cli"])
def test_a_supervisor_is_appointed_by_an_administrator_and_refused_to_staff_alike(
    cast: Cast, door: str
) -> None:
    def through(who: str) -> None:
        user = {"alice": cast.alice, "erin": cast.erin}[who]
        fields = {"name": "王秀兰", "unit": "市人大代表"}
        days = {"term_start": "2026-01-01", "term_end": "2027-12-31"}
        with suppress(AccessDenied, SystemExit):
            if door == "service":
                supervisor_appoint(
                    organization=cast.office, **fields, term_start=dt.date(2026, 1, 1),
                    term_end=dt.date(2027, 12, 31), user=cast.dave, actor=as_(who),
                )  # fmt: skip
            elif door == "page":
                form = fields | days | {"organization": cast.office.pk, "username": "dave"}
                _client(user).post("/staff/disclosure/supervisors/new", form)
            elif door == "api":
                body = fields | days | {"organization": "szfb", "account": "dave"}
                _post_json(user, "/api/disclosure/supervisors", body)
            else:
                cli.main(["disclosure", "appoint", "--org", "szfb", "--name", "王秀兰",
                          "--unit", "市人大代表", "--start", "2026-01-01", "--end", "2027-12-31",
                          "--account", "dave", "--as", who])  # fmt: skip

    through("alice")
    assert not Supervisor.objects.exists()
    through("erin")
    supervisor = Supervisor.objects.get()
    assert (supervisor.user, supervisor.appointed_by) == (cast.dave, "erin")
    assert supervisor.term_end == dt.date(2027, 12, 31)
