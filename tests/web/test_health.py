"""/healthz and /readyz (issue 13), the shared cache's safe path when Redis is down, and the
client's address behind a proxy (PINGYI_TRUSTED_PROXIES)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from pingyi.accounts.models import Membership, Role
from pingyi.jobs.services import worker_beat, worker_gone
from pingyi.web.ratelimit import client_address, hit
from tests.redis_server import REDIS_SERVER, OwnRedis, own_redis
from tests.web.conftest import Cast


def redis_cache(url: str) -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "pingyi.web.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }


@pytest.fixture
def redis() -> Iterator[OwnRedis]:
    with own_redis() as server:
        yield server


@pytest.fixture
def worker_alive(db: None) -> Iterator[None]:
    worker_beat(worker="test-worker", started_at=timezone.now())
    yield
    worker_gone(worker="test-worker")


def test_healthz_answers_without_a_database() -> None:
    # no `db` fixture: a query here would fail the test
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_readyz_is_ready_with_the_database_migrated_and_a_worker(worker_alive: None) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "cache", "worker", "disk"}


@pytest.mark.django_db
def test_readyz_names_a_silent_job_worker() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


@pytest.mark.django_db
def test_readyz_names_a_full_disk(worker_alive: None) -> None:
    with override_settings(PINGYI_MIN_FREE_MB=10**12):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["disk"]


@pytest.mark.django_db
def test_readyz_goes_503_when_the_cache_stops_answering(
    worker_alive: None, redis: OwnRedis
) -> None:
    with override_settings(CACHES=redis_cache(redis.url)):
        if REDIS_SERVER:
            assert Client().get("/readyz").status_code == 200
        redis.stop()
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert response.json()["checks"]["cache"].startswith("unreachable")


def test_rate_limits_hold_per_process_with_redis_down(
    redis: OwnRedis, caplog: pytest.LogCaptureFixture
) -> None:
    redis.stop()
    with override_settings(CACHES=redis_cache(redis.url)), caplog.at_level(logging.WARNING):
        allowed = [hit("test", "10.1.2.3", limit=3, window=60) for _ in range(5)]
        assert caches["default"].get("missing", "fallback") == "fallback"
    assert allowed == [True, True, True, False, False]
    warnings = [r for r in caplog.records if r.name == "pingyi.cache"]
    assert len(warnings) == 1  # once, not at every request
    assert "does not answer" in warnings[0].getMessage()


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_staff_sign_in_with_redis_down_is_no_500(redis: OwnRedis, cast: Cast) -> None:
    user = User.objects.create_user("erin", password="erin-password-2026")
    Membership.objects.create(
        user=user, organization=cast.campaign.series.organization, role=Role.STAFF
    )
    redis.stop()
    with override_settings(CACHES=redis_cache(redis.url)):
        client = Client()
        wrong = client.post("/accounts/login/", {"username": "erin", "password": "nope"})
        right = client.post(
            "/accounts/login/", {"username": "erin", "password": "erin-password-2026"}
        )
    assert wrong.status_code == 200
    assert right.status_code == 302


def _request(remote: str, forwarded: str | None = None) -> object:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/v/", REMOTE_ADDR=remote, **extra)


@override_settings(PINGYI_TRUSTED_PROXIES=["10.0.0.0/24", "127.0.0.1"])
def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"  # type: ignore[arg-type]


@override_settings(PINGYI_TRUSTED_PROXIES=["10.0.0.0/24", "127.0.0.1"])
def test_a_trusted_proxy_network_gives_the_real_client() -> None:
    # the client forged the first entry; nginx (10.0.0.7) appended the real peer
    request = _request("10.0.0.7", "198.51.100.1, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"  # type: ignore[arg-type]
    # through two trusted proxies: the right-most address that is not one of them
    assert client_address(_request("127.0.0.1", "203.0.113.9, 10.0.0.3")) == "203.0.113.9"  # type: ignore[arg-type]


def test_a_bad_trusted_proxies_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from pingyi.env import env_networks

    monkeypatch.setenv("PINGYI_TRUSTED_PROXIES", "127.0.0.1, nginx.local")
    with pytest.raises(ImproperlyConfigured, match=r"nginx\.local"):
        env_networks("PINGYI_TRUSTED_PROXIES")


def test_every_response_has_a_request_id_and_the_json_log_line_carries_it() -> None:
    from pingyi.logs import JsonFormatter, RequestIdFilter, request_id

    response = Client().get("/healthz")
    ident = response["X-Request-ID"]
    assert len(ident) == 32
    assert Client().get("/healthz")["X-Request-ID"] != ident
    # a forged id from an untrusted peer is not taken
    forged = Client().get("/healthz", HTTP_X_REQUEST_ID="forged-id-12345")
    assert forged["X-Request-ID"] != "forged-id-12345"
    with override_settings(PINGYI_TRUSTED_PROXIES=["127.0.0.1"]):
        given = Client().get("/healthz", HTTP_X_REQUEST_ID="nginx-given-id-1")
    assert given["X-Request-ID"] == "nginx-given-id-1"
    record = logging.LogRecord(
        "pingyi.test", logging.WARNING, __file__, 1, "code %s", ("ABCD2345EFGH6789",), None
    )
    token = request_id.set("abc123")
    try:
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "abc123" and line["level"] == "WARNING"
    assert "ABCD2345EFGH6789" not in line["message"]
