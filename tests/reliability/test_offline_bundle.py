"""Issue 13: `make bundle` installs and runs Pingyi on a machine with no network.

The bundle is built once for the session (scripts/bundle.py: the wheels from PyPI or pip's
cache), then everything else happens in a network namespace of its own (`unshare -n`: only
the loopback interface, nothing reaches out): install.sh unpacked in a temp folder, with no
PINGYI_ or PIP_ variable of this machine; install.sh again (it changes nothing); `pingyi
check-deploy` in the test home (the production problems listed in Chinese, then none once
they are set); gunicorn of the installed virtualenv answering /healthz; a ballot cast
through the API (201) with a token the installed `pingyi` issued.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

# run_database: on the PostgreSQL run the bundle is installed against a database of its own
# on that server (made from PINGYI_TEST_DATABASE_URL below), with no django_db mark.
pytestmark = [pytest.mark.slow, pytest.mark.run_database]
UNSHARE = shutil.which("unshare")
NSENTER = shutil.which("nsenter")
IP = shutil.which("ip") or ("/usr/sbin/ip" if Path("/usr/sbin/ip").exists() else None)
PORT = 8000  # the namespace's own loopback: nothing else listens there

CAMPAIGN = """
import json
from pingyi.accounts.actors import Actor
from pingyi.campaigns.services import campaign_create, campaign_open
from pingyi.rules.scheme import builtin_scheme
from pingyi.rules.tally import UnitSpec
from pingyi.voting.services import token_issue
units = [UnitSpec("L1", "组织部", "地方管理部门", "local"),
    UnitSpec("V1", "国税局", "垂直管理部门", "vertical")]
c = campaign_create(organization_code="office", organization_name="评议办", series_code="qianren",
    series_name="千人评议机关", year=2026, name="2026年千人评议", scheme=builtin_scheme(),
    units=units, actor=Actor.operator("installer"))
campaign_open(campaign=c, actor=Actor.operator("installer"))
group = c.groups.get(code="service_recipients")
issued = token_issue(campaign=c, group=group, count=2, actor=Actor.operator("installer"))
print(json.dumps(issued.codes))
"""

LIBRARIES = """
import ctypes, sqlite3, ssl, sys
print(sys.base_prefix)
maps = [line.split()[-1] for line in open("/proc/self/maps") if ".so" in line]
print(*sorted({m for m in maps if "/lib-dynload/" not in m and "/site-packages/" not in m
               and "ld-linux" not in m and "/libm.so" not in m}))
"""

CLIENT = """
import json, sys, time, urllib.error, urllib.request
base = sys.argv[1]
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
            healthz = r.status
            break
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        if time.monotonic() > deadline:
            raise
        time.sleep(0.2)
ballot = json.dumps({"token": sys.argv[2], "marks": {"L1": "satisfied", "V1": "dissatisfied"}})
request = urllib.request.Request(base + "/api/ballots", data=ballot.encode(), method="POST",
    headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=30) as r:
        cast, body = r.status, r.read().decode()
except urllib.error.HTTPError as e:
    cast, body = e.code, e.read().decode()
