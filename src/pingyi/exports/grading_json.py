"""The grading JSON of SPEC P2 — a contract other programs read: keys exactly as specified."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pingyi.rules.grading import CommitteeCount, Graded
from pingyi.rules.tally import round_fraction


def grading_to_json(
    graded: Sequence[Graded], committees: Sequence[CommitteeCount]
) -> dict[str, Any]:
    return {
        "orgs": [
            {
                "code": g.org.code,
                "name": g.org.name,
                "sector": g.org.sector,
                "committee": g.org.committee,
                "total": float(round_fraction(g.total, 6)),
                "grade": g.grade,
                "overrides": list(g.overrides),
                "needs_explanation": g.needs_explanation,
            }
            for g in graded
        ],
        "committees": [
            {
                "committee": c.committee,
                "orgs": c.orgs,
                "counts": dict(c.counts),
                "excellent_over_quota": c.excellent_over_quota,
            }
            for c in committees
        ],
    }
