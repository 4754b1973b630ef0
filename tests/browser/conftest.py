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
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Request, sync_playwright

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
    """The browser, started after the test's own database writes: Playwright's sync API runs an
    event loop in this thread, and Django refuses ORM calls while one is running."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(apt-get install chromium, as .ci/run does)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class Traffic:
    """Every request a browser context made, and every console error or uncaught exception
    (a Content-Security-Policy violation is reported as a console error)."""

    requests: list[Request] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, context: BrowserContext) -> Traffic:
        traffic = cls()
        context.on("request", traffic._request)
        context.on("console", traffic._console)
        context.on("weberror", lambda error: traffic.errors.append(str(error.error)))
        return traffic

    def _request(self, request: Request) -> None:
        self.requests.append(request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def hosts(self) -> set[str]:
        return {urlsplit(r.url).hostname or r.url for r in self.requests}

    def sent_urls(self) -> list[str]:
        """The URLs as they went on the wire: a browser never sends the #fragment."""
        return [urlsplit(r.url)._replace(fragment="").geturl() for r in self.requests]
