"""Who asks a service to act: a signed-in person, a member of the public, or the system.

Every service that changes state takes ``actor: Actor`` (keyword-only), decides in its app's
``access`` module whether the actor may, and records ``actor.name`` in the audit entry. The
web view and the API pass ``Actor.of(request.user)``; the CLI ``Actor.system()`` (the
operator of the machine, who holds the database anyway); a background job the actor of the
person who started it; the demo ``Actor.operator("demo")``.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied


class AccessDenied(PermissionDenied):
    """The actor's role does not allow this: a 403 (the page, or the API's JSON).

    Django's ``PermissionDenied``, not the built-in ``PermissionError``: that one is an
    ``OSError`` — a file that cannot be written — and must be logged and answered as a 500,
    never as "your role does not allow this"."""


@dataclass(frozen=True)
class Actor:
    name: str  # what the audit chain records: a user name, "cli:<login>", "demo", "public"
    user: Any = None  # the signed-in user (django.contrib.auth), None for the others
    system: bool = False  # the machine's operator or a task of Pingyi's own: may do anything

    @classmethod
    def of(cls, user: Any) -> Actor:
        """The person of a request: signed in, or the public."""
        if user is None or not getattr(user, "is_authenticated", False):
            return PUBLIC
        return cls(name=user.get_username(), user=user)

    @classmethod
    def operator(cls, name: str | None = None) -> Actor:
        """The machine's operator (the CLI: ``cli:<login>``), or a named task (``demo``)."""
        if name is None:
            try:
                login = getpass.getuser()
            except (KeyError, OSError):
                login = "unknown"
            name = f"cli:{login}"
        return cls(name=name, system=True)

    @property
    def is_public(self) -> bool:
        return self.user is None and not self.system

    def __str__(self) -> str:
        return self.name


PUBLIC = Actor(name="public")  # a member of the public: no sign-in, no role
