"""What each person finds on /staff/: the work their roles wait for, one line each with a
count and a link. A committee user sees its organizations awaiting its decision, an assessor
the organizations awaiting assessment, a party organization its self-evaluation, a unit's
owner the rectification items due soon, the office's staff its open campaigns, unanswered
objections and filings to review. Reads only; the counts come from the same tables as the
pages the lines link to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db.models import Count, F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pingyi.accounts.models import Membership, Role
from pingyi.accounts.selectors import READ, RUN, AnyUser, organizations_for
from pingyi.campaigns.models import Campaign, CampaignStatus, StageKind
from pingyi.disclosure import selectors as disclosure
from pingyi.grading.models import (
    Filing,
    FilingStatus,
    GradingRole,
    GradingRoleKind,
    PartyOrg,
    RoundStatus,
)
from pingyi.nominations.models import UnitMember as NominationMember
from pingyi.notices.models import Objection, ObjectionStatus
from pingyi.rectification.models import Item, UnitAccess, UnitRole
from pingyi.rectification.selectors import owned_plans
from pingyi.rules import ledger as ledger_rules
from pingyi.rules import stages as stage_rules


@dataclass(frozen=True)
class Todo:
    text: str
    url: str
    count: int


@dataclass(frozen=True)
class Reach:
    """What a person's roles reach, for the staff bar and the landing page."""

    office: bool  # admin, staff or viewer of an office
    runs: bool  # admin or staff
    admin: bool
    grading: bool  # the office, or a committee, party organization or assessor role
    units: bool  # owner or member of an appraised unit
    nominates: bool = False  # member of a nominating unit (nominations)


def reach_of(user: AnyUser) -> Reach:
    if not user.is_authenticated:
        return Reach(False, False, False, False, False)
    roles = set(Membership.objects.filter(user_id=user.pk).values_list("role", flat=True))
    office = bool(roles & set(READ))
    return Reach(
        office=office,
        runs=bool(roles & set(RUN)),
        admin=Role.ADMIN in roles,
        grading=office or GradingRole.objects.filter(user_id=user.pk).exists(),
        units=UnitAccess.objects.filter(user_id=user.pk).exists(),
        nominates=NominationMember.objects.filter(user_id=user.pk).exists(),
    )


def _counted(
    rows: QuerySet[Any],
    code: str,
    name: str,
    text: Callable[[int], str],
    view: str,
    key: str = "name",
) -> list[Todo]:
    """One line per group of ``rows`` with the same ``code``: ``text`` for the group's count,
    its ``name`` in the text under ``key`` (and the count as %(n)s), a link to the group's
    ``view``."""
    groups = rows.values(code, name).annotate(n=Count("pk"))
    return [
        Todo(
            text(row["n"]) % {key: row[name], "n": row["n"]},
            reverse(view, kwargs={"code": row[code]}),
            row["n"],
        )
        for row in groups
    ]


def _committee_todos(user: AnyUser) -> list[Todo]:
    todos = []
    roles = GradingRole.objects.filter(
        user_id=user.pk or 0, kind=GradingRoleKind.COMMITTEE, round__status=RoundStatus.DECISION
    ).select_related("round", "committee", "committee__filing")
    for role in roles:
        committee = role.committee
        if committee is None:
            continue
        filing = getattr(committee, "filing", None)
        orgs = PartyOrg.objects.filter(committee=committee)
        if filing is not None and filing.status != FilingStatus.RETURNED:
            continue
        if filing is not None:  # returned: the organizations the department sent back
            returned = orgs.filter(review__verdict="returned")
            orgs = returned if returned.exists() else orgs
        n = orgs.count()
        if n:
            text = ngettext(
                "%(committee)s: %(n)s party organization awaits your decision on its grade",
                "%(committee)s: %(n)s party organizations await your decision on their grades",
                n,
            ) % {"committee": committee.name, "n": n}
            url = reverse("grading:committee", kwargs={"code": role.round.code, "pk": committee.pk})
            todos.append(Todo(text, url, n))
    return todos


def _assessor_todos(user: AnyUser) -> list[Todo]:
    pending = GradingRole.objects.filter(
        user_id=user.pk or 0,
        kind=GradingRoleKind.ASSESSOR,
        round__status=RoundStatus.ASSESSMENT,
        org__assessment__isnull=True,
    )
    return _counted(
        pending, "round__code", "round__name",
        lambda n: ngettext(
            "%(round)s: %(n)s party organization awaits your assessment",
            "%(round)s: %(n)s party organizations await your assessment",
            n,
        ),
        "grading:round", "round",
    )  # fmt: skip


