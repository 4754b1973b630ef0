"""What the apps above ballots check when paper ballots are imported (issue 11).

A grade vote takes paper ballots only against its approved participant list (seed 003):
grading registers that check from its AppConfig.ready(), as the apps register their jobs
with jobs; ballots imports no grading. Each check runs inside the import's transaction, the
campaign locked, with the number of ballots the file adds, and raises RuleError to refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pingyi.campaigns.models import Campaign

PaperCheck = Callable[["Campaign", int], None]
PAPER_CHECKS: dict[str, PaperCheck] = {}


def paper_check_register(name: str, check: PaperCheck) -> None:
    """``check`` runs at every paper-ballot import; registering a name again replaces it."""
    PAPER_CHECKS[name] = check
