"""Writes of an office's own settings and of a person's own password; every change audited
in the same transaction. The people page's writes are in office/people_services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils.crypto import salted_hmac

from pingyi.accounts.models import OfficeSettings, Organization, Profile
from pingyi.audit.services import audit_log
from pingyi.rules.address import normalise_address


def office_public_url_set(*, organization: Organization, url: str, actor: str) -> str:
    """Sets the office's public address ("" falls back to PINGYI_PUBLIC_URL); returns it as
    stored. Raises RuleError for anything but an http(s) address of a host."""
    address = normalise_address(url)
    with transaction.atomic():
        row, _created = OfficeSettings.objects.select_for_update().get_or_create(
            organization=organization
        )
        before = row.public_url
        row.public_url = address
        row.save(update_fields=["public_url"])
        audit_log(
            actor=actor,
            action="accounts.office.public_url_set",
            obj=organization,
            data={"office": organization.code, "before": before, "after": address},
        )
    return address


INVITATION_SALT = "pingyi.accounts.invitation"
INVITATION_DAYS = 7


# ------------------------------------------------------------------ invitation, password


def _password_mark(user: Any) -> str:
    """Changes when the password does: a used invitation is void."""
    return salted_hmac(INVITATION_SALT, user.password or "-", algorithm="sha256").hexdigest()[:16]


def invitation_token(user: Any) -> str:
    """A signed link token for ``user``: valid INVITATION_DAYS days, until a password is set."""
    return signing.dumps({"u": user.pk, "m": _password_mark(user)}, salt=INVITATION_SALT)


def invitation_user(token: str) -> Any | None:
    """The person the token invites; None when it is forged, expired or already used."""
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=dt.timedelta(days=INVITATION_DAYS)
        )
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict):
        return None
    pk = data.get("u")
    if not isinstance(pk, int):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or data.get("m") != _password_mark(user):
        return None
    return user


def invitation_accept(*, user: Any, password: str) -> None:
    """The invited person sets their password (validated by the caller's form)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        Profile.objects.filter(user=user).update(must_change_password=False)
        audit_log(
            actor=user.get_username(),
            action="accounts.invitation.accepted",
            obj=user,
            data={"user": user.get_username()},
        )


def password_changed(*, user: Any) -> None:
    """After the person changed their password: the one-time one no longer binds them."""
    with transaction.atomic():
        Profile.objects.filter(user=user).update(must_change_password=False)
        audit_log(
            actor=user.get_username(),
            action="accounts.password.changed",
            obj=user,
            data={"user": user.get_username()},
        )


def must_change_password(user: Any) -> bool:
    return Profile.objects.filter(user=user, must_change_password=True).exists()
