"""The evaluator's pages are tested with the access tests' cast (tests/web/conftest.py): its
``issued`` codes are of the cast's campaign, not of tests/voting/conftest.py's."""

from __future__ import annotations

from tests.web.conftest import _clear_rate_limits, cast, issued

__all__ = ["_clear_rate_limits", "cast", "issued"]
