"""The campaigns' tests (P1: the services and the office's campaign pages) use the access
tests' cast, kept in tests/web/conftest.py where every app's tests import it from, and the
one campaign of tests/ballots/conftest.py."""

from __future__ import annotations

from tests.ballots.conftest import ballots_file, campaign
from tests.web.conftest import _cast_built, _clear_rate_limits, cast, issued, shared_cast

__all__ = [
    "_cast_built",
    "_clear_rate_limits",
    "ballots_file",
    "campaign",
    "cast",
    "issued",
    "shared_cast",
]
