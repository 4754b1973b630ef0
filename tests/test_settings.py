"""Settings come from the environment through pingyi.env, each variable documented (issue 11)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SETTINGS = REPO / "src" / "pingyi" / "settings.py"


def _configuration_table() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter reading Pingyi's settings as an installation does."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )


def test_every_variable_settings_reads_is_in_the_readme() -> None:
    source = SETTINGS.read_text(encoding="utf-8")
    read = set(re.findall(r"""["'](PINGYI_[A-Z0-9_]+)["']""", source))
    assert "PINGYI_FEEDBACK_POSTS" in read and "PINGYI_EMAIL_PORT" in read
    table = _configuration_table()
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert missing == []


def test_every_variable_is_read_through_the_env_helpers() -> None:
    source = SETTINGS.read_text(encoding="utf-8")
    assert "os.environ" not in source and "getenv" not in source
    assert "sys.modules" not in source  # no behaviour switched on who imported us


def test_the_feedback_limit_is_set_from_its_variable() -> None:
    code = "from pingyi import settings; print(settings.PINGYI_FEEDBACK_POSTS)"
    assert _python(code).stdout.strip() == "10"
    assert _python(code, PINGYI_FEEDBACK_POSTS="3").stdout.strip() == "3"


def test_importing_pytest_does_not_make_a_test_configuration(tmp_path: Path) -> None:
    code = "import pytest; from pingyi import settings; print(settings.TESTING)"
    assert _python(code, PINGYI_HOME=str(tmp_path)).stdout.strip() == "False"
    assert _python(code, PINGYI_HOME=str(tmp_path), PINGYI_TESTING="1").stdout.strip() == "True"


def _gunicorn(home: Path, workers: int) -> subprocess.CompletedProcess[str]:
    """gunicorn with Pingyi's config, stopped before it serves: the master's on_starting hook
    runs, then the bind to a bad port fails — or the hook refused first."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(
        PINGYI_HOME=str(home), PINGYI_WORKERS=str(workers), PINGYI_BIND="256.0.0.1:1"
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.run(
        [str(gunicorn), "-c", str(REPO / "deploy" / "gunicorn.conf.py"), "pingyi.wsgi"],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )


# slow: gunicorn started three times, with three workers each: some ten seconds.
@pytest.mark.slow
def test_several_workers_share_one_key_written_before_they_start(tmp_path: Path) -> None:
    """Without `pingyi init`, gunicorn's master writes PINGYI_HOME/secret.key before any
    worker starts; where it cannot, more than one worker is refused (each would sign with a
    key of its own and refuse the others' sessions)."""
    home = tmp_path / "home"
    started = _gunicorn(home, workers=3)
    assert (home / "secret.key").read_text().strip()
    assert "secret key" not in started.stderr
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    refused = _gunicorn(blocked / "home", workers=3)
    assert refused.returncode != 0
    assert "3 workers need one secret key: set PINGYI_SECRET_KEY" in refused.stderr
    alone = _gunicorn(blocked / "home", workers=1)
    assert "secret key" not in alone.stderr