def _org_todos(user: AnyUser) -> list[Todo]:
    roles = GradingRole.objects.filter(
        user_id=user.pk or 0,
        kind=GradingRoleKind.ORG,
        round__status=RoundStatus.SELF_EVALUATION,
        org__self_evaluation__isnull=True,
    ).select_related("round", "org")
    return [
        Todo(
            _("%(org)s: the self-evaluation awaits submission") % {"org": role.org.name},
            reverse("grading:org", kwargs={"code": role.round.code, "org": role.org.code}),
            1,
        )
        for role in roles
        if role.org is not None
    ]


def _owner_todos(user: AnyUser, today: dt.date) -> list[Todo]:
    items = Item.objects.filter(plan__in=owned_plans(user)).exclude(
        status__in=list(ledger_rules.FINISHED)
    )
    soon = items.filter(
        deadline__gte=today, deadline__lte=today + dt.timedelta(days=ledger_rules.DIGEST_DAYS)
    ).count()
    late = items.filter(deadline__lt=today).count()
    url = reverse("rectification:home")
    todos = []
    if soon:
        text = ngettext(
            "%(n)s rectification item is due within %(days)s days",
            "%(n)s rectification items are due within %(days)s days",
            soon,
        ) % {"n": soon, "days": ledger_rules.DIGEST_DAYS}
        todos.append(Todo(text, url, soon))
    if late:
        text = ngettext(
            "%(n)s rectification item is overdue",
            "%(n)s rectification items are overdue",
            late,
        ) % {"n": late}
        todos.append(Todo(text, url, late))
    return todos


def _office_todos(user: AnyUser) -> list[Todo]:
    offices = organizations_for(user, RUN)
    todos = []
    campaigns = Campaign.objects.filter(
        series__organization__in=offices, status=CampaignStatus.OPEN
    ).order_by("-year", "code")
    for campaign in campaigns:
        text = _("%(name)s is collecting ballots") % {"name": campaign.name}
        todos.append(Todo(text, reverse("campaign", kwargs={"code": campaign.code}), 1))
    waiting = (
        Objection.objects.filter(notice__organization__in=offices)
        .exclude(status=ObjectionStatus.ANSWERED)
        .order_by("notice__code")
    )
    todos += _counted(
        waiting, "notice__code", "notice__title",
        lambda n: ngettext(
            "%(notice)s: %(n)s objection awaits an answer",
            "%(notice)s: %(n)s objections await an answer",
            n,
        ),
        "notices:staff-notice", "notice",
    )  # fmt: skip
    filed = Filing.objects.filter(
        committee__round__organization__in=offices, status=FilingStatus.FILED
    )
    todos += _counted(
        filed, "committee__round__code", "committee__round__name",
        lambda n: ngettext(
            "%(round)s: %(n)s committee filed its grades for review",
            "%(round)s: %(n)s committees filed their grades for review",
            n,
        ),
        "grading:review", "round",
    )  # fmt: skip
    return todos


def _stage_todos(user: AnyUser, today: dt.date) -> list[Todo]:
    """A unit's owner: pledges to draft or redraft, a self-inspection report to file once its
    stage has started, fed-back opinions to answer. The office: pledges to approve, reports
    (self-inspection, rectification) to mark received."""
    from pingyi.stages import opinion_selectors as opinion_reads
    from pingyi.stages import selectors as stages

    todos = []
    owned = (
        stages.units_for(user)
        .filter(
            campaign__series__unit_access__user_id=user.pk or 0,
            campaign__series__unit_access__role=UnitRole.OWNER,
            campaign__series__unit_access__unit_code=F("code"),
        )
        .exclude(campaign__status=CampaignStatus.FINAL)
    )
    owned_units = list(owned.distinct())
    unanswered = opinion_reads.unanswered_by_unit(owned_units)  # one query for every unit
    for unit in owned_units:
        url = reverse("stages:unit", kwargs={"code": unit.campaign.code, "unit": unit.code})
        pledge = getattr(unit, "pledge", None)
        if pledge is None or pledge.status in (stage_rules.DRAFT, stage_rules.RETURNED):
            text = _("%(unit)s: the service pledges await drafting and submission")
            todos.append(Todo(text % {"unit": unit.name}, url, 1))
        stage = next(  # the dates come with the units (stages.units_for): no query per unit
            (s for s in unit.campaign.stages.all() if s.kind == StageKind.SELF_INSPECTION), None
        )
        report = getattr(unit, "self_inspection", None)
        if report is None and stage is not None and stage.starts_on <= today:
            text = _("%(unit)s: the self-inspection report awaits filing")
            todos.append(Todo(text % {"unit": unit.name}, url, 1))
        waiting = unanswered.get(unit.pk, 0)
        if waiting:
            text = ngettext(
                "%(unit)s: %(n)s fed-back opinion awaits its measures",
                "%(unit)s: %(n)s fed-back opinions await their measures",
                waiting,
            ) % {"unit": unit.name, "n": waiting}
            todos.append(Todo(text, f"{url}#opinions", waiting))
    offices = organizations_for(user, RUN)
    campaigns = Campaign.objects.filter(series__organization__in=offices).exclude(
        status=CampaignStatus.FINAL
    )
    for campaign, n in stages.filings_awaiting_office(campaigns):
        if n:
            text = ngettext(
                "%(name)s: %(n)s stage filing awaits the office",
                "%(name)s: %(n)s stage filings await the office",
                n,
            ) % {"name": campaign.name, "n": n}
            todos.append(Todo(text, reverse("stages:board", kwargs={"code": campaign.code}), n))
    return todos


