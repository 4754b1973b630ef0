"""``pingyi grade``'s grading of two files, whichever way it ran, as the outputs need it.

:func:`grade_files` grades by columns (:mod:`pingyi.inputs.p2_columns`) when the files are
clean plain decimals, else per row (:mod:`pingyi.inputs.p2_files` and
:func:`pingyi.rules.grading.grade_all`), which reads every number form exactly and names
each bad cell. Both answer the same JSON text, grade counts and report rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pingyi.exports.grading_json import (
    columns_orgs_frame,
    grading_json_bytes,
    orgs_frame,
)
from pingyi.inputs.p2_columns import GradedColumns, read_graded_columns
from pingyi.rules.grading import (
    GRADES,
    CommitteeCount,
    Graded,
    GradingScheme,
    committee_counts,
    grade_all,
)
from pingyi.rules.grading_columns import SCALE
from pingyi.rules.grading_schedule import RECTIFICATION_MONTHS

if TYPE_CHECKING:  # the reports load only for --xlsx
    from pingyi.exports.grading_reports import ReportOrg


class GradedFiles(Protocol):
    def json_bytes(self) -> bytes: ...

    def counts(self) -> dict[str, int]: ...

    def report_orgs(self) -> list[ReportOrg]: ...


def grade_files(orgs: Path, scores: Path, scheme: GradingScheme) -> GradedFiles:
    columns = read_graded_columns(orgs, scores, scheme)
    if columns is not None:
        return ColumnsResult(columns)
    return RowsResult.read(orgs, scores, scheme)


@dataclass(frozen=True)
class RowsResult:
    graded: list[Graded]
    committees: list[CommitteeCount]

    @classmethod
    def read(cls, orgs: Path, scores: Path, scheme: GradingScheme) -> RowsResult:
        from pingyi.inputs.p2_files import read_orgs, read_scores

        found, _where = read_orgs(orgs, str(orgs))
        totals = read_scores(scores, found, scheme, str(scores))
        graded = grade_all(found, totals)
        return cls(graded, committee_counts(graded, scheme))

    def json_bytes(self) -> bytes:
        return grading_json_bytes(orgs_frame(self.graded), self.committees)

    def counts(self) -> dict[str, int]:
        return {g: sum(1 for i in self.graded if i.grade == g) for g in GRADES}

    def report_orgs(self) -> list[ReportOrg]:
        from pingyi.exports.grading_reports import report_orgs_from_graded

        return report_orgs_from_graded(self.graded)


@dataclass(frozen=True)
class ColumnsResult:
    columns: GradedColumns

    def json_bytes(self) -> bytes:
        frame = columns_orgs_frame(self.columns.frame)
        return grading_json_bytes(frame, self.columns.committees)

    def counts(self) -> dict[str, int]:
        return self.columns.grade_counts()

    def report_orgs(self) -> list[ReportOrg]:
        """The report rows, built as :func:`report_orgs_from_graded` builds them."""
        from pingyi.exports.grading_reports import ReportOrg

        frame = self.columns.frame
        overrides = columns_orgs_frame(frame).get_column("overrides").to_list()
        data = zip(
            *(frame.get_column(k).to_list() for k in ("code", "name", "sector", "committee")),
            frame.get_column("parent_code").to_list(),
            frame.get_column("total").to_list(),
            frame.get_column("computed").to_list(),
            frame.get_column("grade").to_list(),
            overrides,
            frame.get_column("needs_explanation").to_list(),
            strict=True,
        )
        return [
            ReportOrg(
                code=code,
                name=name,
                sector=sector,
                committee=committee,
                parent_code=parent,
                self_score=None,
                assessment_score=None,
                survey_rate=None,
                total=Fraction(total, SCALE),
                computed=GRADES[computed],
                grade=GRADES[grade],
                overrides=tuple(names),
                needs_explanation=explain,
                rectification_months=RECTIFICATION_MONTHS.get(GRADES[grade]),
            )
            for (code, name, sector, committee, parent, total, computed, grade, names, explain) in (
                data
            )
        ]
