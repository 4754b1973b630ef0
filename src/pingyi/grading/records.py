"""What a committee and the department record beside the grades (seed 003): the committee's
工作总结 filed with its tables, the causes of a violation that force 较差, the benefits of 好,
and the references of an assessment (年度考核情况，信访、综治、计生的意见).

Each use case runs in one transaction with its audit entry, asks grading/access.py whether
the actor may, and raises RuleError (nothing written, no file kept) when a rule says no.
The pages, the API and `pingyi grading …` call these same functions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.grading import access
from pingyi.grading.decisions import E_BRANCH, _check_no_notice, _check_open
from pingyi.grading.models import (
    Benefit,
    Committee,
    GradingRound,
    PartyOrg,
    Reference,
    StoredFile,
    WorkSummary,
)
from pingyi.grading.selectors import grading_state
from pingyi.rules import grading as rules
from pingyi.rules import grading_lookback as lookback_rules
from pingyi.rules.errors import RuleError, gettext_noop

E_SUMMARY_TEXT = gettext_noop("the work summary needs its text")
E_REFERENCE_STEP = gettext_noop(
    "references are added during the assessment and the committee's decision"
)
E_BENEFIT_DECIMALS = gettext_noop("the bonus points: use at most two decimals")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _attach(record: StoredFile, upload: evidence.Upload | None, stored: list[str]) -> str:
    """Stores the checked upload on ``record``; returns the name of the file it replaces
    ("" when none), to be removed once the transaction commits."""
    replaced = ""
    for file in evidence.check([upload] if upload is not None else []):
        stored.append(evidence.store(file))
        replaced = record.stored_name
        record.stored_name, record.original_name = stored[-1], file.original_name
        record.content_type, record.size, record.sha256 = (
            file.content_type,
            len(file.content),
            file.sha256,
        )
    return replaced


def work_summary_file(
    *,
    committee: Committee,
    text: str,
    actor: Actor,
    upload: evidence.Upload | None = None,
    now: dt.datetime | None = None,
) -> WorkSummary:
    """The committee's 分类定级工作总结 (text, optionally a PDF or a scan): written or rewritten
    while its grades are open (before filing, or after the department returned them); the
    filing waits for it. A new file replaces the one before; no file keeps it."""
    access.check_decides(actor, committee)
    if not text.strip():
        raise RuleError(E_SUMMARY_TEXT)
    evidence.check([upload] if upload is not None else [])  # refused before anything moves
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = GradingRound.objects.select_for_update().get(pk=committee.round_id)
            rules.check_step(locked.status, (rules.DECISION,))
            _check_open(grading_state(locked).committee(committee.pk))
            summary = WorkSummary.objects.filter(committee=committee).first() or WorkSummary(
                committee=committee
            )
            replaced = _attach(summary, upload, stored)
            summary.text, summary.written_by, summary.written_at = (
                text.strip(),
                actor.name,
                _now(now),
            )
            summary.save()
            audit_log(
                actor=actor.name,
                action="grading.summary.filed",
                obj=committee,
                data={"committee": committee.name, "chars": len(summary.text),
                      "file": summary.sha256},
            )  # fmt: skip
            if replaced:
                transaction.on_commit(lambda: evidence.remove([replaced]))
    except BaseException:
        evidence.remove(stored)
        raise
    return summary


def violation_record(
    *, org: PartyOrg, cause: str, reason: str, actor: Actor, now: dt.datetime | None = None
) -> PartyOrg:
    """The committee records a violation with one of the seed's causes and what was found:
    the organization is 较差 whatever its total (一律调整为“较差”). Refused for a branch (it
    takes its general branch's grade), once the grades are on notice (a look-back records it
    then) or filed."""
    access.check_decides(actor, org.committee)
    lookback_rules.check_cause(cause, reason)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=org.round_id)
        rules.check_step(locked.status, (rules.ASSESSMENT, rules.DECISION))
        _check_no_notice(locked.pk)
        _check_open(grading_state(locked).committee(org.committee_id))
        target = PartyOrg.objects.select_related("parent").get(pk=org.pk)
        if target.parent is not None:
            raise RuleError(E_BRANCH, org=target.name, parent=target.parent.code)
        target.violation, target.violation_cause = True, cause
        target.violation_reason = reason.strip()
        target.save(update_fields=["violation", "violation_cause", "violation_reason"])
        audit_log(
            actor=actor.name,
            action="grading.violation.recorded",
            obj=target,
            data={"org": target.code, "cause": cause, "reason": target.violation_reason},
        )
    return target


def _points(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    if (value * 100).denominator != 1:
        raise RuleError(E_BENEFIT_DECIMALS)
    return Decimal(value.numerator * 100 // value.denominator).scaleb(-2)


def benefit_record(
    *,
    org: PartyOrg,
    points: Fraction | None,
    secretary: bool,
    commendation: bool,
    actor: Actor,
    note: str = "",
    now: dt.datetime | None = None,
) -> Benefit:
    """What the organization graded 好 was granted: 加分 in the annual appraisal, its
    secretary's 优先推荐, a recommendation for the commendation. Recorded by the department
    or the organization's committee; refused unless its final grade is 好."""
    access.check_records(actor, org)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=org.round_id)
        grade = grading_state(locked).org(org.code).grade
        lookback_rules.check_benefit(
            org=org.name, grade=grade, points=points, secretary=secretary,
            commendation=commendation,
        )  # fmt: skip
        row, _ = Benefit.objects.update_or_create(
            org=org,
            defaults={
                "points": _points(points),
                "secretary": secretary,
                "commendation": commendation,
                "note": note.strip(),
                "recorded_by": actor.name,
                "recorded_at": _now(now),
            },
        )
        audit_log(
            actor=actor.name,
            action="grading.benefit.recorded",
            obj=org,
            data={"org": org.code, "points": str(row.points) if row.points is not None else None,
                  "secretary": secretary, "commendation": commendation, "note": row.note},
        )  # fmt: skip
    return row


def reference_add(
    *,
    org: PartyOrg,
    kind: str,
    text: str,
    actor: Actor,
    upload: evidence.Upload | None = None,
    now: dt.datetime | None = None,
) -> Reference:
    """A reference of the assessment — the annual assessment, an opinion of 信访, 综治 or
    计生 — as text and/or a file, added by the organization's assessor, its committee or the
    department during the assessment and the decision."""
    access.check_references(actor, org)
    lookback_rules.check_reference(kind, text, upload is not None)
    evidence.check([upload] if upload is not None else [])
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = GradingRound.objects.select_for_update().get(pk=org.round_id)
            if locked.status not in (rules.ASSESSMENT, rules.DECISION):
                raise RuleError(E_REFERENCE_STEP)
            row = Reference(
                org=org, kind=kind, text=text.strip(), written_by=actor.name,
                written_at=_now(now),
            )  # fmt: skip
            _attach(row, upload, stored)
            row.save()
            audit_log(
                actor=actor.name,
                action="grading.reference.added",
                obj=org,
                data={"org": org.code, "kind": kind, "chars": len(row.text), "file": row.sha256},
            )
    except BaseException:
        evidence.remove(stored)
        raise
    return row
