"""Use cases of 征求意见 and 集中整改 (seed 001 八.4, 八.5). Every door — pages, API, CLI —
calls these; each checks who asks (stages.access) and runs in one transaction with its audit
entry.

Sending a form online is the ballot's path (voting.services.ballot_submit): the code is
checked first (nothing touched), then one transaction records the code's use (a primary key:
a second use fails in the database) and seals the form into the mixing pool, with an audit
entry that names neither the code nor the form and keeps only the day. The opinions reach the
opinion table later, mixed with at least k − 1 other forms (stages.opinion_pool).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log, audit_log_parallel
from pingyi.campaigns.models import Campaign, CampaignStage, StageKind, Unit
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.fields import random_id
from pingyi.inputs.opinion_files import PaperOpinions, read_opinions
from pingyi.inputs.tables import file_sha256
from pingyi.rules import opinions as rules
from pingyi.rules import stages as stage_rules
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.text import required_text
from pingyi.stages import access, opinion_pool
from pingyi.stages.models import (
    FeedbackStatus,
    Opinion,
    OpinionCode,
    OpinionCodeBatch,
    OpinionCodeUse,
    OpinionFeedback,
    OpinionRound,
    RectificationReport,
)
from pingyi.stages.opinion_verify import opinion_set_digest
from pingyi.stages.services import report_file, report_receive
from pingyi.voting import codes

SENT = "stages.opinion.sent"
E_CODE_REFUSED = gettext_noop(
    "this code cannot be used: it is unknown, withdrawn or already used, or opinions are not "
    "being collected now"
)
E_BATCH_SIZE = gettext_noop("a batch holds 1 to %(max)s codes")
E_ALREADY_IMPORTED = gettext_noop("form %(form_no)r was already imported")
E_OTHER_CAMPAIGN = gettext_noop("the opinions are not of the same campaign")
MAX_BATCH = 20000


class CodeRefused(RuleError):
    """Unknown, withdrawn, used, or no collection today: one answer for all (R18)."""


@dataclass(frozen=True)
class IssuedCodes:
    batch: OpinionCodeBatch
    codes: list[str]  # shown once, for printing, never stored


def _today(now: dt.date | None) -> dt.date:
    return now or timezone.localdate()


def _round(campaign: Campaign) -> OpinionRound:
    found, _created = OpinionRound.objects.get_or_create(campaign=campaign)
    return found


def _stage(campaign: Campaign) -> CampaignStage | None:
    return campaign.stages.filter(kind=StageKind.OPINIONS).first()


def opinion_codes_issue(
    *, campaign: Campaign, count: int, actor: Actor, today: dt.date | None = None
) -> IssuedCodes:
    """Issues ``count`` codes for the campaign's opinion forms; their plain text is returned
    once and exists nowhere else."""
    access.check_office(actor, campaign)
    if not 1 <= count <= MAX_BATCH:
        raise RuleError(E_BATCH_SIZE, max=MAX_BATCH)
    if _round(campaign).closed_on is not None:
        raise RuleError(rules.E_CLOSED)
    plain = [codes.new_code(codes.TOKEN_LENGTH) for _ in range(count)]
    with transaction.atomic():
        batch = OpinionCodeBatch.objects.create(
            campaign=campaign, size=count, issued_on=_today(today), issued_by=actor.name
        )
        OpinionCode.objects.bulk_create(
            OpinionCode(campaign=campaign, batch=batch, digest=codes.digest(c)) for c in plain
        )
        audit_log(
            actor=actor.name,
            action="stages.opinion_codes.issued",
            obj=campaign,
            data={"count": count, "batch": batch.pk},
        )
    return IssuedCodes(batch, plain)


_USABLE = (
    f"SELECT c.id, c.campaign_id FROM {OpinionCode._meta.db_table} c"  # noqa: S608
    f" JOIN {CampaignStage._meta.db_table} s ON s.campaign_id = c.campaign_id AND s.kind = %s"
    f" LEFT JOIN {OpinionRound._meta.db_table} r ON r.campaign_id = c.campaign_id"
    f" LEFT JOIN {OpinionCodeUse._meta.db_table} u ON u.code_id = c.id"
    " WHERE c.digest = %s AND NOT c.void AND u.code_id IS NULL"
    " AND s.starts_on <= %s AND s.ends_on >= %s AND r.closed_on IS NULL"
)


def _usable(code: str, day: dt.date) -> tuple[int, int]:
    """(code id, campaign id) if ``code`` may send a form today, else CodeRefused — the same
    for every reason: unknown, withdrawn, used, outside the stage's dates, collection closed."""
    row = None
    if codes.plausible(code, codes.TOKEN_LENGTH):
        with connection.cursor() as cursor:
            cursor.execute(_USABLE, [StageKind.OPINIONS.value, codes.digest(code), day, day])
            row = cursor.fetchone()
    if row is None:
        raise CodeRefused(E_CODE_REFUSED)
    return int(row[0]), int(row[1])


