"""R14: every change is chained; `verify` names the first entry that was tampered with."""

from __future__ import annotations

import pytest
from django.db import transaction

from pingyi.audit.models import AuditEntry, AuditHead
from pingyi.audit.services import audit_log, audit_verify

pytestmark = pytest.mark.django_db


def _chain(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_log(actor="alice", action="test.step", data={"i": i})


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
        audit_log(actor="alice", action="test.step")
