"""The audit chain (R14): append inside the caller's transaction; verify the whole chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from pingyi.audit.models import AuditEntry, AuditHead
from pingyi.rules.errors import gettext_noop

GENESIS = "0" * 64


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
            "prev": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def audit_log(
    *,
    actor: str,
    action: str,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Appends an entry. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside the change's transaction")
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "hash": GENESIS}
    )
    at = (now or timezone.now()).astimezone(dt.UTC)
    # JSON round trip so that what is hashed is exactly what the database gives back.
    payload = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    fields = {
        "seq": head.seq + 1,
        "at": at,
        "actor": actor,
        "action": action,
        "object_type": type(obj).__name__.lower() if obj is not None else "",
        "object_id": str(getattr(obj, "pk", "")) if obj is not None else "",
        "data": payload,
        "prev_hash": head.hash,
    }
    entry = AuditEntry.objects.create(**fields, hash=entry_hash(**fields))
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: str
    broken_at: int | None  # seq of the first entry that does not verify
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify() -> ChainReport:
    """Re-hashes every entry in order: an edit, deletion, reordering or insertion breaks it."""
    previous = GENESIS
    expected_seq = 1
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(
                count,
                previous,
                entry.seq,
                gettext_noop("an entry before it is missing or was inserted"),
            )
        if entry.prev_hash != previous:
            return ChainReport(
                count, previous, entry.seq, gettext_noop("it does not follow the previous entry")
            )
        recomputed = entry_hash(
            seq=entry.seq,
            at=entry.at.astimezone(dt.UTC),
            actor=entry.actor,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            data=entry.data,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return ChainReport(count, previous, entry.seq, gettext_noop("its content was changed"))
        previous = entry.hash
        expected_seq += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != previous):
        return ChainReport(
            count, previous, expected_seq, gettext_noop("it and the entries after it were deleted")
        )
    return ChainReport(count, previous, None, None)


def audit_head() -> str:
    head = AuditHead.objects.filter(id=1).first()
    return head.hash if head else GENESIS