def opinion_code_campaign(*, code: str, today: dt.date | None = None) -> Campaign:
    """The campaign a usable code sends a form to (for showing the form), or CodeRefused."""
    _code_id, campaign_id = _usable(code, _today(today))
    return Campaign.objects.get(pk=campaign_id)


def opinion_send(
    *, code: str, entries: Iterable[tuple[str, str]], today: dt.date | None = None
) -> int:
    """Sends the form of ``code``: (unit code, opinion) pairs, empty ones ignored. Returns how
    many opinions it held. CodeRefused, or RuleError for a bad form (the code untouched)."""
    day = _today(today)
    code_id, campaign_id = _usable(code, day)
    campaign = Campaign.objects.get(pk=campaign_id)
    unit_ids = dict(Unit.objects.filter(campaign_id=campaign_id).values_list("code", "pk"))
    chosen = rules.entries_of(entries, unit_ids)
    form = opinion_pool.Form([unit_ids[u] for u, _t in chosen], [t for _u, t in chosen], day)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {OpinionCodeUse._meta.db_table} (code_id) VALUES (%s)",  # noqa: S608
                    [code_id],
                )
            opinion_pool.pool_put(campaign_id=campaign_id, form=form)
            # Nothing of the code or the form, and only the day (R10); a lane of its own.
            audit_log_parallel(actor="evaluator", action=SENT, obj=campaign, now=_midnight(day))
    except IntegrityError:
        raise CodeRefused(E_CODE_REFUSED) from None
    keep = campaign_scheme(campaign).min_subset_ballots
    opinion_pool.pool_drain_after_send(campaign_id=campaign_id, keep=keep)
    return len(chosen)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@dataclass(frozen=True)
class Rejected:
    row: int
    form_no: str


@dataclass(frozen=True)
class ImportReport:
    imported: int
    rejected: list[Rejected]


def opinions_import_file(
    *, campaign: Campaign, path: Path, label: str, actor: Actor, today: dt.date | None = None
) -> ImportReport:
    """The paper forms' import of every door: reads the file against the campaign's units
    (InputError naming file, row, column and field: nothing stored), then stores it."""
    access.check_office(actor, campaign)
    units = dict(campaign.units.values_list("code", "name"))
    paper = read_opinions(path, units, label)
    return opinions_import(
        campaign=campaign, paper=paper, actor=actor, digest=file_sha256(path), today=today
    )


def opinions_import(
    *, campaign: Campaign, paper: PaperOpinions, actor: Actor, digest: str = "",
    today: dt.date | None = None,
) -> ImportReport:  # fmt: skip
    """Stores paper opinions in one transaction. A form number already stored is rejected
    with its rows and the rest imported, so importing a file twice adds nothing (R5)."""
    access.check_office(actor, campaign)
    day = _today(today)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if _round(locked).closed_on is not None:
            raise RuleError(rules.E_CLOSED)
        numbers = {r.form_no for r in paper.rows}
        existing = set(
            Opinion.objects.filter(campaign=locked, form_no__in=numbers).values_list(
                "form_no", flat=True
            )
        )
        unit_ids = dict(locked.units.values_list("code", "pk"))
        kept = [r for r in paper.rows if r.form_no not in existing]
        rows = [
            Opinion(
                id=random_id(), campaign=locked, unit_id=unit_ids[r.unit_code],
                text=r.text, source=rules.PAPER, form_no=r.form_no, received_on=day,
                category=r.category, status=rules.NEW,
            )
            for r in kept
        ]  # fmt: skip
        rows.sort(key=lambda o: o.id)  # random ids in id order: the entry order is lost
        Opinion.objects.bulk_create(rows, batch_size=500)
        report = ImportReport(
            len(rows), [Rejected(r.row, r.form_no) for r in paper.rows if r.form_no in existing]
        )
        audit_log(
            actor=actor.name,
            action="stages.opinions.imported",
            obj=locked,
            data={"file": paper.file, "sha256": digest, "imported": report.imported,
                  "rejected": len(report.rejected)},
        )  # fmt: skip
    return report


