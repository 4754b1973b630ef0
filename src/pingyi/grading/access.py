"""Who sees and does what in a grading round (R17).

The department is the tenant's staff (accounts.Membership): viewers read the whole round,
staff and administrators run it. Everyone else holds GradingRole rows: a committee user
works on its committee's organizations, an organization user on itself, an assessor on the
organizations assigned to them. Anyone else — another tenant included — finds nothing (404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization
from pingyi.accounts.selectors import READ, RUN, AnyUser, organizations_for, role_in
from pingyi.grading.models import Committee, GradingRole, GradingRoleKind, GradingRound, PartyOrg


@dataclass(frozen=True)
class Scope:
    """One user's reach in one round."""

    round: GradingRound
    department: bool  # reads everything
    can_run: bool  # department staff/admin: runs the round, reviews filings
    committees: frozenset[int]
    orgs: frozenset[int]  # the organizations the user is
    assessed: frozenset[int]  # the organizations assigned to the user as assessor

    @property
    def round_url(self) -> str:
        return reverse("grading:round", kwargs={"code": self.round.code})

    @property
    def anything(self) -> bool:
        return self.department or bool(self.committees or self.orgs or self.assessed)

    def sees_org(self, org: PartyOrg) -> bool:
        return (
            self.department
            or org.committee_id in self.committees
            or org.pk in self.orgs
            or org.pk in self.assessed
        )

    def sees_committee(self, committee: Committee) -> bool:
        return self.department or committee.pk in self.committees

    def may_self_evaluate(self, org: PartyOrg) -> bool:
        """The organization itself, its committee, or the department entering a paper form."""
        return self.can_run or org.committee_id in self.committees or org.pk in self.orgs

    def may_assess(self, org: PartyOrg) -> bool:
        return org.pk in self.assessed

    def may_decide(self, committee: Committee) -> bool:
        return committee.pk in self.committees

    def sees_assessment(self, org: PartyOrg) -> bool:
        """Scores and talk notes: not the organization's own users before the committee decides."""
        return self.department or org.committee_id in self.committees or org.pk in self.assessed

    def visible_orgs(self) -> QuerySet[PartyOrg]:
        orgs = PartyOrg.objects.filter(round=self.round)
        if self.department:
            return orgs
        return orgs.filter(
            Q(committee_id__in=self.committees) | Q(pk__in=self.orgs | self.assessed)
        )


def rounds_for(user: AnyUser) -> QuerySet[GradingRound]:
    """The rounds of the user's tenants, and those where the user holds a grading role."""
    if not user.is_authenticated:
        return GradingRound.objects.none()
    return (
        GradingRound.objects.filter(
            Q(organization__in=organizations_for(user, READ)) | Q(roles__user_id=user.pk)
        )
        .select_related("organization")
        .distinct()
    )


def scope_for(user: AnyUser, grading_round: GradingRound) -> Scope:
    role = role_in(user, grading_round.organization)
    rows = (
        GradingRole.objects.filter(round=grading_round, user_id=user.pk).values_list(
            "kind", "committee_id", "org_id"
        )
        if user.is_authenticated
        else []
    )
    committees, orgs, assessed = set(), set(), set()
    for kind, committee, org in rows:
        if kind == GradingRoleKind.COMMITTEE:
            committees.add(committee)
        elif kind == GradingRoleKind.ORG:
            orgs.add(org)
        else:
            assessed.add(org)
    return Scope(
        round=grading_round,
        department=role in READ,
        can_run=role in RUN,
        committees=frozenset(committees),
        orgs=frozenset(orgs),
        assessed=frozenset(assessed),
    )


def round_scope(user: AnyUser, code: str) -> Scope | None:
    """The round ``code`` as ``user`` may see it; None when the user has no part in it."""
    found = rounds_for(user).filter(code=code).first()
    if found is None:
        return None
    scope = scope_for(user, found)
    return scope if scope.anything else None


# ------------------------------------------------------------------ services' checks (Actor)


def _scope(actor: Actor, grading_round: GradingRound) -> Scope | None:
    if actor.user is None:
        return None
    return scope_for(actor.user, grading_round)


def _check(actor: Actor, grading_round: GradingRound, allowed: Callable[[Scope], bool]) -> None:
    """AccessDenied unless the machine's operator, or a person whose scope in the round
    ``allowed`` admits (the public and other tenants have none)."""
    if actor.system:
        return
    scope = _scope(actor, grading_round)
    if scope is None or not allowed(scope):
        raise AccessDenied


def check_creates(actor: Actor, organization: Organization) -> None:
    """A new round of ``organization``: its administrators and staff (the department)."""
    if actor.system:
        return
    if actor.user is None or role_in(actor.user, organization) not in RUN:
        raise AccessDenied


def check_runs(actor: Actor, grading_round: GradingRound) -> None:
    """The department's staff or administrators (or the machine's operator): the round's
    steps, organizations, roles, schedule, surveys, entered rates and the review of filings."""
    _check(actor, grading_round, lambda scope: scope.can_run)


def check_self_evaluates(actor: Actor, org: PartyOrg) -> None:
    """自评: the organization itself, its committee, or the department (a paper form)."""
    _check(actor, org.round, lambda scope: scope.may_self_evaluate(org))


def check_assesses(actor: Actor, org: PartyOrg) -> None:
    """The assessment and its talks: the organization's assessors."""
    _check(actor, org.round, lambda scope: scope.may_assess(org))


def check_draws_list(actor: Actor, grading_round: GradingRound, committees: set[int]) -> None:
    """A participant list is drawn up by the department or by the committee(s) it covers."""
    if actor.system:
        return
    scope = _scope(actor, grading_round)
    if scope is None or not (scope.can_run or (committees and committees <= scope.committees)):
        raise AccessDenied


def check_approves_list(actor: Actor, grading_round: GradingRound, committees: set[int]) -> None:
    """The assessment group (考核组) approves a list: an assessor of an organization of the
    committee(s) the list covers."""
    if actor.system:
        return
    scope = _scope(actor, grading_round)
    if scope is None or not scope.assessed:
        raise AccessDenied
    assessed = set(
        PartyOrg.objects.filter(pk__in=scope.assessed).values_list("committee_id", flat=True)
    )
    if not committees & assessed:
        raise AccessDenied


def check_sets_members(actor: Actor, org: PartyOrg) -> None:
    """An organization's member count: the department or its committee."""
    if actor.system:
        return
    scope = _scope(actor, org.round)
    if scope is None or not (scope.can_run or org.committee_id in scope.committees):
        raise AccessDenied


def check_decides(actor: Actor, committee: Committee) -> None:
    """The committee's own decisions — grades, explanations, follow-up, justifications, its
    filing, its summary and violations: its committee users."""
    _check(actor, committee.round, lambda scope: scope.may_decide(committee))


def check_records(actor: Actor, org: PartyOrg) -> None:
    """What 好 was granted: the department's staff or the organization's committee."""
    if actor.system:
        return
    scope = _scope(actor, org.round)
    if scope is None or not (scope.can_run or org.committee_id in scope.committees):
        raise AccessDenied


def check_references(actor: Actor, org: PartyOrg) -> None:
    """An assessment's references: the department's staff, the committee, the assessor."""
    if actor.system:
        return
    scope = _scope(actor, org.round)
    if scope is None or not (
        scope.can_run or org.committee_id in scope.committees or org.pk in scope.assessed
    ):
        raise AccessDenied
