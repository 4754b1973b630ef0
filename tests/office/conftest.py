"""The office's tests use the access tests' cast (tests/web/conftest.py)."""

from __future__ import annotations

from tests.web.conftest import _clear_rate_limits, cast

__all__ = ["_clear_rate_limits", "cast"]
