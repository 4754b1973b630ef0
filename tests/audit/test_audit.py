"""R14: every change is chained; `verify` names the first entry that was tampered with."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.test import Client
from django.utils import translation

from pingyi.audit import actions
from pingyi.audit.models import AuditEntry, AuditHead, LaneEntry, LaneHead
from pingyi.audit.services import (
    GENESIS,
    LANES,
    audit_head,
    audit_head_parts,
    audit_log,
    audit_log_parallel,
    audit_verify,
    entry_hash,
    head_recorded_holds,
)
from tests.chinese import english_left

pytestmark = pytest.mark.django_db


def _chain(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_log(actor="alice", action="accounts.person.added", data={"i": i})


def test_an_untouched_chain_verifies_and_reports_its_head() -> None:
    _chain(5)
    report = audit_verify()
    assert report.ok and report.entries == 5
    assert report.head == AuditEntry.objects.get(seq=5).hash == AuditHead.objects.get().hash


def test_each_entry_hashes_the_one_before() -> None:
    _chain(3)
    entries = list(AuditEntry.objects.all())
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_an_edited_entry_is_named() -> None:
    _chain(5)
    AuditEntry.objects.filter(seq=3).update(data={"i": 99})
    report = audit_verify()
    assert (report.broken_at, report.reason) == (3, "its content was changed")


def test_a_deleted_entry_is_named() -> None:
    _chain(5)
    AuditEntry.objects.filter(seq=2).delete()
    assert audit_verify().broken_at == 3


def test_deleting_the_newest_entries_is_caught_by_the_head() -> None:
    _chain(5)
    AuditEntry.objects.filter(seq__gte=4).delete()
    report = audit_verify()
    assert (report.broken_at, report.reason) == (4, "it and the entries after it were deleted")


def test_reordered_entries_are_caught() -> None:
    _chain(4)
    a, b = AuditEntry.objects.get(seq=2), AuditEntry.objects.get(seq=3)
    AuditEntry.objects.filter(seq__in=[2, 3]).delete()
    for entry, seq in ((a, 3), (b, 2)):
        entry.seq = seq
        entry.save(force_insert=True)
    assert audit_verify().broken_at == 2


def test_an_inserted_entry_is_caught() -> None:
    _chain(3)
    forged = AuditEntry.objects.get(seq=3)
    forged.seq, forged.hash, forged.action = 4, "f" * 64, "campaign.forged"
    forged.save(force_insert=True)
    assert audit_verify().broken_at == 4


@pytest.mark.django_db(transaction=True)
def test_logging_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        audit_log(actor="alice", action="accounts.person.added")


# --- lanes: casts arrive many at once and chain in lanes of their own --------------------


def _casts(n: int) -> None:
    for _i in range(n):
        with transaction.atomic():
            audit_log_parallel(actor="evaluator", action="voting.ballot.cast")


def _lane_with(entries: int) -> int:
    """A lane holding at least ``entries`` entries (lanes are chosen at random)."""
    for lane in range(1, LANES + 1):
        if LaneEntry.objects.filter(lane=lane).count() >= entries:
            return lane
    raise AssertionError("no lane that long")


def test_parallel_entries_chain_within_their_lane() -> None:
    _casts(40)
    assert LaneEntry.objects.count() == 40
    for lane in set(LaneEntry.objects.values_list("lane", flat=True)):
        entries = list(LaneEntry.objects.filter(lane=lane).order_by("seq"))
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
        assert LaneHead.objects.get(lane=lane).hash == entries[-1].hash
    report = audit_verify()
    assert report.ok and report.entries == 40


def test_the_head_covers_every_lane() -> None:
    _chain(2)
    main = AuditHead.objects.get().hash
    assert audit_head() == main  # no lane yet: the main chain's head
    _casts(3)
    combined = audit_head()
    assert combined != main and audit_verify().head == combined
    _casts(1)
    assert audit_head() != combined


def test_an_edited_lane_entry_is_named_with_its_lane() -> None:
    _chain(2)
    _casts(40)
    lane = _lane_with(3)
    LaneEntry.objects.filter(lane=lane, seq=2).update(action="ballot.forged")
    report = audit_verify()
    assert (report.lane, report.broken_at, report.reason) == (lane, 2, "its content was changed")


def test_deleting_a_lanes_newest_entry_is_caught_by_its_head() -> None:
    _casts(40)
    lane = _lane_with(2)
    newest = LaneEntry.objects.filter(lane=lane).order_by("-seq").first()
    assert newest is not None
    newest.delete()
    report = audit_verify()
    assert (report.lane, report.broken_at) == (lane, newest.seq)
    assert report.reason == "it and the entries after it were deleted"


# --- a printed head stays checkable: publishing records where every chain stood -------------


def _rewrite_lanes_consistently() -> None:
    """What a forger with the database would do: re-hash every lane entry after changing
    the first, and move each lane's head along, so that every chain verifies again."""
    for lane in set(LaneEntry.objects.values_list("lane", flat=True)):
        previous = GENESIS
        for entry in LaneEntry.objects.filter(lane=lane).order_by("seq"):
            entry.actor = "forger" if entry.seq == 1 else entry.actor
            entry.prev_hash = previous
            entry.hash = entry_hash(
                seq=entry.seq, at=entry.at.astimezone(dt.UTC), actor=entry.actor,
                action=entry.action, object_type=entry.object_type,
                object_id=entry.object_id, data=entry.data, prev_hash=previous,
            )  # fmt: skip
            entry.save()
            previous = entry.hash
        LaneHead.objects.filter(lane=lane).update(hash=previous)


