"""P2 grading of grassroots party organizations (shared/SPEC.md, P2), in exact arithmetic.

grade by total: ≥ 90 好, ≥ 80 较好, ≥ 60 一般, below 60 较差 (no rounding: 89.5 is 较好);
overrides in this order: a violation makes 较差; a new organization is at most 较好; a branch
under a general branch takes the general branch's final grade. Quotas per committee count
every graded organization: 好 at most 20 % (a scheme may allow more for some sectors); the
grade is never moved to meet a quota — the excess is reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from pingyi.rules.errors import InputError, Problem, Where, gettext_noop

EXCELLENT, GOOD, FAIR, POOR = "好", "较好", "一般", "较差"
GRADES = (EXCELLENT, GOOD, FAIR, POOR)
THRESHOLDS = ((Fraction(90), EXCELLENT), (Fraction(80), GOOD), (Fraction(60), FAIR))

SECTORS = {
    "农村": "rural",
    "社区": "community",
    "机关": "organs",
    "非公有制企业": "non_public",
    "教育卫生事业单位": "education_health",
    "国有企业": "state_enterprise",
    "社会组织": "social_organization",
}
# SPEC: "needs explanation in the overview table"
EXPLAIN = {
    "rural": {EXCELLENT, POOR},
    "community": {EXCELLENT, POOR},
    "non_public": {EXCELLENT, POOR},
    "organs": {FAIR, POOR},
    "education_health": {FAIR, POOR},
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    maximum: Fraction


SEVEN_INDICATORS = (
    Indicator("leader", "党组织带头人", Fraction(20)),
    Indicator("ideas", "工作思路", Fraction(10)),
    Indicator("rules", "工作制度", Fraction(15)),
    Indicator("venue", "活动阵地", Fraction(10)),
    Indicator("support", "保障机制", Fraction(10)),
    Indicator("performance", "工作业绩", Fraction(20)),
    Indicator("mass_evaluation", "群众评价", Fraction(15)),
)
FIVE_GOODS = (
    Indicator("leadership", "领导班子好", Fraction(20)),
    Indicator("members", "党员队伍好", Fraction(20)),
    Indicator("mechanism", "工作机制好", Fraction(20)),
    Indicator("performance", "工作业绩好", Fraction(20)),
    Indicator("reputation", "群众反映好", Fraction(20)),
)


@dataclass(frozen=True)
class GradingScheme:
    indicators: tuple[Indicator, ...] = SEVEN_INDICATORS
    excellent_quota: Fraction = Fraction(1, 5)
    # sector code → a larger share of 好 the scheme allows there (机关, 教育卫生事业单位)
    sector_quota: Mapping[str, Fraction] = field(default_factory=dict)
    poor_target: Fraction = Fraction(1, 10)


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    sector: str  # as written (Chinese)
    committee: str
    parent_code: str | None = None
    new: bool = False
    violation: bool = False

    @property
    def sector_code(self) -> str:
        return SECTORS.get(self.sector, self.sector)


@dataclass
class Graded:
    org: Org
    total: Fraction
    computed: str  # the grade from the total alone
    grade: str = ""
    overrides: list[str] = field(default_factory=list)
    needs_explanation: bool = False


@dataclass(frozen=True)
class CommitteeCount:
    committee: str
    orgs: int
    counts: dict[str, int]
    excellent_over_quota: bool
    excellent_limit: Fraction  # the largest number of 好 the quota allows (may be fractional)


def grade_of(total: Fraction) -> str:
    for threshold, grade in THRESHOLDS:
        if total >= threshold:
            return grade
    return POOR


def _at_most_good(grade: str) -> str:
    return GOOD if grade == EXCELLENT else grade


def grade_all(orgs: Sequence[Org], totals: Mapping[str, Fraction]) -> list[Graded]:
    """Grades every organization; ``totals`` by code. Order of the input is kept."""
    graded = {
        o.code: Graded(org=o, total=totals[o.code], computed=grade_of(totals[o.code])) for o in orgs
    }
    for item in graded.values():  # overrides 1 and 2
        grade = item.computed
        if item.org.violation:
            item.overrides.append("violation")
            grade = POOR
        if item.org.new:
            item.overrides.append("new")
            grade = _at_most_good(grade)
        item.grade = grade
    resolved: dict[str, str] = {}

    def final(code: str) -> str:  # override 3, following chains of general branches
        if code not in resolved:
            item = graded[code]
            parent = item.org.parent_code
            resolved[code] = final(parent) if parent else item.grade
        return resolved[code]

    for item in graded.values():
        if item.org.parent_code:
            item.overrides.append("inherited")
        item.grade = final(item.org.code)
        item.needs_explanation = item.grade in EXPLAIN.get(item.org.sector_code, set())
    return list(graded.values())


def committee_counts(graded: Sequence[Graded], scheme: GradingScheme) -> list[CommitteeCount]:
    """Per committee, in order of first appearance: counts by grade and the 好 quota check."""
    order: list[str] = []
    members: dict[str, list[Graded]] = {}
    for item in graded:
        if item.org.committee not in members:
            order.append(item.org.committee)
            members[item.org.committee] = []
        members[item.org.committee].append(item)
    result = []
    for committee in order:
        group = members[committee]
        counts = {g: sum(1 for i in group if i.grade == g) for g in GRADES}
        limit = sum(
            (scheme.sector_quota.get(i.org.sector_code, scheme.excellent_quota) for i in group),
            Fraction(0),
        )
        result.append(
            CommitteeCount(
                committee=committee,
                orgs=len(group),
                counts=counts,
                excellent_over_quota=counts[EXCELLENT] > limit,
                excellent_limit=limit,
            )
        )
    return result


def check_hierarchy(orgs: Sequence[Org], where: Mapping[str, Where]) -> None:
    """Every parent exists and no chain of general branches loops."""
    codes = {o.code: o for o in orgs}
    problems: list[Problem] = []
    for org in orgs:
        if org.parent_code and org.parent_code not in codes:
            problems.append(
                Problem(
                    where[org.code],
                    gettext_noop("parent %(parent)r is not an organization of the file"),
                    {"parent": org.parent_code},
                )
            )
    for org in orgs:
        seen = {org.code}
        parent = org.parent_code
        while parent and parent in codes:
            if parent in seen:
                problems.append(
                    Problem(
                        where[org.code],
                        gettext_noop("the chain of parents of %(code)r loops"),
                        {"code": org.code},
                    )
                )
                break
            seen.add(parent)
            parent = codes[parent].parent_code
    if problems:
        raise InputError(problems[:50])


RUBRICS = {"seven-indicators": SEVEN_INDICATORS, "five-goods": FIVE_GOODS}
_SCHEME_KEYS = {"rubric", "indicators", "excellent_quota", "sector_quota", "poor_target"}


def grading_scheme_from_dict(data: Mapping[str, object], source: str) -> GradingScheme:
    """A grading scheme file (TOML): a built-in rubric or [[indicators]], and the quotas.

    ``rubric = "five-goods"``; ``[[indicators]]`` with code, name, maximum (they must add up
    to 100); ``excellent_quota = "20%"``; ``[sector_quota]`` 机关 = "30%"; ``poor_target``.
    """
    from pingyi.rules.scheme import parse_number

    problems: list[Problem] = []

    def bad(key: str, template: str, **params: object) -> None:
        problems.append(Problem(Where(file=source, field=key), template, dict(params)))

    for key in data:
        if key not in _SCHEME_KEYS:
            bad(
                key,
                gettext_noop("unknown key; expected one of: %(allowed)s"),
                allowed=", ".join(sorted(_SCHEME_KEYS)),
            )
    indicators: tuple[Indicator, ...] = SEVEN_INDICATORS
    rubric = data.get("rubric")
    if rubric is not None:
        if rubric not in RUBRICS:
            bad(
                "rubric",
                gettext_noop("unknown rubric %(value)r; expected one of: %(known)s"),
                value=rubric,
                known=", ".join(RUBRICS),
            )
        else:
            indicators = RUBRICS[str(rubric)]
    raw = data.get("indicators")
    if raw is not None:
        parsed: list[Indicator] = []
        for i, item in enumerate(raw if isinstance(raw, list) else []):
            maximum = parse_number(item.get("maximum")) if isinstance(item, dict) else None
            if (
                not isinstance(item, dict)
                or not item.get("code")
                or not item.get("name")
                or (maximum is None or maximum <= 0)
            ):
                bad(
                    f"indicators[{i + 1}]",
                    gettext_noop("needs a code, a name and a positive maximum"),
                )
                continue
            parsed.append(Indicator(str(item["code"]), str(item["name"]), maximum))
        if not isinstance(raw, list) or not parsed:
            bad("indicators", gettext_noop("must be a non-empty list of [[indicators]] tables"))
        elif sum(i.maximum for i in parsed) != 100 and not problems:
            bad("indicators", gettext_noop("the maxima must add up to 100"))
        indicators = tuple(parsed) or indicators

    def share(key: str, value: object, default: Fraction) -> Fraction:
        number = parse_number(value) if value is not None else default
        if number is None or not 0 <= number <= 1:
            bad(key, gettext_noop("must be between 0%% and 100%%"))
            return default
        return number

    quota = share("excellent_quota", data.get("excellent_quota"), Fraction(1, 5))
    sectors: dict[str, Fraction] = {}
    table = data.get("sector_quota", {})
    for name, value in table.items() if isinstance(table, dict) else []:
        code = SECTORS.get(str(name), str(name))
        if code not in SECTORS.values():
            bad(f"sector_quota.{name}", gettext_noop("no sector has this name"))
            continue
        sectors[code] = share(f"sector_quota.{name}", value, quota)
    poor = share("poor_target", data.get("poor_target"), Fraction(1, 10))
    if problems:
        raise InputError(problems)
    return GradingScheme(
        indicators=indicators, excellent_quota=quota, sector_quota=sectors, poor_target=poor
    )


def grading_scheme_from_file(path: Path) -> GradingScheme:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError.one(
            Where(file=str(path)),
            gettext_noop("cannot read the scheme file: %(error)s"),
            error=str(exc),
        ) from exc
    return grading_scheme_from_dict(data, str(path))
