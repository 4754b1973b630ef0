"""Use cases that change disclosure items. Each runs in one transaction with its audit entry.

Each takes the actor and decides in disclosure.access whether the actor may (web pages, the API
and the command line all call these, and none checks a role itself); then the rules: the
item's approval chain and its separation of duties (compared on ``actor.name``: the command
line acts for the user it names), what may be revised, when feedback is taken.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.audit.services import audit_log
from pingyi.disclosure import access
from pingyi.disclosure.models import (
    Feedback,
    Item,
    Opinion,
    Phase,
    Remark,
    Status,
    Step,
    Supervisor,
    Version,
)
from pingyi.disclosure.selectors import chain_steps
from pingyi.rules import disclosure as rules
from pingyi.rules.errors import RuleError, gettext_noop

E_EDIT = gettext_noop("the text can change only while the item is drafted; it is %(current)s")
E_EMPTY = gettext_noop("give the item a title and a text")
E_FEEDBACK_EMPTY = gettext_noop("write your feedback first")
E_ANSWER_EMPTY = gettext_noop("write the answer first")
E_OPINION_EMPTY = gettext_noop("write your opinion first")
E_REMARK_EMPTY = gettext_noop("write the remark first")
E_REMARK_ITEM = gettext_noop("the remark's item belongs to another organization")


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


@transaction.atomic
def item_create(
    *,
    organization: Organization,
    area: str,
    scope: str,
    forms: list[str],
    timeliness: str,
    title: str,
    body: str,
    phases: list[str] | None = None,
    actor: Actor,
    now: dt.datetime | None = None,
) -> Item:
    """A drafted item; a periodic one is due on the quarter's disclosure day. ``forms``: how
    it is disclosed (rules.check_forms: fit for its scope). A staged item names its
    ``phases`` in order; its text is then the first phase's stage report."""
    access.check_run(actor, organization)
    moment = now or timezone.now()
    if not title.strip() or not body.strip():
        raise RuleError(E_EMPTY)
    rules.check_forms(scope, forms)
    names = [p.strip() for p in phases or []]
    rules.check_phases(timeliness, names)
    item = Item.objects.create(
        organization=organization,
        area=area,
        scope=scope,
        forms=[f for f in rules.FORMS if f in forms],
        timeliness=timeliness,
        title=title.strip(),
        body=body.strip(),
        created_on=_local_day(moment),
        created_by=actor.name,
        phase=1 if names else None,
    )
    Phase.objects.bulk_create(
        Phase(item=item, number=n, name=name) for n, name in enumerate(names, 1)
    )
    Step.objects.create(item=item, status=Status.DRAFTED, actor=actor.name, at=moment)
    audit_log(
        actor=actor.name,
        action="disclosure.item.created",
        obj=item,
        data={"title": item.title, "area": area, "scope": scope, "timeliness": timeliness}
        | {"forms": item.forms}
        | ({"phases": names} if names else {}),
        now=moment,
    )
    return item


def _locked(item: Item) -> Item:
    return Item.objects.select_for_update().get(pk=item.pk)


def item_edit(*, item: Item, title: str, body: str, note: str = "", actor: Actor) -> Item:
    """Changes the working text of a drafted item (a revision in progress included)."""
    access.check_run(actor, item.organization)
    if not title.strip() or not body.strip():
        raise RuleError(E_EMPTY)
    with transaction.atomic():
        locked = _locked(item)
        if locked.status != Status.DRAFTED:
            raise RuleError(E_EDIT, current=rules.status_word(locked.status))
        locked.title, locked.body, locked.revision_note = title.strip(), body.strip(), note
        locked.save(update_fields=["title", "body", "revision_note"])
        # Who edited the text counts as its drafter: they do not record the next step.
        Step.objects.create(
            item=locked, status=Status.DRAFTED, note=note, actor=actor.name, at=timezone.now()
        )
        audit_log(
            actor=actor.name,
            action="disclosure.item.edited",
            obj=locked,
            data={"title": locked.title},
        )
    return locked


