"""A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Playwright's own browser builds are never downloaded: CI installs Debian's chromium
(.ci/run), and a machine without it fails these tests rather than skipping them, so a missing
browser cannot pass for a green run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    sync_playwright,
)

from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"  # git-ignored: screenshots for a person to look at


@contextmanager
def chromium() -> Iterator[Browser]:
    """The browser. A context manager, not a fixture, so that a test starts it after its own
    database writes: Playwright's sync API runs an event loop in this thread, and Django
    refuses ORM calls while one is running (SynchronousOnlyOperation)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(apt-get install chromium, as .ci/run does)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class Traffic:
    """The URL of every request a browser context made (as the browser reported it) and the
    Referer it sent, and every console error or uncaught exception: a Content-Security-Policy
    violation is reported as a console error."""

    urls: list[str] = field(default_factory=list)
    referers: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, context: BrowserContext) -> Traffic:
        traffic = cls()
        context.on("request", traffic._request)
        context.on("console", traffic._console)
        context.on("weberror", lambda error: traffic.errors.append(str(error.error)))
        return traffic

    def _request(self, request: Request) -> None:
        self.urls.append(request.url)
        if referer := request.headers.get("referer"):
            self.referers.append(referer)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def hosts(self) -> set[str]:
        return {urlsplit(url).hostname or url for url in self.urls}


@dataclass
class Fetch:
    url: str
    cached: bool = False
    received: int = 0  # bytes received, response headers included (0 from the cache)


class Wire:
    """What one page fetched over the network, from Chromium's DevTools protocol. Playwright
    reports a stylesheet reused from the memory cache as a request too; this does not."""

    def __init__(self, page: Page) -> None:
        self.fetches: dict[str, Fetch] = {}
        session = page.context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self._sent)
        session.on("Network.requestServedFromCache", self._cached)
        session.on("Network.loadingFinished", self._finished)
        session.send("Network.enable")

    def _sent(self, event: dict[str, Any]) -> None:
        self.fetches[event["requestId"]] = Fetch(event["request"]["url"])

    def _cached(self, event: dict[str, Any]) -> None:
        if fetch := self.fetches.get(event["requestId"]):
            fetch.cached = True

    def _finished(self, event: dict[str, Any]) -> None:
        if fetch := self.fetches.get(event["requestId"]):
            fetch.received = int(event["encodedDataLength"])

    def network(self) -> list[Fetch]:
        """The requests that went to the server so far."""
        return [f for f in self.fetches.values() if not f.cached]


def post_ok(page: Page, selector: str, log: Path) -> None:
    """Clicks a submit button and waits for the page it leads to; fails at once, with the
    answer's text and the server's reason from its ``log``, when the server refuses the POST
    (a 403 from the CSRF check would otherwise surface later as a time-out)."""
    with (
        page.expect_navigation(),
        page.expect_response(lambda r: r.request.method == "POST") as posted,
    ):
        page.click(selector)
    response = posted.value
    if response.status >= 400:
        text = " ".join(page.inner_text("body").split())[:300]
        # The page does not say why (DEBUG is off); the server's log does.
        reasons = [line for line in log.read_text().splitlines() if not line.startswith("[")]
        pytest.fail(
            f"POST {response.url} answered {response.status}: {text}\nserver log: {reasons[-3:]}",
            pytrace=False,
        )
