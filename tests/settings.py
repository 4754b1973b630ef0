"""The suite's settings: Pingyi's own, read as with PINGYI_TESTING=1 (pingyi.settings).

A key of the process's own instead of PINGYI_HOME/secret.key, the test database of
PINGYI_TEST_DATABASE_URL when it is set, static files from the apps' folders. The variable
is set for reading the settings only, and DJANGO_SETTINGS_MODULE (which pytest-django set
to this module) is put back: the servers and commands the tests start in subprocesses read
their settings as an installation does.
"""

from __future__ import annotations

import os

_before = os.environ.get("PINGYI_TESTING")
os.environ["PINGYI_TESTING"] = "1"
try:
    from pingyi.settings import *  # noqa: F403
finally:
    if _before is None:
        del os.environ["PINGYI_TESTING"]
    else:
        os.environ["PINGYI_TESTING"] = _before
os.environ["DJANGO_SETTINGS_MODULE"] = "pingyi.settings"  # for subprocesses only: read once

PASSWORD_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher"]  # the same hashes, cheaper
