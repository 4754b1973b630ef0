"""A server process warms up before its first request (deploy/gunicorn.conf.py): the URLconf,
the public pages' templates and the catalogs, and no database."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.template import engines

from pingyi.web.warm import PUBLIC_TEMPLATES, warm_up


@pytest.mark.django_db
def test_warming_up_compiles_the_public_pages_without_the_database(
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        seconds = warm_up()
    assert seconds >= 0
    for name in PUBLIC_TEMPLATES:  # each one exists (else warming up would have failed)
        assert engines["django"].get_template(name).origin.name.endswith(name)


@pytest.mark.django_db(transaction=True)
def test_the_master_warms_up_and_forks_its_workers_with_no_connection_open() -> None:
    conf = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
    namespace: dict[str, Any] = {}
    exec(compile(conf.read_text(), str(conf), "exec"), namespace)  # noqa: S102 - our settings
    assert namespace["preload_app"] is True  # workers are forks of the warm master

    class Log:
        said: list[str] = []

        def debug(self, text: str, *args: Any) -> None:
            self.said.append(text % args)

    class Server:
        log = Log()
        cfg = type("Cfg", (), {"workers": 1})()  # one: the suite's key is its own

    connection.ensure_connection()  # as if loading had opened one
    try:
        namespace["on_starting"](Server())
        assert gc.get_freeze_count() > 0  # what the master loaded, left out of collections
    finally:
        gc.unfreeze()
    assert Log.said and Log.said[0].startswith("warmed up in ")
    assert connection.connection is None  # no worker inherits the master's socket
