"""Writes of an office's people and their roles (the people page, its bulk file); every change
audited in the same transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Organization, Profile, Role
from pingyi.audit.services import audit_log
from pingyi.campaigns.models import Series
from pingyi.grading.models import Committee, GradingRole, PartyOrg, RoundStatus
from pingyi.inputs.tables import ROW, Table, header_columns, read_table
from pingyi.office.access import check_administers
from pingyi.office.people import (
    GRADING_ROLES,
    OFFICE_ROLES,
    SCOPE_KIND,
    UNIT_ROLES,
    PersonRole,
    Target,
    is_person_of,
    scope_targets,
)
from pingyi.rectification.models import UnitAccess
from pingyi.rules.errors import InputError, Listing, Problem, RuleError, Term, Where, gettext_noop

# ------------------------------------------------------------------------------ people

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (no 0/O, 1/l/I)
PASSWORD_LENGTH = 12
MAX_PEOPLE_ROWS = 2000

E_USERNAME_EMPTY = gettext_noop("the user name is required")
E_USERNAME_BAD = gettext_noop(
    "user name %(value)r: use at most 150 letters, digits and @ . + - _ (no spaces)"
)
E_USERNAME_TAKEN = gettext_noop("user name %(value)r is already taken; choose another")
E_NAME_EMPTY = gettext_noop("the full name is required")
E_NAME_LONG = gettext_noop("the full name has more than %(max)s characters")
E_ROLE_UNKNOWN = gettext_noop("unknown role %(value)r; expected one of %(expected)s")
E_SCOPE_EMPTY = gettext_noop("the role %(role)s needs a scope: %(what)s")
E_SCOPE_UNKNOWN = gettext_noop(
    "no %(what)s %(value)r in this office; write one of the list on the sheet 范围"
)
E_SCOPE_AMBIGUOUS = gettext_noop(
    "%(value)r names more than one %(what)s; write it as on the sheet 范围, e.g. %(example)r"
)
E_SCOPE_NONE = gettext_noop("the role %(role)s takes no scope; leave this cell empty")
E_ROLE_HELD = gettext_noop("%(name)s already holds this role")
E_TWO_OFFICE_ROLES = gettext_noop(
    "%(name)s gets a second office role in this file; a person holds one of "
    "administrator, staff and viewer"
)
E_NAME_DIFFERS = gettext_noop("%(name)s has another full name in row %(row)s")
E_TOO_MANY_ROWS = gettext_noop("the file has %(n)s rows; at most %(max)s people at once")
E_LAST_ADMIN = gettext_noop("the office's last administrator cannot lose that role")
E_SELF = gettext_noop("you cannot deactivate your own account")
E_ELSEWHERE = gettext_noop(
    "%(name)s also works for another office: remove their roles here instead"
)
E_NOT_FOUND = gettext_noop("no such role or person in this office")
E_CLOSED_ROUND = gettext_noop("the grading round %(name)s is closed; roles there no longer change")

SCOPE_WHAT = {
    "k": gettext_noop("committee"),
    "o": gettext_noop("party organization"),
    "u": gettext_noop("unit"),
}


def one_time_password() -> str:
    """A password to read out or hand over once; the person changes it at first sign-in."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def _clean(value: object) -> str:
    return str(value or "").replace("\x00", "").strip()


def _username_problem(username: str) -> tuple[str, dict[str, Any]] | None:
    if not username:
        return E_USERNAME_EMPTY, {}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return E_USERNAME_BAD, {"value": username[:150]}
    if len(username) > 150:
        return E_USERNAME_BAD, {"value": username[:150]}
    if get_user_model().objects.filter(username__iexact=username).exists():
        return E_USERNAME_TAKEN, {"value": username}
    return None


def _name_problem(full_name: str) -> tuple[str, dict[str, Any]] | None:
    if not full_name:
        return E_NAME_EMPTY, {}
    if len(full_name) > 100:
        return E_NAME_LONG, {"max": 100}
    return None


def _scope_problem(
    role: str, key: str, targets: dict[str, list[Target]]
) -> tuple[str, dict[str, Any]] | None:
    kind = SCOPE_KIND.get(PersonRole(role))
    if kind is None:
        return (E_SCOPE_NONE, {"role": Term(PersonRole(role).label)}) if key else None
    if not key:
        return E_SCOPE_EMPTY, {"role": Term(PersonRole(role).label), "what": Term(SCOPE_WHAT[kind])}
    if key not in {t.key for t in targets[kind]}:
        return E_SCOPE_UNKNOWN, {"what": Term(SCOPE_WHAT[kind]), "value": key}
    return None


