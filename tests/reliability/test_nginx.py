"""Issue 13: the real nginx (Debian's package) in front of gunicorn with deploy/nginx/, its
ports and paths filled in for the test.

- Five clients sending a ballot one byte every two seconds do not block GET /v/: nginx reads
  their bodies, gunicorn's two sync workers never wait on them (with
  proxy_request_buffering off, GET /v/ times out here).
- An upload over the limit is refused by nginx (413) before Django sees it.
- Static files come from the collectstatic folder, not from gunicorn.
- Behind the trusted proxy, the limiter sees the real client address; a forged
  X-Forwarded-For from the client changes nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.live import free_port, live_server
from tests.redis_server import own_redis

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
WRONG_CODE = json.dumps({"token": "ABCDEFGHJKMNPQRS", "marks": {}}).encode()


def site_config(folder: Path, port: int, upstream: int, static: Path) -> Path:
    """deploy/nginx/ as an operator would edit it: listen, upstream, static folder, logs."""
    proxy = (REPO / "deploy" / "nginx" / "pingyi_proxy.conf").read_text()
    (folder / "pingyi_proxy.conf").write_text(proxy)
    site = (REPO / "deploy" / "nginx" / "pingyi.conf").read_text()
    for default, here in (
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("server 127.0.0.1:8000", f"server 127.0.0.1:{upstream}"),
        ("/srv/pingyi/var/static/", f"{static}/"),
        ("/etc/nginx/pingyi_proxy.conf", str(folder / "pingyi_proxy.conf")),
        ("/var/log/nginx/pingyi.", f"{folder}/pingyi."),
    ):
        assert default in site, default
        site = site.replace(default, here)
    (folder / "pingyi.conf").write_text(site)
    temp = "\n".join(
        f"  {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    # as root, nginx's workers would drop to nobody, who cannot read pytest's private tmp
    user = "user root;" if os.geteuid() == 0 else ""
    main.write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
{temp}
  access_log {folder}/access.log;
  include {folder}/pingyi.conf;
}}
"""
    )
    return main


@contextmanager
def nginx(folder: Path, config: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    assert NGINX, "nginx is not installed (scripts/system-deps nginx)"
    check = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(config)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx.out").open("wb"),
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (folder / "error.log").read_text()
                time.sleep(0.05)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(port: int, path: str, timeout: float) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post(
    port: int, path: str, body: bytes, *, source: str = "127.0.0.1", forged: str | None = None
) -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    headers = {"Content-Type": "application/json"}
    if forged:
        headers["X-Forwarded-For"] = forged
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def slow_client(port: int, stop: threading.Event) -> None:
    """A ballot of 100 bytes to the API (no CSRF cookie to check first: the view reads the
    body), one byte every two seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"POST /api/ballots HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{".encode()
        )
        while not stop.wait(2):
            sock.sendall(b" ")


def oversized(port: int, path: str, length: int) -> int:
    """Announces ``length`` bytes, sends a few: nginx answers from the header alone."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n".encode()
            + b"x" * 1024
        )
        answer = sock.recv(4096).decode("latin-1")
    return int(answer.split()[1])


def test_nginx_in_front_of_gunicorn(tmp_path: Path) -> None:
    static = tmp_path / "home" / "static"
    (static / "pingyi").mkdir(parents=True)
    source = REPO / "src" / "pingyi" / "web" / "static" / "pingyi" / "pingyi.css"
    shutil.copy(source, static / "pingyi" / "pingyi.css")
    folder = tmp_path / "nginx"
    folder.mkdir()
    port = free_port()
    with (
        own_redis() as redis,  # the limits shared by the workers, as in production
        live_server(
            tmp_path / "home",
            workers=2,
            PINGYI_TRUSTED_PROXIES="127.0.0.1",
            PINGYI_TOKEN_FAILURES="3",
            PINGYI_CACHE_URL=redis.url,
        ) as server,
    ):
        config = site_config(folder, port, server.port, static)
        with nginx(folder, config, port):
            assert get(port, "/v/", timeout=5)[0] == 200

            # five slow clients, more than gunicorn's two workers
            stop = threading.Event()
            slow = [
                threading.Thread(target=slow_client, args=(port, stop), daemon=True)
                for _ in range(5)
            ]
            for thread in slow:
                thread.start()
            try:
                time.sleep(2)
                for _ in range(3):
                    started = time.monotonic()
                    assert get(port, "/v/", timeout=5)[0] == 200
                    assert time.monotonic() - started < 2
                    time.sleep(1)
            finally:
                stop.set()
                for thread in slow:
                    thread.join(timeout=10)

            # over the limit: refused by nginx from the header
            assert oversized(port, "/staff/c/too-big/paper", 300 * 1024 * 1024) == 413
            assert oversized(port, "/api/ballots", 2 * 1024 * 1024) == 413

            # static files from the folder
            status, body = get(port, "/static/pingyi/pingyi.css", timeout=5)
            assert status == 200 and body == source.read_bytes()

            # the real address counts; a forged X-Forwarded-For changes nothing
            tries = [
                post(port, "/api/ballots", WRONG_CODE, source="127.0.0.2", forged=f"198.51.100.{i}")
                for i in range(4)
            ]
            assert tries == [409, 409, 409, 429]
            assert post(port, "/api/ballots", WRONG_CODE, source="127.0.0.3") == 409

    log = (tmp_path / "home" / "server.log").read_text()
    assert "/staff/c/too-big/paper" not in log  # Django never saw the oversized uploads
    assert "POST /api/ballots 413" not in log
    assert "/static/" not in log
    # the slow bodies never reached a worker: the only ballots Django saw are the five above
    assert log.count("POST /api/ballots") == 5
