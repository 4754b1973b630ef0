"""The results JSON of SPEC P1 — a contract other programs read: keys exactly as specified."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from pingyi.rules.tally import TallyResult, published_rate, round_fraction

DECIMALS = 6


def _number(value: Fraction | None) -> float | None:
    return None if value is None else float(round_fraction(value, DECIMALS))


def result_to_json(result: TallyResult) -> dict[str, Any]:
    scheme = result.scheme
    units = []
    for unit in result.units:
        counts = dict(zip((m.code for m in scheme.marks), unit.counts, strict=True))
        rate = unit.satisfaction_rate
        units.append(
            {
                "code": unit.spec.code,
                "name": unit.spec.name,
                "category": unit.spec.category,
                "valid_ballots": unit.valid_ballots,
                "counts": counts,
                "score": float(round_fraction(unit.score, DECIMALS)),
                "mean_score": _number(unit.mean_score),
                "satisfaction_rate": _number(
                    published_rate(rate, scheme) if rate is not None else None
                ),
                "rank": unit.rank,
                "flags": list(unit.flags),
            }
        )
    return {
        "ballots": {
            "total": result.total_ballots,
            "valid": result.valid_ballots,
            "invalid": [{"ballot_no": b.ballot_no, "reason": b.reason} for b in result.invalid],
        },
        "units": units,
        "groups": [
            {
                "name": g.name,
                "ballots": g.ballots,
                "share": float(round_fraction(g.share, DECIMALS)),
                "target_share": _number(g.target_share),
            }
            for g in result.groups
        ],
    }


def previous_last_codes(data: Any) -> set[str]:
    """The codes flagged ``last`` in a previous campaign's results JSON (a dict)."""
    units = data.get("units") if isinstance(data, dict) else None
    if not isinstance(units, list):
        raise ValueError("no 'units' list")
    return {
        str(u["code"])
        for u in units
        if isinstance(u, dict) and "code" in u and "last" in (u.get("flags") or [])
    }


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