def _grant(*, organization: Organization, user: Any, role: str, key: str, actor: Actor) -> None:
    """Writes one role (its scope checked by the caller) and its audit entry."""
    scope = ""
    if role in OFFICE_ROLES:
        membership = Membership.objects.filter(user=user, organization=organization).first()
        if membership is not None and membership.role == role:
            raise RuleError(E_ROLE_HELD, name=user.get_username())
        if membership is not None:
            _keep_an_admin(organization, membership)
            membership.role = role
            membership.save(update_fields=["role"])
        else:
            Membership.objects.create(user=user, organization=organization, role=role)
    elif role in GRADING_ROLES:
        kind = GRADING_ROLES[PersonRole(role)]
        committee = org = None
        if key.startswith("k"):
            committee = Committee.objects.select_related("round").get(pk=int(key[1:]))
            grading_round = committee.round
            scope = f"{grading_round.name} / {committee.name}"
        else:
            org = PartyOrg.objects.select_related("round").get(pk=int(key[1:]))
            grading_round = org.round
            scope = f"{grading_round.name} / {org.code} {org.name}"
        if grading_round.status == RoundStatus.CLOSED:
            raise RuleError(E_CLOSED_ROUND, name=grading_round.name)
        _role, created = GradingRole.objects.get_or_create(
            round=grading_round, user=user, kind=kind, committee=committee, org=org
        )
        if not created:
            raise RuleError(E_ROLE_HELD, name=user.get_username())
    else:
        series_pk, _sep, unit_code = key[1:].partition(":")
        series = Series.objects.get(pk=int(series_pk)) if series_pk != "0" else None
        _access, created = UnitAccess.objects.get_or_create(
            user=user,
            organization=organization,
            series=series,
            unit_code=unit_code,
            defaults={"role": UNIT_ROLES[PersonRole(role)]},
        )
        if not created:
            raise RuleError(E_ROLE_HELD, name=user.get_username())
        scope = f"{series.code if series else 'grading'} / {unit_code}"
    audit_log(
        actor=actor.name,
        action="accounts.role.granted",
        obj=organization,
        data={"user": user.get_username(), "role": role, "scope": scope},
    )


