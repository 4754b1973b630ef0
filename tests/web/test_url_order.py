"""The URL conf's order: the paths under load are found before the staff pages, and no route
is shadowed by one before it (an order change cannot send a path to another view)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver

# Django tries the patterns in order, and every include("") a path falls through costs it a
# list of each pattern tried: /api/ballots after every staff page was 226 patterns, 0.15 ms a
# request (issue 16). A phone's ballot, its page and a public notice: found in a few.
HOT = ["/v/", "/v/submit", "/api/ballots", "/api/ballot-form", "/o/send", "/notice/n-2026/"]
FEW = 20
PARAMETER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
SAMPLE = {"int": "7", "path": "a/b", "uuid": "0b5c8f1e-8f0e-4d4e-9a3b-2f6d1c0e7a91"}


def tried(path: str) -> int:
    """How many patterns Django tried for ``path``, the one that matched included."""
    match = get_resolver().resolve(path)
    return len(match.tried)


@pytest.mark.parametrize("path", HOT)
def test_a_path_under_load_is_found_among_the_first_patterns(path: str) -> None:
    assert tried(path) <= FEW, f"{path}: {tried(path)} patterns tried"


def named(patterns: list[Any], prefix: str = "", space: str = "") -> Iterator[tuple[str, str]]:
    """(a path filled in from each named route, the route). The API's GET and POST of one path
    are two patterns of one route (django-ninja picks the method's view)."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{space}{pattern.namespace}:" if pattern.namespace else space
                yield from named(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and "^" not in route:
            path = PARAMETER.sub(lambda m: SAMPLE.get(m["kind"] or "", "x-1"), route)
            yield "/" + path, route


def test_every_named_route_resolves_to_itself() -> None:
    routes = list(named(get_resolver().url_patterns))
    assert len(routes) > 200
    shadowed = {(path, route, got) for path, route in routes if (got := route_of(path)) != route}
    assert shadowed == set()


def route_of(path: str) -> str:
    try:
        return get_resolver().resolve(path).route
    except Resolver404:
        return "(none)"
