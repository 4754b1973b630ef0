"""The grading JSON of SPEC P2 — a contract other programs read: keys exactly as specified."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

import polars as pl

from pingyi.rules.grading import GRADES, CommitteeCount, Graded
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


# The JSON of a province's grading (300,000 organizations) is written by polars, one
# organization a line: json.dumps with an indent runs Python's slow encoder (seconds per
# hundred thousand organizations). Same keys, same values; only the white space differs.
ORG_SCHEMA: dict[str, Any] = {
    "code": pl.String,
    "name": pl.String,
    "sector": pl.String,
    "committee": pl.String,
    "total": pl.Float64,
    "grade": pl.String,
    "overrides": pl.List(pl.String),
    "needs_explanation": pl.Boolean,
}


def orgs_frame(graded: Sequence[Graded]) -> pl.DataFrame:
    """The ``orgs`` of the contract as a frame, from the per-organization rules."""
    rows = grading_to_json(graded, [])["orgs"]
    return pl.DataFrame(rows, schema=ORG_SCHEMA)


def columns_orgs_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The ``orgs`` of the contract from :class:`p2_columns.GradedColumns` ``.frame``: totals
    from millionths (the float nearest the exact total, as ``round_fraction(total, 6)``)."""
    from pingyi.rules.grading_columns import SCALE

    # the overrides of each of the 8 combinations of violation, new and inherited, in order
    combos = pl.Series(
        [
            [name for bit, name in ((4, "violation"), (2, "new"), (1, "inherited")) if n & bit]
            for n in range(8)
        ],
        dtype=pl.List(pl.String),
    )
    combo = (
        frame.get_column("violation").cast(pl.Int8) * 4
        + frame.get_column("new").cast(pl.Int8) * 2
        + frame.get_column("parent_code").is_not_null().cast(pl.Int8)
    )
    # numpy divides as IEEE does (correctly rounded); polars multiplies by 1e-6, which is not
    total = frame.get_column("total").to_numpy() / SCALE
    return pl.DataFrame(
        {
            "code": frame.get_column("code"),
            "name": frame.get_column("name"),
            "sector": frame.get_column("sector"),
            "committee": frame.get_column("committee"),
            "total": pl.Series(total, dtype=pl.Float64),
            "grade": pl.Series(list(GRADES), dtype=pl.String).gather(frame.get_column("grade")),
            "overrides": combos.gather(combo),
            "needs_explanation": frame.get_column("needs_explanation"),
        }
    )


def grading_json_bytes(orgs: pl.DataFrame, committees: Sequence[CommitteeCount]) -> bytes:
    """The contract's JSON as UTF-8: ``orgs`` (a frame of :data:`ORG_SCHEMA`) one a line."""
    buffer = io.BytesIO()
    orgs.select(list(ORG_SCHEMA)).write_ndjson(buffer)
    lines = buffer.getvalue().rstrip(b"\n")
    listed = ",\n".join(
        json.dumps(c, ensure_ascii=False) for c in grading_to_json([], committees)["committees"]
    ).encode("utf-8")
    return b"".join(
        [
            b'{\n"orgs": [\n' if lines else b'{\n"orgs": [',
            lines.replace(b"\n", b",\n"),
            b'\n],\n"committees": [\n' if lines else b'],\n"committees": [\n',
            listed,
            b"\n]\n}\n",
        ]
    )
