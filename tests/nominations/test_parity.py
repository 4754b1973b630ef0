"""Separation of duties through every door: the person who submitted a list is refused its
approval alike by the service, the page, the API and the CLI, with the same words; another
person of the office is admitted."""

from __future__ import annotations

import json

import pytest

from pingyi.cli import main
from pingyi.nominations import services as s
from pingyi.nominations.models import Slate
from pingyi.rules.errors import RuleError
from tests.nominations.conftest import SYSTEM, Cast, person
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
REFUSAL = "erin nominated or submitted this list and cannot also approve it"


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


@pytest.fixture
def at_the_office(cast: Cast) -> Slate:
    """Erin, the office's administrator, also belongs to the department and submits its list."""
    s.unit_member_add(unit=cast.department, username="erin", actor=SYSTEM)
    s.nominee_add(unit=cast.department, spec=person("赵六"), actor=cast.actor("victor"))
    return s.slate_submit(unit=cast.department, actor=cast.actor("erin"))


def _status(slate: Slate) -> str:
    slate.refresh_from_db()
    return slate.status


def test_the_service_refuses(cast: Cast, at_the_office: Slate) -> None:
    with pytest.raises(RuleError) as exc:
        s.slate_approve(slate=at_the_office, actor=cast.actor("erin"))
    assert exc.value.message() == REFUSAL


def test_the_page_refuses(cast: Cast, at_the_office: Slate) -> None:
    url = f"/staff/nominations/{cast.round.code}/u/dept/approve"
    response = client_for(cast.erin).post(url, {}, follow=True, headers={"accept-language": "en"})
    assert REFUSAL in response.content.decode()
    assert _status(at_the_office) == "submitted"


def test_the_api_refuses(cast: Cast, at_the_office: Slate) -> None:
    url = f"/api/nominations/rounds/{cast.round.code}/units/dept/steps"
    body = json.dumps({"step": "approve"})
    response = client_for(cast.erin).post(url, body, content_type="application/json",
                                          headers={"accept-language": "en"})  # fmt: skip
    assert (response.status_code, response.json()["detail"]) == (409, REFUSAL)
    assert _status(at_the_office) == "submitted"
    response = client_for(cast.olga).post(url, body, content_type="application/json")
    assert response.status_code == 200 and _status(at_the_office) == "approved"


def test_the_cli_refuses(
    cast: Cast, at_the_office: Slate, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["nominations", "step", "--round", cast.round.code, "--unit", "dept", "--step",
            "approve", "--as", "erin"]  # fmt: skip
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 1
    assert REFUSAL in capsys.readouterr().err
    assert _status(at_the_office) == "submitted"
