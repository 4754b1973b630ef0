"""Issue 13: a real gunicorn when what it depends on is down.

Redis stopped (a Redis this test starts itself on a free port, then kills — never the
machine's shared one): ballots are cast on the page and through the API, and staff sign in;
the limits fall back to each worker's memory with a warning in the JSON log, whose lines
carry the request's id and never a code. The database unreachable: a Chinese 503 page for
people, a JSON 503 for /api/, /readyz says which part fails and /healthz stays 200.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from tests.cast import STAFF, make_campaign
from tests.live import free_port, live_server
from tests.redis_server import own_redis
from tests.reliability.test_concurrency import submit
from tests.stored import ballot_count

pytestmark = pytest.mark.slow
PASSWORD = "erin-password-2026"


class Browser:
    """Cookies and CSRF as a browser keeps them; answers (status, headers, text), no raise."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def open(
        self, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, str]:
        data = None
        if form is not None:
            data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()


def _json_lines(log: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in log.read_text().splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


@pytest.mark.django_db(transaction=True)
def test_ballots_and_sign_in_work_with_redis_stopped(tmp_path: Path) -> None:
    campaign = make_campaign()
    group = campaign.groups.get(code="service_recipients")
    from pingyi.voting.services import token_issue

    codes = token_issue(campaign=campaign, group=group, count=3, actor=Actor.operator(STAFF)).codes
    erin = User.objects.create_user("erin", password=PASSWORD)
    Membership.objects.create(user=erin, organization=campaign.series.organization, role=Role.STAFF)
    with (
        own_redis() as redis,
        live_server(tmp_path, workers=2, PINGYI_CACHE_URL=redis.url) as server,
    ):
        ready = Browser(server.url).open("/readyz")
        assert ready[0] == 200, ready[2]
        redis.stop()

        status, _, body = Browser(server.url).open("/readyz")
        assert status == 503 and json.loads(body)["failing"] == ["cache"]

        # a ballot through the API, a wrong code (counted by the limiter), one on the page
        assert submit(server.url, codes[0])[0] == 201
        assert submit(server.url, "ABCDEFGHJKMNPQRS")[0] == 409
        voter = Browser(server.url)
        assert voter.open("/v/")[0] == 200
        page = voter.open("/v/", {"code": codes[1]})
        assert page[0] == 200 and "L1" in page[2]
        done = voter.open("/v/submit", {"code": codes[1], "m_L1": "satisfied"})
        assert done[0] == 200 and done[1]["X-Request-ID"], done[2][:500]
        assert re.search(r"[2-9A-Z]{10}", done[2])

        # staff: a wrong password, then the right one
        staff = Browser(server.url)
        assert staff.open("/accounts/login/")[0] == 200
        wrong = staff.open("/accounts/login/", {"username": "erin", "password": "wrong"})
        assert wrong[0] == 200
        signed = staff.open("/accounts/login/", {"username": "erin", "password": PASSWORD})
        assert signed[0] == 200 and "/accounts/logout/" in signed[2]
        receipt_page = done[1]["X-Request-ID"]  # /v/done, where /v/submit's 303 led
    assert ballot_count(campaign.pk) == 2

    log = tmp_path / "server.log"
    text = log.read_text()
    assert " 500 " not in text and '"status": 500' not in text
    for code in codes:
        assert code not in text  # R11
    lines = _json_lines(log)
    warnings = [line for line in lines if line["logger"] == "pingyi.cache"]
    assert warnings and all(w["level"] == "WARNING" and w["request_id"] for w in warnings)
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any("POST /v/submit 303" in line["message"] and line["request_id"] for line in access)
    shown = [line for line in access if "GET /v/done" in line["message"]]
    assert receipt_page in {line["request_id"] for line in shown}


def test_the_database_down_is_a_chinese_page_and_a_json_503(tmp_path: Path) -> None:
    closed = free_port()
    with live_server(
        tmp_path,
        workers=1,
        ready="/healthz",
        jobs=False,
        PINGYI_DATABASE_URL=f"postgres://pingyi@127.0.0.1:{closed}/pingyi",
    ) as server:
        person = Browser(server.url)
        healthz = person.open("/healthz")
        assert healthz[0] == 200 and json.loads(healthz[2]) == {"status": "ok"}

        status, _, body = person.open("/readyz")
        assert status == 503
        assert json.loads(body)["failing"] == ["database"]

        zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
        assert person.open("/accounts/login/", headers=zh)[0] == 200  # needs no database
        signing_in = {"username": "erin", "password": PASSWORD}
        for path, form in (
            ("/receipt/", None),
            ("/notice/", None),
            ("/accounts/login/", signing_in),
        ):
            status, headers, body = person.open(path, form, headers=zh)
            assert status == 503, (path, body[:300])
            assert headers["Content-Type"].startswith("text/html")
            assert "暂时无法服务" in body and "Server Error" not in body
            assert headers["Retry-After"]

        request = urllib.request.Request(
            f"{server.url}/api/ballots",
            data=json.dumps({"token": "ABCDEFGHJKMNPQRS", "marks": {}}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 503
        assert refused.value.headers["Content-Type"] == "application/json"
        assert json.loads(refused.value.read())["code"] == "unavailable"
    text = (tmp_path / "server.log").read_text()
    assert "Traceback" not in text or "OperationalError" in text
