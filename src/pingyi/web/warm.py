"""Django's lazy start-up, done before a server process takes its first request.

Django imports the URLconf (and with it every view, the API's schemas), compiles templates
and reads the translation catalogs on the first request that needs them: on a small server
that first request waits a second or more, and so does every request after a worker is
recycled (gunicorn's max_requests). deploy/gunicorn.conf.py calls ``warm_up`` in each worker
before it accepts a connection. No database is touched.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.forms import CharField, Form
from django.template import engines
from django.urls import get_resolver, reverse
from django.utils import translation

# The pages anyone may open (the public notice, the ballot, the public stage pages) and the
# templates they extend or include: compiled ahead, the cached loader keeps them.
PUBLIC_TEMPLATES = (
    "pingyi/base.html",
    "pingyi/lang_switch.html",
    "pingyi/notices/notice.html",
    "pingyi/notices/_results.html",
    "pingyi/notices/_unit_options.html",
    "pingyi/notices/index.html",
)


class _Probe(Form):
    text = CharField()


def warm_up() -> float:
    """Imports the URLconf, compiles the public pages' templates and a form's, and reads the
    catalogs of every language; returns the seconds it took."""
    began = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 - imports every view
    reverse("notices:index")  # fills the resolver's reverse tables
    django = engines["django"]
    for name in PUBLIC_TEMPLATES:
        django.get_template(name)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Public notice")
            probe = _Probe()
            probe.as_div()  # the form renderer's templates
            probe["text"].as_field_group()
    return time.perf_counter() - began
