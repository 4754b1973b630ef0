"""The ledger's digest e-mails link each item to its plan under the office's public address
(issue 12, item 3), and carry no link when there is none people could open."""

from __future__ import annotations

from typing import Any

from pingyi.accounts.models import OfficeSettings
from pingyi.rectification.digest import digest_letters, render
from tests.jobs.conftest import PUBLIC
from tests.rectification.conftest import TODAY, Ledger, ledger
from tests.rectification.test_ledger import _items

__all__ = ["ledger"]


def test_each_item_links_to_its_plan_under_the_public_address(ledger: Ledger) -> None:
    _items(ledger)
    office = ledger.plan.organization
    OfficeSettings.objects.create(organization=office, public_url=PUBLIC)
    letter = {x.username: x for x in digest_letters(today=TODAY)}["olga"]
    _subject, body = render(letter, today=TODAY)
    assert body.splitlines()[2].endswith(f" — {PUBLIC}/staff/ledger/plans/{ledger.plan.pk}/")


def test_no_link_without_an_address_people_can_open(ledger: Ledger, settings: Any) -> None:
    _items(ledger)
    settings.PINGYI_PUBLIC_URL = "http://127.0.0.1:8000"
    letter = {x.username: x for x in digest_letters(today=TODAY)}["olga"]
    _subject, body = render(letter, today=TODAY)
    assert "http" not in body