def item_revise(
    *, item: Item, title: str, body: str, note: str, actor: Actor, now: dt.datetime | None = None
) -> Item:
    """A published item goes back to drafted with a new text; the published versions stay
    readable until the revision is approved and published as the next version."""
    access.check_run(actor, item.organization)
    moment = now or timezone.now()
    if not title.strip() or not body.strip():
        raise RuleError(E_EMPTY)
    with transaction.atomic():
        locked = _locked(item)
        rules.check_revisable(locked.status)
        locked.status = Status.DRAFTED
        locked.title, locked.body, locked.revision_note = title.strip(), body.strip(), note
        locked.save(update_fields=["status", "title", "body", "revision_note"])
        Step.objects.create(
            item=locked, status=Status.DRAFTED, note=note, actor=actor.name, at=moment
        )
        audit_log(
            actor=actor.name,
            action="disclosure.item.revised",
            obj=locked,
            data={"title": locked.title, "note": note},
            now=moment,
        )
    return locked


def item_advance(
    *,
    item: Item,
    target: str,
    note: str = "",
    actor: Actor,
    via: str = "",
    now: dt.datetime | None = None,
) -> Item:
    """One step along the item's chain: drafted → office meeting → leading-group approval →
    published, or (internal only) drafted → branch decision → published; each step by another
    person than the step before. Publishing freezes the text as the next version. ``via``: the
    command line's login, when it acts for ``actor`` (kept in the audit entry)."""
    if target in rules.STATUSES:  # an unknown step is the rules' refusal, not a role's
        access.check_advance(actor, item.organization, target)
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _locked(item)
        rules.check_transition(locked.status, target, locked.scope)
        rules.check_separation(
            current=locked.status, target=target, steps=chain_steps(locked), actor=actor.name
        )
        before = locked.status
        locked.status = target
        fields = ["status"]
        version = None
        if target == rules.PUBLISHED:
            number = locked.versions.count() + 1
            version = Version.objects.create(
                item=locked,
                phase=locked.phases.filter(number=locked.phase).first() if locked.phase else None,
                number=number,
                title=locked.title,
                body=locked.body,
                note=locked.revision_note,
                published_at=moment,
                published_by=actor.name,
            )
            locked.last_published_on = _local_day(moment)
            locked.revision_note = ""
            fields += ["last_published_on", "revision_note"]
        locked.save(update_fields=fields)
        Step.objects.create(item=locked, status=target, note=note, actor=actor.name, at=moment)
        audit_log(
            actor=actor.name,
            action=f"disclosure.item.{target}",
            obj=locked,
            data={"from": before, "to": target, "note": note}
            | ({"version": version.number} if version else {})
            | ({"via": via} if via else {}),
            now=moment,
        )
    item.status = locked.status
    return locked


def phase_next(
    *, item: Item, title: str, body: str, actor: Actor, now: dt.datetime | None = None
) -> Item:
    """A staged item whose current phase is published opens its next phase: the item goes
    back to drafted with that phase's stage report, and through the same chain (and the same
    separation of duties) to be published as the next version, tagged with the phase. The
    earlier phases stay readable."""
    access.check_run(actor, item.organization)
    moment = now or timezone.now()
    if not title.strip() or not body.strip():
        raise RuleError(E_EMPTY)
    with transaction.atomic():
        locked = _locked(item)
        phases = list(locked.phases.order_by("number"))
        current = next((p.name for p in phases if p.number == locked.phase), "")
        rules.check_next_phase(
            status=locked.status, phase=locked.phase, phases=len(phases), phase_name=current
        )
        opened = phases[locked.phase or 0]  # checked: a staged item, with a next phase
        locked.phase = opened.number
        locked.status = Status.DRAFTED
        locked.title, locked.body, locked.revision_note = title.strip(), body.strip(), ""
        locked.save(update_fields=["phase", "status", "title", "body", "revision_note"])
        Step.objects.create(
            item=locked, status=Status.DRAFTED, note=opened.name, actor=actor.name, at=moment
        )
        audit_log(
            actor=actor.name,
            action="disclosure.phase.opened",
            obj=locked,
            data={"phase": opened.number, "name": opened.name, "title": locked.title},
            now=moment,
        )
    return locked


