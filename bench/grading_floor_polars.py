"""The floor for `pingyi grade`: a hand-written polars script doing the same sums and thresholds.

It reads the same ORGS and SCORES files (every column as text, as pingyi does), sums the seven
indicators exactly (as decimals), grades by the thresholds 90 / 80 / 60, applies the overrides
(violation → 较差, new → at most 较好, a branch takes its general branch's grade — one level,
as the bench's files have), counts the grades per committee with the 20 % check, and writes
the organizations and committees as JSON. No validation and no error messages: the least a
program grading these files must do.

    python bench/grading_floor_polars.py ORGS.csv SCORES.csv OUT.json
"""

from __future__ import annotations

import sys

import polars as pl

INDICATORS = (
    "党组织带头人",
    "工作思路",
    "工作制度",
    "活动阵地",
    "保障机制",
    "工作业绩",
    "群众评价",
)
EXPLAIN = {  # sector → the grades that need an explanation
    "农村": ("好", "较差"),
    "社区": ("好", "较差"),
    "非公有制企业": ("好", "较差"),
    "机关": ("一般", "较差"),
    "教育卫生事业单位": ("一般", "较差"),
}
YES = ("1", "true", "yes", "是")


def graded(orgs_path: str, scores_path: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    orgs = pl.scan_csv(orgs_path, infer_schema=False)
    scores = pl.scan_csv(scores_path, infer_schema=False)
    total = pl.sum_horizontal(pl.col(c).cast(pl.Decimal(10, 2)) for c in INDICATORS)
    scores = scores.select("code", total.alias("total"))
    grade = (
        pl.when(pl.col("total") >= 90)
        .then(pl.lit("好"))
        .when(pl.col("total") >= 80)
        .then(pl.lit("较好"))
        .when(pl.col("total") >= 60)
        .then(pl.lit("一般"))
        .otherwise(pl.lit("较差"))
    )
    violation = pl.col("violation").str.to_lowercase().is_in(YES)
    new = pl.col("new").str.to_lowercase().is_in(YES)
    own = (
        pl.when(violation)
        .then(pl.lit("较差"))
        .when(new & (grade == "好"))
        .then(pl.lit("较好"))
        .otherwise(grade)
    )
    frame = orgs.join(scores, on="code", how="left", maintain_order="left").with_columns(
        own.alias("own")
    )
    parents = frame.select(pl.col("code").alias("parent_code"), pl.col("own").alias("inherited"))
    frame = frame.join(parents, on="parent_code", how="left", maintain_order="left")
    explain = pl.lit(False)
    for sector, grades in EXPLAIN.items():
        explain = explain | ((pl.col("sector") == sector) & pl.col("grade").is_in(grades))
    overrides = pl.concat_list(
        pl.when(violation).then(pl.lit("violation")),
        pl.when(new).then(pl.lit("new")),
        pl.when(pl.col("parent_code").is_not_null()).then(pl.lit("inherited")),
    ).list.drop_nulls()
    result = frame.select(
        "code",
        "name",
        "sector",
        "committee",
        pl.col("total").cast(pl.Float64),
        pl.coalesce("inherited", "own").alias("grade"),
        overrides.alias("overrides"),
    ).with_columns(explain.alias("needs_explanation"))
    committees = (
        result.group_by("committee", maintain_order=True)
        .agg(
            pl.len().alias("orgs"),
            *((pl.col("grade") == g).sum().alias(g) for g in ("好", "较好", "一般", "较差")),
        )
        .with_columns(excellent_over_quota=pl.col("好") * 5 > pl.col("orgs"))
    )
    orgs_out, committees_out = pl.collect_all([result, committees])
    return orgs_out, committees_out


def main(argv: list[str]) -> int:
    orgs, committees = graded(argv[1], argv[2])
    with open(argv[3], "w", encoding="utf-8") as stream:
        stream.write('{"orgs": ')
        stream.write(orgs.write_json())
        stream.write(', "committees": ')
        stream.write(committees.write_json())
        stream.write("}\n")
    counts = orgs.get_column("grade").value_counts(sort=True)
    print("  ".join(f"{g} {n}" for g, n in counts.iter_rows()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