def opinions_close(*, campaign: Campaign, actor: Actor, today: dt.date | None = None) -> int:
    """Closes the collection: no code sends a form any more, every form left in the pool
    moves to the opinion table (returned: how many). Closing twice changes nothing."""
    access.check_office(actor, campaign)
    day = _today(today)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        found = _round(campaign)
        if found.closed_on is not None:
            return 0
        keep = campaign_scheme(campaign).min_subset_ballots
        moved = opinion_pool.pool_drain(campaign_id=campaign.pk, keep=keep, everything=True)
        found.closed_on, found.closed_by = day, actor.name
        found.save()
        audit_log(
            actor=actor.name,
            action="stages.opinions.closed",
            obj=campaign,
            data={"on": day.isoformat(), "forms_moved": moved,
                  "opinions": Opinion.objects.filter(campaign=campaign).count(),
                  "opinions_digest": opinion_set_digest(campaign.pk)},
        )  # fmt: skip
    return moved


def _fed_back(unit_id: int) -> bool:
    return OpinionFeedback.objects.filter(unit_id=unit_id, status=FeedbackStatus.FED_BACK).exists()


def _locked(opinion: Opinion) -> Opinion:
    return Opinion.objects.select_for_update().select_related("unit", "campaign").get(pk=opinion.pk)


def opinion_sort(
    *, opinion: Opinion, category: str, actor: Actor, unit_code: str | None = None,
    wording: str | None = None,
) -> Opinion:  # fmt: skip
    """The office files an opinion under a category and (if it was written on the wrong
    one) another unit, optionally in its own wording for the unit; it is then *sorted*."""
    access.check_office(actor, opinion.campaign)
    code = rules.category_of(category)
    with transaction.atomic():
        locked = _locked(opinion)
        rules.check_sortable(locked.status, _fed_back(locked.unit_id))
        if unit_code is not None and unit_code != locked.unit.code:
            unit = locked.campaign.units.filter(code=unit_code).first()
            if unit is None:
                raise RuleError(gettext_noop("no unit %(code)r in this campaign"), code=unit_code)
            if _fed_back(unit.pk):
                raise RuleError(rules.E_FED_BACK)
            if locked.folded.exists():
                raise RuleError(rules.E_OTHER_UNIT)
            locked.unit = unit
        if wording is not None:
            locked.wording = wording.strip()[:4000]
        locked.category, locked.status = code, rules.SORTED
        locked.save()
        audit_log(
            actor=actor.name,
            action="stages.opinion.sorted",
            obj=locked,
            data={"unit": locked.unit.code, "category": code, "worded": bool(locked.wording)},
        )
    return locked


def opinions_fold(
    *, opinions: Sequence[Opinion], into: Opinion, actor: Actor, status: str = rules.MERGED,
    wording: str | None = None,
) -> Opinion:  # fmt: skip
    """Marks ``opinions`` duplicates of ``into`` (status DUPLICATE) or merges them into it
    (MERGED, with the kept opinion's new ``wording``): they stand behind it, the unit reads
    the kept one only. All on the same unit, none fed back yet."""
    access.check_office(actor, into.campaign)
    if status not in (rules.DUPLICATE, rules.MERGED):
        raise ValueError(status)
    with transaction.atomic():
        kept = _locked(into)
        rules.check_sortable(kept.status, _fed_back(kept.unit_id))
        folded = []
        for opinion in opinions:
            if opinion.pk == kept.pk:
                raise RuleError(rules.E_SELF)
            locked = _locked(opinion)
            rules.check_sortable(locked.status, False)
            if locked.unit_id != kept.unit_id or locked.campaign_id != kept.campaign_id:
                raise RuleError(rules.E_OTHER_UNIT)
            # What stood behind the folded one now stands behind the kept one.
            Opinion.objects.filter(kept_as=locked).update(kept_as=kept)
            locked.status, locked.kept_as = status, kept
            locked.save()
            folded.append(locked.pk)
        if wording is not None and wording.strip():
            kept.wording = wording.strip()[:4000]
            kept.save()
        audit_log(
            actor=actor.name,
            action=f"stages.opinion.{status}",
            obj=kept,
            data={"unit": kept.unit.code, "count": len(folded)},
        )
    return kept