def test_a_consistent_rewrite_after_a_printed_head_is_caught() -> None:
    _casts(20)
    parts = audit_head_parts()
    with transaction.atomic():
        audit_log(
            actor="alice",
            action="notices.notice.published",
            data={"head": parts.combined(), "head_parts": parts.as_data()},
        )
    assert audit_verify().ok
    _rewrite_lanes_consistently()
    report = audit_verify()
    assert (report.broken_at, report.lane) == (1, None)  # the publication's entry, main chain
    assert report.reason == "the head it recorded as printed is no longer in the chain"


def test_recorded_heads_that_do_not_give_the_printed_hash_are_refused() -> None:
    _casts(3)
    parts = audit_head_parts().as_data()
    assert head_recorded_holds(audit_head(), parts)
    assert not head_recorded_holds("0" * 64, parts)
    assert not head_recorded_holds(audit_head(), {"main": [1]})


# --- the action registry -------------------------------------------------------------------

APPS = {a.label for a in django_apps.get_app_configs() if a.name.startswith("pingyi.")}


def test_every_action_is_named_app_entity_verb_and_labelled_in_chinese() -> None:
    with translation.override("zh-hans"):
        for name, action in actions.ACTIONS.items():
            app, entity, verb = name.split(".")
            assert app in APPS and entity and verb, name
            label = actions.label(name)
            assert label != action.label, f"{name}: {action.label!r} has no Chinese label"
            assert not english_left(label), f"{name}: {label!r}"


def test_an_unregistered_action_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(actions.UnknownAction), transaction.atomic():
        audit_log(actor="alice", action="campaign.open")
    assert not AuditEntry.objects.exists()


def test_entries_written_under_an_old_name_keep_their_label_and_are_found() -> None:
    assert actions.names("voting.ballot.cast") == ("voting.ballot.cast", "ballot.cast")
    assert actions.current("campaign.closed") == "campaigns.campaign.closed"
    with translation.override("zh-hans"):
        assert actions.label("campaign.open") == actions.label("campaigns.campaign.opened")
    assert actions.label("an.unknown.name") == "an.unknown.name"


def test_every_name_the_code_writes_is_registered() -> None:
    """Every literal that looks like an action name (the dynamic ones are built from
    registered maps or from the verbs of a registered family)."""
    root = Path(__file__).resolve().parents[2] / "src" / "pingyi"
    written = set()
    for path in root.rglob("*.py"):
        text = path.read_text("utf-8")
        written |= set(re.findall(rf'"((?:{"|".join(APPS)})\.[a-z_]+\.[a-z_]+)"', text))
    assert written and written <= set(actions.ACTIONS), written - set(actions.ACTIONS)


def test_the_admin_log_shows_each_action_by_its_label(admin_client: Client) -> None:
    with transaction.atomic():
        audit_log(actor="alice", action="campaigns.campaign.created")
    page = admin_client.get("/admin/audit/auditentry/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    with translation.override("zh-hans"):
        assert actions.label("campaigns.campaign.created") in text
    assert "campaigns.campaign.created" not in text.split("<tbody>", 1)[-1].split("</tbody>")[0]
    # the task queue's own English admin is not offered beside it
    assert "Task Results" not in text and "Tasks Database Backend" not in text
