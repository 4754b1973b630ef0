"""Typed access to Pingyi's own settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Limits:
    token_failures: int
    ballot_posts: int
    login_failures: int


def limits() -> Limits:
    return Limits(
        token_failures=int(settings.PINGYI_TOKEN_FAILURES),
        ballot_posts=int(settings.PINGYI_BALLOT_POSTS),
        login_failures=int(settings.PINGYI_LOGIN_FAILURES),
    )