def feedback_save(
    *, unit: Unit, summary: str, actor: Actor, send: bool = False,
    today: dt.date | None = None,
) -> OpinionFeedback:  # fmt: skip
    """The office writes the unit's summary; ``send`` feeds it back (反馈) with the unit's
    sorted opinions — only once the collection is closed and every opinion sorted."""
    access.check_office(actor, unit.campaign)
    text = required_text(summary, 8000, rules.E_SUMMARY)
    day = _today(today)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        feedback = OpinionFeedback.objects.filter(unit=unit).first()
        fed_back = feedback is not None and feedback.status == FeedbackStatus.FED_BACK
        if fed_back:
            raise RuleError(rules.E_FED_BACK)
        if send:
            unsorted = Opinion.objects.filter(unit=unit, status=rules.NEW).count()
            closed = _round(unit.campaign).closed_on is not None
            rules.check_feedback(closed=closed, unsorted=unsorted, fed_back=fed_back)
        feedback = feedback or OpinionFeedback(unit=unit)
        feedback.summary = text
        if send:
            feedback.status, feedback.fed_back_on = FeedbackStatus.FED_BACK, day
            feedback.fed_back_by = actor.name
        feedback.save()
        audit_log(
            actor=actor.name,
            action="stages.feedback.sent" if send else "stages.feedback.saved",
            obj=feedback,
            data={"campaign": unit.campaign.code, "unit": unit.code, "chars": len(text),
                  "opinions": Opinion.objects.filter(unit=unit, status=rules.SORTED).count()},
        )  # fmt: skip
    return feedback


def opinion_answer(
    *, opinion: Opinion, measures: str, actor: Actor, today: dt.date | None = None
) -> Opinion:
    """The unit's owner answers a fed-back opinion with its measures (again, until the
    office receives the unit's rectification report)."""
    access.check_owner(actor, opinion.unit)
    text = required_text(measures, 4000, rules.E_ANSWER)
    day = _today(today)
    with transaction.atomic():
        locked = _locked(opinion)
        rules.check_answerable(fed_back=_fed_back(locked.unit_id), status=locked.status)
        report = RectificationReport.objects.filter(unit_id=locked.unit_id).first()
        if report is not None and report.status == stage_rules.RECEIVED:
            raise RuleError(rules.E_REPORT_RECEIVED)
        locked.measures, locked.answered_on = text, day
        locked.save()
        audit_log(
            actor=actor.name,
            action="stages.opinion.answered",
            obj=locked,
            data={"unit": locked.unit.code, "on": day.isoformat(), "chars": len(text)},
        )
    return locked


def unanswered_count(unit: Unit) -> int:
    return (
        Opinion.objects.filter(unit=unit, status__in=rules.KEPT)
        .filter(Q(measures="") | Q(answered_on__isnull=True))
        .count()
    )


def rectification_report_file(
    *, unit: Unit, text: str, actor: Actor, upload: evidence.Upload | None = None,
    today: dt.date | None = None,
) -> RectificationReport:  # fmt: skip
    """The unit's owner files its rectification report once every fed-back opinion has its
    measures; filed again until the office receives it."""
    access.check_owner(actor, unit)
    text = required_text(
        text, 8000, gettext_noop("write the rectification report (1 to 8000 characters)")
    )
    evidence.check([upload] if upload is not None else [])
    day = _today(today)
    return report_file(
        RectificationReport, unit=unit, text=text, upload=upload, actor=actor, day=day,
        check=lambda found: rules.check_report_fileable(
            fed_back=_fed_back(unit.pk), unanswered=unanswered_count(unit),
            status=found.status if found else None,
        ),
        action="stages.rectification_report.filed",
    )  # fmt: skip


def rectification_report_receive(
    *, report: RectificationReport, actor: Actor, today: dt.date | None = None
) -> RectificationReport:
    """The office marks the report received: the unit's 集中整改 is done."""
    access.check_office(actor, report.unit.campaign)
    day = _today(today)
    return report_receive(
        RectificationReport, report=report, actor=actor, day=day,
        check=rules.check_report_receivable, action="stages.rectification_report.received",
    )  # fmt: skip