print(json.dumps({"healthz": healthz, "cast": cast, "body": body}))
"""


def require_namespaces() -> None:
    """Skips (only) where a network namespace cannot be made: not root, no user namespaces."""
    assert UNSHARE and NSENTER, "unshare and nsenter (util-linux) are missing"
    probe = subprocess.run([UNSHARE, "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(
            "`unshare -n` is not permitted here (root or user namespaces needed): "
            + probe.stderr.strip()
        )


def _sources_digest() -> str:
    """What a bundle is made of: Pingyi's files, the build script and the pinned versions."""
    digest = hashlib.sha256(sys.version.encode())
    files = [REPO / "requirements.lock", REPO / "pyproject.toml", REPO / "scripts" / "bundle.py"]
    files += sorted(p for p in (REPO / "src").rglob("*") if p.is_file() and p.suffix != ".mo")
    for path in files:
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The archive of `make bundle`, built once for these sources: `make test`'s PostgreSQL
    run installs the archive its SQLite run built (var/test-bundle/, keyed by the sources)."""
    require_namespaces()  # before a build that nothing could use
    out = REPO / "var" / "test-bundle" / _sources_digest()
    found = sorted(out.glob("pingyi-bundle-*.tar.gz"))
    if len(found) == 1:
        return found[0]
    shutil.rmtree(out.parent, ignore_errors=True)  # an archive of other sources
    out.mkdir(parents=True)
    built = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bundle.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (archive,) = out.glob("pingyi-bundle-*.tar.gz")
    print(f"bundle: {archive.name} {archive.stat().st_size / 2**20:.0f} MB")
    return archive


@dataclass
class Namespace:
    """A network namespace with only its loopback up, kept alive by a sleeping process."""

    pid: int
    env: dict[str, str]

    def run(
        self, *argv: str | Path, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(NSENTER), "-t", str(self.pid), "-n", *map(str, argv)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**self.env, **(env or {})},
        )

    def start(self, *argv: str | Path, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(NSENTER), "-t", str(self.pid), "-n", *map(str, argv)],
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            env={**self.env, **env},
            start_new_session=True,
        )


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[Namespace]:
    require_namespaces()
    assert IP, "ip (iproute2) is missing"
    holder = subprocess.Popen([UNSHARE, "-n", "sleep", "900"], start_new_session=True)
    try:
        # a machine's environment without Pingyi's settings or pip's index, cache and links
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("PINGYI_", "PIP_", "PYTHON"))
        }
        env.update(HOME=str(tmp_path / "root"), LANG="C.UTF-8")
        namespace = Namespace(holder.pid, env)
        ours = os.readlink("/proc/self/ns/net")
        deadline = time.monotonic() + 10
        while os.readlink(f"/proc/{holder.pid}/ns/net") == ours:  # unshare not done yet
            assert holder.poll() is None and time.monotonic() < deadline, "no namespace"
            time.sleep(0.02)
        up = namespace.run(IP, "link", "set", "lo", "up")
        assert up.returncode == 0, up.stderr
        yield namespace
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def database() -> Iterator[dict[str, str]]:
    """SQLite in the test home; on the PostgreSQL run (PINGYI_TEST_DATABASE_URL), a database
    of the test's own on that server, reached through its Unix socket (the namespace has no
    route to 127.0.0.1 of this machine), so that the bundle's psycopg is used."""
    url = os.environ.get("PINGYI_TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield {}
        return
    import psycopg
    from dj_database_url import parse

    server = parse(url)
    socket_dir = "/var/run/postgresql"
    assert Path(f"{socket_dir}/.s.PGSQL.{server['PORT'] or 5432}").exists(), (
        f"PostgreSQL has no Unix socket in {socket_dir}: the offline install cannot reach it"
    )
    name = f"pingyi_offline_{os.getpid()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    try:
        user = server["USER"] or "postgres"
        yield {"PINGYI_DATABASE_URL": f"postgres://{user}@%2Fvar%2Frun%2Fpostgresql/{name}"}
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_bundle_installs_and_serves_with_no_network(
    bundle: Path, offline: Namespace, database: dict[str, str], tmp_path: Path
) -> None:
    links = offline.run(IP or "ip", "-o", "link", "show").stdout.splitlines()
    assert [line.split(":")[1].strip() for line in links] == ["lo"]

    subprocess.run(["tar", "xzf", str(bundle), "-C", str(tmp_path)], check=True)
    (root,) = tmp_path.glob("pingyi-bundle-*")
    home = tmp_path / "home"
    started = time.monotonic()
    first = offline.run(root / "install.sh", env={"PINGYI_HOME": str(home), **database})
    print(f"install.sh: {time.monotonic() - started:.1f} s")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "安装完成 / Installed: Pingyi" in first.stdout
    assert (home / "secret.key").is_file() and (home / "static" / "staticfiles.json").is_file()
    fonts = list((root / ".venv" / "share" / "pingyi" / "fonts").glob("*.tt[cf]"))
    assert fonts, "the Chinese font is not installed beside the virtualenv"
    # the virtualenv is made from the bundled Python, not from one of this machine, and its
    # modules load the bundle's OpenSSL and SQLite, not the machine's (glibc alone is its)
    base = offline.run(root / ".venv" / "bin" / "python", "-c", LIBRARIES)
    assert base.returncode == 0, base.stderr
    prefix, *libraries = base.stdout.split()
    assert prefix == str(root / "python")
    assert {Path(p).name.split(".so")[0] for p in libraries} >= {"libssl", "libsqlite3", "libffi"}
    for library in libraries:
        assert library.startswith(f"{root}/python/lib/") or "/libc.so" in library, library

    again = offline.run(root / "install.sh", env={"PINGYI_HOME": str(home), **database})
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "沿用已有的虚拟环境" in again.stdout and "keeping the virtualenv" in again.stdout

    pingyi = root / ".venv" / "bin" / "pingyi"
    check = offline.run(pingyi, "check-deploy", env={"PINGYI_HOME": str(home), **database})
    assert check.returncode == 1, check.stdout + check.stderr
    listed = check.stdout + check.stderr
    for problem in ("未设置 PINGYI_ALLOWED_HOSTS", "PINGYI_HTTPS 不是 1", "从未备份"):
        assert problem in listed, listed
    production = {
        "PINGYI_HOME": str(home),
        "PINGYI_ALLOWED_HOSTS": "127.0.0.1,pingyi.example.gov.cn",
        "PINGYI_PUBLIC_URL": "https://pingyi.example.gov.cn",
        "PINGYI_HTTPS": "1",
        "PINGYI_WORKERS": "2",
        **database,
    }
    backup = offline.run(pingyi, "backup", "--out", home / "backups" / "one.tar", env=production)
    assert backup.returncode == 0, backup.stdout + backup.stderr
    check = offline.run(pingyi, "check-deploy", env={**production, "PINGYI_WORKERS": "1"})
    assert check.returncode == 0, check.stdout + check.stderr

    issued = offline.run(pingyi, "manage", "shell", "-c", CAMPAIGN, env=production)
    assert issued.returncode == 0, issued.stdout + issued.stderr
    codes = json.loads(issued.stdout.strip().splitlines()[-1])

    log = tmp_path / "server.log"
    server = offline.start(
        root / ".venv" / "bin" / "gunicorn",
        "-c",
        root / "deploy" / "gunicorn.conf.py",
        "pingyi.wsgi:application",
        log=log,
        # plain HTTP on the loopback: no redirect to https://
        env={**production, "PINGYI_HTTPS": "0", "PINGYI_BIND": f"127.0.0.1:{PORT}"},
    )
    try:
        answer = offline.run(
            root / ".venv" / "bin" / "python", "-c", CLIENT, f"http://127.0.0.1:{PORT}", codes[0],
            timeout=120,
        )  # fmt: skip
        assert answer.returncode == 0, answer.stderr + log.read_text()
        result = json.loads(answer.stdout)
        assert result["healthz"] == 200
        assert result["cast"] == 201, result["body"] + log.read_text()[-3000:]
        if database:  # the installation's own PostgreSQL database, not SQLite in its home
            assert not (home / "pingyi.sqlite3").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
