"""Who may do what: every staff page, API route and download asks here (R17)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from pingyi.accounts.models import Membership, Role
from pingyi.campaigns.models import Campaign, Organization

RUN = (Role.ADMIN, Role.STAFF)
READ = (Role.ADMIN, Role.STAFF, Role.VIEWER)

AnyUser = AbstractBaseUser | AnonymousUser


def organizations_for(user: AnyUser, roles: tuple[str, ...] = READ) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=roles
    ).distinct()


def campaigns_for(user: AnyUser, roles: tuple[str, ...] = READ) -> QuerySet[Campaign]:
    """The campaigns of the organizations where ``user`` has one of ``roles``."""
    return Campaign.objects.select_related("series", "series__organization").filter(
        series__organization__in=organizations_for(user, roles)
    )


def role_in(user: AnyUser, organization: Organization) -> str | None:
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user_id=user.pk, organization=organization).first()
    return membership.role if membership else None
