"""A server process warms up before its first request (deploy/gunicorn.conf.py): the URLconf,
the public pages' templates and the catalogs, and no database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
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


def test_the_gunicorn_settings_warm_each_worker_up() -> None:
    conf = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
    namespace: dict[str, Any] = {}
    exec(compile(conf.read_text(), str(conf), "exec"), namespace)  # noqa: S102 - our settings

    class Log:
        said: list[str] = []

        def debug(self, text: str, *args: Any) -> None:
            self.said.append(text % args)

    class Worker:
        log = Log()

    namespace["post_worker_init"](Worker())
    assert Log.said and Log.said[0].startswith("warmed up in ")
