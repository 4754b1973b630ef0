"""The public address that QR sheets, SMS lists and e-mails point to: checked as plain text.

An address is what a phone on the evaluators' network types or scans: ``http`` or ``https``,
a host, an optional port and path prefix; no query, fragment or credentials (the fragment is
where a ballot code goes, R11). A loopback host (127.x, ::1, localhost) reaches only the
server itself, so sheets printed with one cannot be used from any phone.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pingyi.rules.errors import RuleError, gettext_noop

MAX_LENGTH = 200
E_ADDRESS = gettext_noop(
    "%(value)r is not a public address: write it as http://host or https://host, "
    "optionally with a port and a path, without ? or #"
)
E_ADDRESS_LENGTH = gettext_noop("the public address is longer than %(max)s characters")


def normalise_address(value: str) -> str:
    """The address as stored: trimmed, without a trailing slash; "" stays "" (unset).

    Raises RuleError naming the value when it is not an http(s) address of a host.
    """
    text = value.strip()
    if not text:
        return ""
    if len(text) > MAX_LENGTH:
        raise RuleError(E_ADDRESS_LENGTH, max=MAX_LENGTH)
    shown = text[:80]
    if "\x00" in text or any(ch.isspace() for ch in text):
        raise RuleError(E_ADDRESS, value=shown)
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a bad port
    except ValueError:
        raise RuleError(E_ADDRESS, value=shown) from None
    bad = parts.query or parts.fragment or "#" in text or "?" in text or parts.username
    if parts.scheme not in ("http", "https") or not parts.hostname or bad:
        raise RuleError(E_ADDRESS, value=shown)
    del port
    return text.rstrip("/")


def is_loopback(address: str) -> bool:
    """Whether ``address`` names the server itself (127.0.0.0/8, ::1, localhost)."""
    host = (urlsplit(address).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ballot_page(address: str) -> str:
    """The ballot page under ``address``: what a QR code carries before ``#code``."""
    return f"{address.rstrip('/')}/v/"