def _nomination_todos(user: AnyUser) -> list[Todo]:
    """Lists waiting at the person's level (to recommend), at the office (to approve), or
    returned to the person's unit (to redo); opinions on the notice the office has not
    answered yet (to answer)."""
    from pingyi.nominations.models import Opinion, Slate
    from pingyi.rules import nominations as nomination_rules

    offices = organizations_for(user, RUN)
    units = NominationMember.objects.filter(user_id=user.pk or 0).values_list("unit_id", flat=True)
    waiting = Slate.objects.filter(
        unit__round__phase=nomination_rules.NOMINATING, status=nomination_rules.SUBMITTED
    )
    found = {
        "recommend": waiting.filter(waiting_at_id__in=units),
        "approve": waiting.filter(waiting_at__isnull=True, unit__round__organization__in=offices),
        "returned": Slate.objects.filter(unit_id__in=units, status=nomination_rules.RETURNED),
    }
    todos = []
    for kind, slates in found.items():
        todos += _counted(
            slates.order_by("unit__round__code"), "unit__round__code", "unit__round__name",
            partial(_nomination_text, kind), "nominations:round",
        )  # fmt: skip
    unanswered = (
        Opinion.objects.filter(round__organization__in=offices)
        .exclude(round__phase=nomination_rules.CLOSED)
        .exclude(status=ObjectionStatus.ANSWERED)
        .order_by("round__code")
    )
    return todos + _counted(
        unanswered, "round__code", "round__name",
        lambda n: ngettext(
            "%(name)s: %(n)s opinion on the nominees awaits an answer",
            "%(name)s: %(n)s opinions on the nominees await an answer",
            n,
        ),
        "nominations:round",
    )  # fmt: skip


def _nomination_text(kind: str, n: int) -> str:
    if kind == "recommend":
        return ngettext(
            "%(name)s: %(n)s nomination list waits for your recommendation",
            "%(name)s: %(n)s nomination lists wait for your recommendation",
            n,
        )
    if kind == "approve":
        return ngettext(
            "%(name)s: %(n)s nomination list awaits the office's approval",
            "%(name)s: %(n)s nomination lists await the office's approval",
            n,
        )
    return ngettext(
        "%(name)s: %(n)s nomination list was returned to your unit",
        "%(name)s: %(n)s nomination lists were returned to your unit",
        n,
    )


def _disclosure_todos(user: AnyUser, today: dt.date) -> list[Todo]:
    """The office: the supervisors' remarks still unanswered; a serving supervisor: the page
    of each organization they supervise (党务公开监督员)."""
    todos = []
    remarks = disclosure.remarks_for(user).filter(
        answered_at__isnull=True, supervisor__organization__in=organizations_for(user, RUN)
    )
    if waiting := remarks.count():
        text = ngettext(
            "%(n)s supervisor's remark on the disclosure awaits an answer",
            "%(n)s supervisors' remarks on the disclosure await an answer",
            waiting,
        ) % {"n": waiting}
        todos.append(Todo(text, reverse("disclosure:supervisors"), waiting))
    for supervisor in disclosure.supervisions(user, today).order_by("organization__name"):
        organization = supervisor.organization
        text = _("Supervise the party-affairs disclosure of %(org)s") % {"org": organization.name}
        url = reverse("disclosure:supervise", kwargs={"org": organization.code})
        todos.append(Todo(text, url, 1))
    return todos


def todos_for(user: AnyUser, *, today: dt.date) -> list[Todo]:
    """Everything waiting for ``user``, the office's work first."""
    if not user.is_authenticated:
        return []
    return [
        *_office_todos(user),
        *_committee_todos(user),
        *_assessor_todos(user),
        *_org_todos(user),
        *_owner_todos(user, today),
        *_stage_todos(user, today),
        *_nomination_todos(user),
        *_disclosure_todos(user, today),
    ]