def _keep_an_admin(organization: Organization, membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        return
    others = Membership.objects.filter(organization=organization, role=Role.ADMIN).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise RuleError(E_LAST_ADMIN)


@dataclass(frozen=True)
class NewPerson:
    user: Any
    full_name: str
    password: str  # "" when invited: the person sets it through the link


def _create(
    *, organization: Organization, username: str, full_name: str, invite: bool, actor: Actor
) -> NewPerson:
    user = get_user_model().objects.create_user(username=username)
    password = "" if invite else one_time_password()
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Profile.objects.create(
        user=user,
        organization=organization,
        full_name=full_name,
        must_change_password=bool(password),
    )
    audit_log(
        actor=actor.name,
        action="accounts.person.added",
        obj=organization,
        data={
            "user": username,
            "full_name": full_name,
            "by": "invitation" if invite else "one_time_password",
        },
    )
    return NewPerson(user=user, full_name=full_name, password=password)


def person_add(
    *,
    organization: Organization,
    username: str,
    full_name: str,
    role: str,
    scope: str,
    invite: bool,
    actor: Actor,
) -> NewPerson:
    """A new account with one role, and a one-time password to hand over (shown once: only
    its hash is kept; the person changes it at first sign-in) — or, with ``invite``, no
    password at all until the person follows their invitation link. RuleError names the
    first thing wrong."""
    check_administers(actor, organization)
    username, full_name, scope = _clean(username), _clean(full_name), _clean(scope)
    if role not in PersonRole.values:
        raise RuleError(E_ROLE_UNKNOWN, value=role, expected=Listing(PersonRole.values))
    problem = (
        _username_problem(username)
        or _name_problem(full_name)
        or _scope_problem(role, scope, scope_targets(organization))
    )
    if problem is not None:
        raise RuleError(problem[0], **problem[1])
    with transaction.atomic():
        person = _create(
            organization=organization,
            username=username,
            full_name=full_name,
            invite=invite,
            actor=actor,
        )
        _grant(organization=organization, user=person.user, role=role, key=scope, actor=actor)
    return person


def person_role_add(
    *, organization: Organization, user: Any, role: str, scope: str, actor: Actor
) -> None:
    """Gives one more role to a person of the office (an office role replaces theirs)."""
    check_administers(actor, organization)
    scope = _clean(scope)
    if not is_person_of(organization, user):
        raise RuleError(E_NOT_FOUND)
    if role not in PersonRole.values:
        raise RuleError(E_ROLE_UNKNOWN, value=role, expected=Listing(PersonRole.values))
    problem = _scope_problem(role, scope, scope_targets(organization))
    if problem is not None:
        raise RuleError(problem[0], **problem[1])
    with transaction.atomic():
        _grant(organization=organization, user=user, role=role, key=scope, actor=actor)


def person_role_remove(*, organization: Organization, key: str, actor: Actor) -> str:
    """Removes one role ("m<pk>", "g<pk>" or "u<pk>" as people_list names it) of the office;
    returns the user name. The office keeps at least one administrator."""
    check_administers(actor, organization)
    kind, number = key[:1], key[1:]
    if not number.isdigit():
        raise RuleError(E_NOT_FOUND)
    with transaction.atomic():
        row: Membership | GradingRole | UnitAccess | None
        if kind == "m":
            row = (
                Membership.objects.select_for_update()
                .filter(pk=int(number), organization=organization)
                .first()
            )
            if row is not None:
                _keep_an_admin(organization, row)
        elif kind == "g":
            row = GradingRole.objects.filter(
                pk=int(number), round__organization=organization
            ).first()
        elif kind == "u":
            row = UnitAccess.objects.filter(pk=int(number), organization=organization).first()
        else:
            row = None
        if row is None:
            raise RuleError(E_NOT_FOUND)
        username = row.user.get_username()
        data = {"user": username, "role": str(getattr(row, "role", "") or row.kind)}  # type: ignore[union-attr]
        data["scope"] = str(getattr(row, "committee", None) or getattr(row, "org", None) or "")
        if isinstance(row, UnitAccess):
            data["scope"] = row.unit_code
        row.delete()
        audit_log(actor=actor.name, action="accounts.role.removed", obj=organization, data=data)
    return str(username)


def _works_elsewhere(organization: Organization, user: Any) -> bool:
    return (
        Membership.objects.filter(user=user).exclude(organization=organization).exists()
        or GradingRole.objects.filter(user=user).exclude(round__organization=organization).exists()
        or UnitAccess.objects.filter(user=user).exclude(organization=organization).exists()
    )


def person_active_set(*, organization: Organization, user: Any, active: bool, actor: Actor) -> None:
    """Deactivates a person (they can no longer sign in; sessions end at once) or lets them
    back in. Their roles stay, so reactivating restores exactly what they could do."""
    check_administers(actor, organization)
    if not is_person_of(organization, user):
        raise RuleError(E_NOT_FOUND)
    if not active and user.get_username() == actor.name:
        raise RuleError(E_SELF)
    if _works_elsewhere(organization, user):
        raise RuleError(E_ELSEWHERE, name=user.get_username())
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        if (
            not active
            and Membership.objects.filter(
                user=locked, organization=organization, role=Role.ADMIN
            ).exists()
        ):
            _keep_an_admin(
                organization,
                Membership.objects.get(user=locked, organization=organization),
            )
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        verb = "reactivated" if active else "deactivated"
        audit_log(
            actor=actor.name,
            action=f"accounts.person.{verb}",
            obj=organization,
            data={"user": locked.get_username()},
        )


# ------------------------------------------------------------------------------ bulk file

PEOPLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "用户名": ("用户名", "username", "user name"),
    "姓名": ("姓名", "full name", "name"),
    "角色": ("角色", "role"),
    "范围": ("范围", "scope"),
}


def role_words() -> dict[str, str]:
    """Every spelling of a role the 角色 column accepts: its Chinese and English names, its
    code. The template's drop-down offers the Chinese ones."""
    words: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            words |= {str(label).casefold(): value for value, label in PersonRole.choices}
    return words | {value: value for value in PersonRole.values}


def _resolve_scope(kind: str, text: str, targets: dict[str, list[Target]]) -> list[Target]:
    exact = [t for t in targets[kind] if t.label == text]
    return exact or [t for t in targets[kind] if text in t.names]