def item_release(*, item: Item, actor: Actor, now: dt.datetime | None = None) -> Item:
    """An internal-then-external item, published inside the party, opens to the public."""
    access.check_run(actor, item.organization)
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _locked(item)
        rules.check_release(
            scope=locked.scope,
            has_version=locked.versions.exists(),
            released=locked.released_at is not None,
        )
        locked.released_at = moment
        locked.save(update_fields=["released_at"])
        audit_log(actor=actor.name, action="disclosure.item.released", obj=locked, now=moment)
    return locked


def new_tracking_code() -> str:
    alphabet = rules.TRACKING_ALPHABET
    return "".join(secrets.choice(alphabet) for _ in range(rules.TRACKING_LENGTH))


class _Tracked:
    """A letter's receipt: its tracking code, shown to the writer once and never stored."""

    code: str

    @property
    def grouped(self) -> str:
        return rules.tracking_grouped(self.code)


@dataclass(frozen=True)
class Receipt(_Tracked):
    """The feedback as stored, and its tracking code."""

    feedback: Feedback
    code: str


def _letter_create[L: (Feedback, Opinion)](
    model: type[L], *, text: str, contact: str, author: str, moment: dt.datetime, action: str,
    data: dict[str, Any], **where: Any,
) -> tuple[L, str]:  # fmt: skip
    """A reader's letter (feedback, the opinion box) and its tracking code, of which only the
    digest is stored; audited as from the reader, or from "public"."""
    code = new_tracking_code()
    letter = model.objects.create(
        **where,
        text=text.strip(),
        contact=contact.strip(),
        author=author,
        created_at=moment,
        tracking=rules.tracking_digest(code),
    )
    audit_log(actor=author or "public", action=action, obj=letter, data=data, now=moment)
    return letter, code


def feedback_submit(
    *, item: Item, text: str, contact: str = "", author: str = "", now: dt.datetime | None = None
) -> Feedback:
    """A reader's feedback on the version they read (without a tracking code: see
    ``feedback_leave``, which the pages and the API call)."""
    return feedback_leave(item=item, text=text, contact=contact, author=author, now=now).feedback


def feedback_leave(
    *, item: Item, text: str, contact: str = "", author: str = "", now: dt.datetime | None = None
) -> Receipt:
    """A reader's feedback on the version they read, with its tracking code. The caller
    checked that the reader may read the item; ``author`` is the signed-in user's name, empty
    for the public."""
    moment = now or timezone.now()
    if not text.strip():
        raise RuleError(E_FEEDBACK_EMPTY)
    with transaction.atomic():
        locked = _locked(item)
        number = locked.versions.count()
        if number == 0:
            raise RuleError(rules.E_FEEDBACK_CLOSED)
        feedback, code = _letter_create(
            Feedback, item=locked, version=number, text=text, contact=contact, author=author,
            moment=moment, action="disclosure.feedback.received",
            data={"item": locked.pk, "version": number},
        )  # fmt: skip
    return Receipt(feedback, code)


def feedback_answer(
    *, feedback: Feedback, answer: str, actor: Actor, now: dt.datetime | None = None
) -> Feedback:
    """The office answers feedback once; its writer reads the answer by the tracking code."""
    access.check_run(actor, feedback.item.organization)
    return _answer(
        feedback,
        answer=answer,
        actor=actor,
        action="disclosure.feedback.answered",
        data=lambda f: {"item": f.item_id},
        now=now,
    )


def _answer[L: (Feedback, Opinion, Remark)](
    letter: L,
    *,
    answer: str,
    actor: Actor,
    action: str,
    data: Callable[[L], dict[str, Any]],
    now: dt.datetime | None,
) -> L:
    """Feedback and the opinion box are answered alike: once, with a text, audited."""
    moment = now or timezone.now()
    if not answer.strip():
        raise RuleError(E_ANSWER_EMPTY)
    with transaction.atomic():
        locked = type(letter).objects.select_for_update().get(pk=letter.pk)
        if locked.answered_at is not None:
            raise RuleError(rules.E_ANSWERED)
        locked.answer, locked.answered_by, locked.answered_at = answer.strip(), actor.name, moment
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_log(actor=actor.name, action=action, obj=locked, data=data(locked), now=moment)
    return locked


