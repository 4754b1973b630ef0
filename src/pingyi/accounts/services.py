"""Writes of an office's own settings; every change audited in the same transaction."""

from __future__ import annotations

from django.db import transaction

from pingyi.accounts.models import OfficeSettings
from pingyi.audit.services import audit_log
from pingyi.campaigns.models import Organization
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