@dataclass(frozen=True)
class _Row:
    number: int
    username: str
    full_name: str
    role: str
    scope: str  # a Target key


def _file_rows(
    table: Table, columns: dict[str, int], organization: Organization
) -> tuple[list[_Row], list[Problem]]:
    """Every row checked, every problem listed with its row and column."""
    words, targets = role_words(), scope_targets(organization)
    rows: list[_Row] = []
    problems: list[Problem] = []
    first: dict[str, _Row] = {}
    seen: set[tuple[str, str, str]] = set()
    office_role: dict[str, int] = {}

    def cell(values: dict[str, Any], name: str) -> str:
        return _clean(values.get(f"c{columns[name]}")) if name in columns else ""

    def fail(number: int, name: str, found: tuple[str, dict[str, Any]]) -> None:
        index = columns.get(name)
        problems.append(Problem(table.where(row=number, index=index), found[0], found[1]))

    for values in table.frame.iter_rows(named=True):
        number = int(values[ROW])
        username, full_name = cell(values, "用户名"), cell(values, "姓名")
        role_text, scope_text = cell(values, "角色"), cell(values, "范围")
        before = first.get(username.casefold())
        if before is None and (problem := _username_problem(username)):
            fail(number, "用户名", problem)
        if problem := _name_problem(full_name):
            fail(number, "姓名", problem)
        elif before is not None and before.full_name != full_name:
            fail(number, "姓名", (E_NAME_DIFFERS, {"name": username, "row": before.number}))
        role = words.get(role_text.casefold(), "")
        if not role:
            expected = "、".join(str(label) for label in PersonRole.labels)
            fail(number, "角色", (E_ROLE_UNKNOWN, {"value": role_text, "expected": expected}))
            continue
        key, kind = "", SCOPE_KIND.get(PersonRole(role))
        label = Term(PersonRole(role).label)
        if kind is None and scope_text:
            fail(number, "范围", (E_SCOPE_NONE, {"role": label}))
        elif kind is not None and not scope_text:
            fail(number, "范围", (E_SCOPE_EMPTY, {"role": label, "what": Term(SCOPE_WHAT[kind])}))
        elif kind is not None:
            found = _resolve_scope(kind, scope_text, targets)
            what = Term(SCOPE_WHAT[kind])
            if not found:
                fail(number, "范围", (E_SCOPE_UNKNOWN, {"what": what, "value": scope_text}))
            elif len(found) > 1:
                params = {"what": what, "value": scope_text, "example": found[0].label}
                fail(number, "范围", (E_SCOPE_AMBIGUOUS, params))
            else:
                key = found[0].key
        if role in OFFICE_ROLES:
            if username.casefold() in office_role:
                fail(number, "角色", (E_TWO_OFFICE_ROLES, {"name": username}))
            office_role[username.casefold()] = number
        if (username.casefold(), role, key) in seen:
            fail(number, "角色", (E_ROLE_HELD, {"name": username}))
        seen.add((username.casefold(), role, key))
        row = _Row(number, username, full_name, role, key)
        first.setdefault(username.casefold(), row)
        rows.append(row)
    return rows, problems


def people_import(
    *, organization: Organization, path: Path, label: str, actor: Actor
) -> list[NewPerson]:
    """The people of a file (用户名, 姓名, 角色, 范围; a person with several roles on several
    rows), all or none: InputError lists every problem of the file with its row and column,
    and nothing is written. Returns the new people with their one-time passwords."""
    check_administers(actor, organization)
    table = read_table(path, label)
    if table.frame.height > MAX_PEOPLE_ROWS:
        raise InputError.one(
            Where(file=label), E_TOO_MANY_ROWS, n=table.frame.height, max=MAX_PEOPLE_ROWS
        )
    columns = header_columns(table, PEOPLE_COLUMNS, required=["用户名", "姓名", "角色"])
    rows, problems = _file_rows(table, columns, organization)
    if problems:
        raise InputError(problems)
    created: dict[str, NewPerson] = {}
    with transaction.atomic():
        for row in rows:
            person = created.get(row.username.casefold())
            if person is None:
                person = _create(
                    organization=organization,
                    username=row.username,
                    full_name=row.full_name,
                    invite=False,
                    actor=actor,
                )
                created[row.username.casefold()] = person
            _grant(
                organization=organization,
                user=person.user,
                role=row.role,
                key=row.scope,
                actor=actor,
            )
    return list(created.values())