@dataclass(frozen=True)
class OpinionReceipt(_Tracked):
    """The letter as stored, and its tracking code."""

    opinion: Opinion
    code: str


def opinion_leave(
    *,
    organization: Organization,
    text: str,
    contact: str = "",
    author: str = "",
    now: dt.datetime | None = None,
) -> OpinionReceipt:
    """A letter to the organization's opinion box (意见箱), from anyone; ``author`` is the
    signed-in user's name, empty for the public."""
    moment = now or timezone.now()
    if not text.strip():
        raise RuleError(E_OPINION_EMPTY)
    with transaction.atomic():
        opinion, code = _letter_create(
            Opinion, organization=organization, text=text, contact=contact, author=author,
            moment=moment, action="disclosure.opinion.received",
            data={"organization": organization.code},
        )  # fmt: skip
    return OpinionReceipt(opinion, code)


def opinion_answer(
    *, opinion: Opinion, answer: str, actor: Actor, now: dt.datetime | None = None
) -> Opinion:
    """The office answers a letter once; its writer reads the answer by the tracking code."""
    access.check_run(actor, opinion.organization)
    return _answer(
        opinion,
        answer=answer,
        actor=actor,
        action="disclosure.opinion.answered",
        data=lambda o: {"organization": o.organization.code},
        now=now,
    )


# --------------------------------------------------------------------------- supervisors


@transaction.atomic
def supervisor_appoint(
    *,
    organization: Organization,
    name: str,
    unit: str,
    term_start: dt.date,
    term_end: dt.date,
    user: Any = None,
    actor: Actor,
    now: dt.datetime | None = None,
) -> Supervisor:
    """The office appoints a disclosure supervisor (聘请党务公开监督员) for a term; with
    ``user`` (an account) the supervisor signs in to read the items and leave remarks."""
    access.check_appoint(actor, organization)
    moment = now or timezone.now()
    if not name.strip() or not unit.strip():
        raise RuleError(rules.E_SUPERVISOR_EMPTY)
    rules.check_term(term_start, term_end)
    supervisor = Supervisor.objects.create(
        organization=organization,
        name=name.strip(),
        unit=unit.strip(),
        term_start=term_start,
        term_end=term_end,
        user=user,
        appointed_by=actor.name,
        appointed_at=moment,
    )
    audit_log(
        actor=actor.name,
        action="disclosure.supervisor.appointed",
        obj=supervisor,
        data={
            "name": supervisor.name,
            "unit": supervisor.unit,
            "term": [term_start.isoformat(), term_end.isoformat()],
        }
        | ({"account": user.get_username()} if user is not None else {}),
        now=moment,
    )
    return supervisor


def remark_leave(
    *,
    supervisor: Supervisor,
    text: str,
    item: Item | None = None,
    actor: Actor,
    now: dt.datetime | None = None,
) -> Remark:
    """A serving supervisor's remark on the organization's disclosure, on one of its items
    or in general; the office answers it (``remark_answer``)."""
    moment = now or timezone.now()
    access.check_supervise(actor, supervisor, _local_day(moment))
    if not text.strip():
        raise RuleError(E_REMARK_EMPTY)
    if item is not None and item.organization_id != supervisor.organization_id:
        raise RuleError(E_REMARK_ITEM)
    with transaction.atomic():
        remark = Remark.objects.create(
            supervisor=supervisor, item=item, text=text.strip(), created_at=moment
        )
        audit_log(
            actor=actor.name,
            action="disclosure.remark.received",
            obj=remark,
            data={"supervisor": supervisor.pk} | ({"item": item.pk} if item else {}),
            now=moment,
        )
    return remark


def remark_answer(
    *, remark: Remark, answer: str, actor: Actor, now: dt.datetime | None = None
) -> Remark:
    """The office answers a supervisor's remark once; the supervisor reads it signed in."""
    access.check_run(actor, remark.supervisor.organization)
    return _answer(
        remark,
        answer=answer,
        actor=actor,
        action="disclosure.remark.answered",
        data=lambda r: {"supervisor": r.supervisor_id},
        now=now,
    )
