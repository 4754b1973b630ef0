"""`make serve` starts the server only: installing, migrating and collecting static files is
`make setup`'s job (issue 13). Not set up, it refuses with what to run instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

VENV = Path(sys.executable).parent.parent


def make(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
    environment["PINGYI_HOME"] = str(home)
    return subprocess.run(
        ["make", "--no-print-directory", *args, f"VENV={VENV}"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_serve_installs_nothing(tmp_path: Path) -> None:
    planned = make("-n", "serve", home=tmp_path)
    assert planned.returncode == 0, planned.stderr
    for installing in ("system-deps", "pip install", "migrate -v", "collectstatic", "-m venv"):
        assert installing not in planned.stdout, planned.stdout
    assert "gunicorn" in planned.stdout


def test_serve_refuses_clearly_when_not_set_up(tmp_path: Path) -> None:
    refused = make("serve", home=tmp_path)
    assert refused.returncode != 0
    assert "make setup" in refused.stderr
    assert "static files are not collected" in refused.stderr
    assert "Serving on" not in refused.stdout
