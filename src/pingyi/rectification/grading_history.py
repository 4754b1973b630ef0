"""An organization across the grading rounds of its organization department (SPEC P2, P4).

Organizations are matched by code within one tenant (the department that runs the rounds),
round by round, oldest first. A round's grade is the one its notice published, reviews
applied; where a look-back changed grades after the notice became final, the round's own
grading (grading_state) is read instead, so the look-back shows. A round that was never
published shows a grade only once it is closed; an open round shows none.

Repeated 较差 stands out: every round in which the organization is 较差 again carries the
consequence seed 003 names for 较差 organizations (REPEATED_POOR).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import F

from pingyi.accounts.models import Organization
from pingyi.grading.models import GradeChange, GradingRound, PartyOrg
from pingyi.grading.selectors import grading_state
from pingyi.notices.models import NoticeEntry, NoticeStatus
from pingyi.rectification.history import POOR, REPEATED_POOR
from pingyi.rules import grading as rules


@dataclass
class GradeYear:
    round: GradingRound
    name: str = ""
    committee: str = ""
    sector: str = ""
    total: Fraction | None = None
    grade: str = ""
    reviewed: bool = False  # a review of the notice changed it
    looked_back: bool = False  # a look-back changed the round's grades after the notice
    present: bool = False  # the organization was graded in this round
    visible: bool = False  # its grade may be shown (published, or the round closed)
    poor_times: int = 0  # 较差 in this and earlier rounds
    warnings: list[str] = field(default_factory=list)


def _looked_back(office: Organization) -> set[int]:
    """Rounds with a grade changed after their notice became final (a look-back)."""
    return set(
        GradeChange.objects.filter(
            org__round__organization=office,
            org__round__notice__status=NoticeStatus.FINAL,
            changed_at__gt=F("org__round__notice__finalized_at"),
        ).values_list("org__round_id", flat=True)
    )


def _from_state(year: GradeYear, code: str) -> None:
    state = next((s for s in grading_state(year.round).orgs if s.org.code == code), None)
    if state is not None and state.grade:
        year.grade, year.total = state.grade, state.total
        year.visible = True


def org_grading_history(office: Organization, code: str) -> list[GradeYear]:
    """The organization's rounds, oldest first, with repeated 较差 marked."""
    rounds = list(GradingRound.objects.filter(organization=office).order_by("year"))
    orgs = {
        o.round_id: o
        for o in PartyOrg.objects.filter(round__organization=office, code=code).select_related(
            "committee"
        )
    }
    entries = {
        e.notice.grading_round_id: e
        for e in NoticeEntry.objects.filter(
            notice__grading_round__organization=office, code=code
        ).select_related("notice")
    }
    looked_back = _looked_back(office)
    years = []
    for grading_round in rounds:
        year = GradeYear(round=grading_round)
        org, entry = orgs.get(grading_round.pk), entries.get(grading_round.pk)
        if org is not None:
            year.present, year.name = True, org.name
            year.committee, year.sector = org.committee.name, org.sector
        if entry is not None:
            year.grade, year.total, year.reviewed = entry.grade, entry.total, entry.reviewed
            year.visible = True
        if org is not None and (
            grading_round.pk in looked_back
            or (entry is None and grading_round.status == rules.CLOSED)
        ):
            year.looked_back = grading_round.pk in looked_back
            _from_state(year, code)
        years.append(year)
    _warn(years)
    return years


def _warn(years: list[GradeYear]) -> None:
    times = 0
    for year in years:
        if year.visible and year.grade == POOR:
            times += 1
            year.poor_times = times
            if times > 1:
                year.warnings.append(REPEATED_POOR)


def org_name(years: list[GradeYear], code: str) -> str:
    return next((y.name for y in reversed(years) if y.name), code)
