"""Who may do what: every staff page, API route and download asks here (R17)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from pingyi.accounts.actors import AccessDenied
from pingyi.accounts.models import Membership, OfficeSettings, Organization, Role
from pingyi.rules.address import is_loopback

RUN = (Role.ADMIN, Role.STAFF)
READ = (Role.ADMIN, Role.STAFF, Role.VIEWER)

AnyUser = AbstractBaseUser | AnonymousUser


def organizations_for(user: AnyUser, roles: tuple[str, ...] = READ) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=roles
    ).distinct()


def organizations_run(user: AnyUser) -> QuerySet[Organization]:
    """The organizations the user runs (admin or staff), for a page that makes something in
    one of them: a user who runs none may not (AccessDenied, a 403)."""
    organizations = organizations_for(user, RUN)
    if not organizations.exists():
        raise AccessDenied
    return organizations


def role_in(user: AnyUser, organization: Organization) -> str | None:
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user_id=user.pk, organization=organization).first()
    return membership.role if membership else None


@dataclass(frozen=True)
class PublicAddress:
    """Where an office's QR sheets, SMS lists and e-mails point, and where that came from."""

    url: str  # "" when neither the office nor the installation set one
    source: str  # "office", "installation" or ""
    loopback: bool  # reaches only the server itself: no phone can use it

    @property
    def usable(self) -> bool:
        return bool(self.url) and not self.loopback


def public_address(organization: Organization) -> PublicAddress:
    """The office's own public address, else the installation's PINGYI_PUBLIC_URL."""
    own = OfficeSettings.objects.filter(organization=organization).values_list(
        "public_url", flat=True
    )
    url, source = next(iter(own), ""), "office"
    if not url:
        url, source = settings.PINGYI_PUBLIC_URL, "installation"
    if not url:
        return PublicAddress("", "", False)
    return PublicAddress(url, source, is_loopback(url))
