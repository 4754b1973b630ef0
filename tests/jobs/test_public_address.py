"""Issue 12, item 3: QR sheets, the SMS list and e-mails point to the office's public
address, never silently to the address the clerk happened to use; a warning says when that
address is unset or reaches only the server itself."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from pingyi.accounts.models import Membership, OfficeSettings, Role
from pingyi.accounts.selectors import public_address
from pingyi.audit.models import AuditEntry
from pingyi.jobs.models import Job
from pingyi.rules.address import is_loopback, normalise_address
from pingyi.rules.errors import RuleError
from tests.exports.test_token_sheets import _gray_pages, _scan, _slip_box
from tests.jobs.conftest import PUBLIC, Cast, client_for, fetch, finish_jobs, zip_codes

pytestmark = pytest.mark.django_db


def _admin(cast: Cast) -> Any:
    Membership.objects.filter(user=cast.alice).update(role=Role.ADMIN)
    return client_for(cast.alice)


def _campaign_page(cast: Cast) -> str:
    return client_for(cast.alice).get(f"/staff/c/{cast.campaign.code}/").content.decode()


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("", ""),
        ("  http://192.0.2.10:8000/ ", "http://192.0.2.10:8000"),
        ("https://pingyi.example.gov.cn/pingyi/", "https://pingyi.example.gov.cn/pingyi"),
    ],
)
def test_an_address_is_stored_plain(value: str, stored: str) -> None:
    assert normalise_address(value) == stored


@pytest.mark.parametrize(
    "value",
    ["pingyi.example.gov.cn", "ftp://host", "http://", "http://h/v/#CODE", "http://h?x=1",
     "http://u:p@h", "http://h:99999", "http://a b", "http://h\x00"],
)  # fmt: skip
def test_anything_else_is_refused_with_the_value(value: str) -> None:
    with pytest.raises(RuleError, match="is not a public address"):
        normalise_address(value)


def test_loopback_addresses_are_recognized() -> None:
    loop = ["http://127.0.0.1:8011", "http://localhost", "http://[::1]:8000", "http://127.9.9.9"]
    assert all(is_loopback(a) for a in loop)
    assert not any(is_loopback(a) for a in [PUBLIC, "https://pingyi.example.gov.cn"])


def test_the_office_address_overrides_the_installation_default(cast: Cast, settings: Any) -> None:
    office = cast.campaign.series.organization
    assert public_address(office).url == ""
    settings.PINGYI_PUBLIC_URL = "http://127.0.0.1:8011"
    found = public_address(office)
    assert (found.url, found.source, found.loopback, found.usable) == (
        "http://127.0.0.1:8011", "installation", True, False,
    )  # fmt: skip
    OfficeSettings.objects.create(organization=office, public_url=PUBLIC)
    found = public_address(office)
    assert (found.url, found.source, found.usable) == (PUBLIC, "office", True)


def test_the_token_form_warns_when_no_address_is_set(cast: Cast) -> None:
    page = _campaign_page(cast)
    assert 'id="address-warning"' in page
    assert (
        "No public address is set: the sheets would point to the address you are using now" in page
    )
    assert "http://testserver/v/" in page
    assert "Ask an administrator of your office to set it." in page  # Alice is staff


def test_the_token_form_warns_of_a_loopback_address(cast: Cast, settings: Any) -> None:
    settings.PINGYI_PUBLIC_URL = "http://127.0.0.1:8011"
    page = _campaign_page(cast)
    assert "The public address http://127.0.0.1:8011 reaches only the server itself" in page


def test_no_warning_once_a_reachable_address_is_set(cast: Cast) -> None:
    admin = _admin(cast)
    office = cast.campaign.series.organization
    response = admin.post(f"/staff/office/{office.code}/", {"public_url": PUBLIC + "/"})
    assert response.status_code == 302
    page = _campaign_page(cast)
    assert 'id="address-warning"' not in page
    assert f"<code>{PUBLIC}/v/</code>" in page
    entry = AuditEntry.objects.get(action="accounts.office.public_url_set")
    assert entry.data == {"office": office.code, "before": "", "after": PUBLIC}


def test_a_bad_address_is_refused_on_the_settings_page(cast: Cast) -> None:
    admin = _admin(cast)
    office = cast.campaign.series.organization
    response = admin.post(f"/staff/office/{office.code}/", {"public_url": "pingyi.local/v"})
    assert response.status_code == 400
    assert "is not a public address" in response.content.decode()
    assert not OfficeSettings.objects.exists()


def test_only_an_administrator_sets_the_address(cast: Cast) -> None:
    office = cast.campaign.series.organization
    url = f"/staff/office/{office.code}/"
    assert client_for(cast.alice).post(url, {"public_url": PUBLIC}).status_code == 403
    assert client_for(cast.charlie).post(url, {"public_url": PUBLIC}).status_code == 404
    assert not OfficeSettings.objects.exists()


def test_the_sheets_sms_list_and_qr_codes_use_the_public_address(
    cast: Cast, tmp_path: Path
) -> None:
    office = cast.campaign.series.organization
    OfficeSettings.objects.create(organization=office, public_url=PUBLIC)
    group = cast.campaign.groups.get(name="服务对象")
    client = client_for(cast.alice)
    client.post(f"/staff/c/{cast.campaign.code}/tokens", {"group": group.pk, "count": 2})
    finish_jobs()
    status, data = fetch(client, Job.objects.get())
    assert status == 200
    rows = zip_codes(data)
    base = f"{PUBLIC}/v/"
    assert [r["link"] for r in rows] == [f"{base}#{r['code']}" for r in rows]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pdf = archive.read(next(n for n in archive.namelist() if n.endswith(".pdf")))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert f"扫码或在 {base}输入" in text.replace("\n", "")  # the line breaks after the address
    assert "127.0.0.1" not in text and "testserver" not in text
    (tmp_path / "t.pdf").write_bytes(pdf)
    slip = tmp_path / "slip.pgm"
    slip.write_bytes(_gray_pages(tmp_path / "t.pdf", tmp_path, 300)[0].crop(*_slip_box(0, 300)))
    assert _scan([slip]) == [[f"{base}#{rows[0]['code']}"]]  # the printed code, decoded
