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

from pingyi.rules.errors import InputError, Listing, Problem, RuleError, Term, Where, gettext_noop
from pingyi.rules.rubric_items import FIVE_GOODS_ITEMS, SEVEN_ITEMS, SubItem

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
    # What assessors read: sub-items with their points and scoring standards (may be empty).
    items: tuple[SubItem, ...] = ()
    # Fed by the mass survey (群众评价): points = maximum × satisfaction rate, not scored.
    survey: bool = False


SEVEN_INDICATORS = (
    Indicator("leader", "党组织带头人", Fraction(20), SEVEN_ITEMS["leader"]),
    Indicator("ideas", "工作思路", Fraction(10), SEVEN_ITEMS["ideas"]),
    Indicator("rules", "工作制度", Fraction(15), SEVEN_ITEMS["rules"]),
    Indicator("venue", "活动阵地", Fraction(10), SEVEN_ITEMS["venue"]),
    Indicator("support", "保障机制", Fraction(10), SEVEN_ITEMS["support"]),
    Indicator("performance", "工作业绩", Fraction(20), SEVEN_ITEMS["performance"]),
    Indicator(
        "mass_evaluation", "群众评价", Fraction(15), SEVEN_ITEMS["mass_evaluation"], survey=True
    ),
)
FIVE_GOODS = (
    Indicator("leadership", "领导班子好", Fraction(20), FIVE_GOODS_ITEMS["leadership"]),
    Indicator("members", "党员队伍好", Fraction(20), FIVE_GOODS_ITEMS["members"]),
    Indicator("mechanism", "工作机制好", Fraction(20), FIVE_GOODS_ITEMS["mechanism"]),
    Indicator("performance", "工作业绩好", Fraction(20), FIVE_GOODS_ITEMS["performance"]),
    Indicator(
        "reputation", "群众反映好", Fraction(20), FIVE_GOODS_ITEMS["reputation"], survey=True
    ),
)


@dataclass(frozen=True)
class GradingScheme:
    indicators: tuple[Indicator, ...] = SEVEN_INDICATORS
    excellent_quota: Fraction = Fraction(1, 5)
    # sector code → a larger share of 好 the scheme allows there (机关, 教育卫生事业单位)
    sector_quota: Mapping[str, Fraction] = field(default_factory=dict)
    poor_target: Fraction = Fraction(1, 10)
    # 较差 is "far from about 10 %" when its share differs from poor_target by more than this
    # AND by at least one whole organization (so that a committee of five with no 较差 is not
    # flagged for missing half an organization).
    poor_tolerance: Fraction = Fraction(1, 20)
    # Below this many valid survey ballots an organization's satisfaction rate is suppressed.
    min_survey_ballots: int = 8
    # sector code → the rubric its organizations are scored on, where it differs.
    sector_rubrics: Mapping[str, tuple[Indicator, ...]] = field(default_factory=dict)

    def indicators_for(self, sector: str) -> tuple[Indicator, ...]:
        """The rubric of a sector (Chinese name or code)."""
        return self.sector_rubrics.get(SECTORS.get(sector, sector), self.indicators)


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    sector: str  # as written (Chinese)
    committee: str
    parent_code: str | None = None
    new: bool = False
    violation: bool = False
    members: int | None = None  # its own party members, when the file gives them

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
    changed: bool = False  # the committee set this organization's grade (with a reason)


@dataclass(frozen=True)
class CommitteeCount:
    committee: str
    orgs: int
    counts: dict[str, int]
    excellent_over_quota: bool
    excellent_limit: Fraction  # the largest number of 好 the quota allows (may be fractional)
    poor_far: bool = False  # 较差 far from about poor_target (see GradingScheme.poor_tolerance)
    poor_expected: Fraction = Fraction(0)  # poor_target × orgs


def grade_of(total: Fraction) -> str:
    for threshold, grade in THRESHOLDS:
        if total >= threshold:
            return grade
    return POOR


def _at_most_good(grade: str) -> str:
    return GOOD if grade == EXCELLENT else grade


def grade_all(
    orgs: Sequence[Org],
    totals: Mapping[str, Fraction],
    changes: Mapping[str, str] | None = None,
) -> list[Graded]:
    """Grades every organization; ``totals`` by code. Order of the input is kept.

    ``changes`` (code → grade) are the committee's recorded changes: a change replaces the
    grade from the total, and the overrides still apply after it (a violation stays 较差,
    a new organization at most 较好); branches follow their general branch's final grade.
    """
    graded = {
        o.code: Graded(org=o, total=totals[o.code], computed=grade_of(totals[o.code])) for o in orgs
    }
    for item in graded.values():  # the committee's change, then overrides 1 and 2
        grade = item.computed
        if changes and item.org.code in changes:
            grade = changes[item.org.code]
            item.changed = True
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
                poor_far=poor_is_far(counts[POOR], len(group), scheme),
                poor_expected=scheme.poor_target * len(group),
            )
        )
    return result


def poor_is_far(poor: int, orgs: int, scheme: GradingScheme) -> bool:
    """较差 "far from about 10 %": the share is off by more than the tolerance and the count
    by at least one whole organization."""
    if orgs == 0:
        return False
    expected = scheme.poor_target * orgs
    return (
        abs(Fraction(poor, orgs) - scheme.poor_target) > scheme.poor_tolerance
        and abs(poor - expected) >= 1
    )


def survey_points(maximum: Fraction, rate: Fraction) -> Fraction:
    """群众评价 points: the indicator's maximum × the satisfaction rate, exactly."""
    return maximum * rate


def total_of(scores: Mapping[str, Fraction]) -> Fraction:
    """An organization's total: the sum of its indicators' points (nothing else adds in)."""
    return sum(scores.values(), Fraction(0))


E_SCORE_RANGE = gettext_noop("%(indicator)s: %(value)s is not a score from 0 to %(max)s")
E_SCORE_MISSING = gettext_noop("%(indicator)s: a score is required")
E_DEDUCTION_REASON = gettext_noop(
    "%(indicator)s: %(deducted)s points deducted need a written reason"
)


def score_problems(
    indicators: Sequence[Indicator],
    scores: Mapping[str, Fraction],
    reasons: Mapping[str, str] | None = None,
    *,
    survey_scored: bool = False,
) -> list[RuleError]:
    """What is wrong with a set of scores: each indicator scored within 0..maximum and, when
    ``reasons`` is given (the assessment group), every deducted point explained in writing.
    The indicator fed by the survey is scored only when ``survey_scored`` (a self-evaluation
    estimates it; the assessment takes it from the survey)."""
    problems: list[RuleError] = []
    for indicator in indicators:
        if indicator.survey and not survey_scored:
            continue
        value = scores.get(indicator.code)
        if value is None:
            problems.append(RuleError(E_SCORE_MISSING, indicator=indicator.name))
        elif not 0 <= value <= indicator.maximum:
            problems.append(
                RuleError(
                    E_SCORE_RANGE,
                    indicator=indicator.name,
                    value=number_text(value),
                    max=number_text(indicator.maximum),
                )
            )
        elif (
            reasons is not None
            and value < indicator.maximum
            and not reasons.get(indicator.code, "").strip()
        ):
            problems.append(
                RuleError(
                    E_DEDUCTION_REASON,
                    indicator=indicator.name,
                    deducted=number_text(indicator.maximum - value),
                )
            )
    return problems


def number_text(value: Fraction) -> str:
    """A score as people write it: 20, 17.5, or 2 decimals when it does not end sooner."""
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text


# The steps of a grading round (SPEC P2 "Steps"); notice and review (P3) run beside them.
SETUP, SELF_EVALUATION, ASSESSMENT, DECISION, CLOSED = (
    "setup",
    "self_evaluation",
    "assessment",
    "decision",
    "closed",
)
ROUND_STEPS = (SETUP, SELF_EVALUATION, ASSESSMENT, DECISION, CLOSED)
STEP_WORDS = {
    SETUP: gettext_noop("setup"),
    SELF_EVALUATION: gettext_noop("self-evaluation"),
    ASSESSMENT: gettext_noop("assessment"),
    DECISION: gettext_noop("committee decision"),
    CLOSED: gettext_noop("closed"),
}
E_ROUND_STEP = gettext_noop("not allowed while the round is at the step: %(current)s")
E_ROUND_ADVANCE = gettext_noop("the round is closed: it has no next step")


def check_step(current: str, allowed: Sequence[str]) -> None:
    """Refuses an action outside the steps of the round where it belongs."""
    if current not in allowed:
        raise RuleError(E_ROUND_STEP, current=Term(STEP_WORDS.get(current, current)))


def next_step(current: str) -> str:
    index = ROUND_STEPS.index(current)
    if index + 1 >= len(ROUND_STEPS):
        raise RuleError(E_ROUND_ADVANCE)
    return ROUND_STEPS[index + 1]


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
_SCHEME_KEYS = {
    "rubric",
    "indicators",
    "excellent_quota",
    "sector_quota",
    "poor_target",
    "poor_tolerance",
    "min_survey_ballots",
    "sector_rubrics",
}


class _Problems(list[Problem]):
    """The problems found in a scheme file, each with the key it concerns."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def __call__(self, key: str, template: str, **params: object) -> None:
        self.append(Problem(Where(file=self.source, field=key), template, dict(params)))


def _sub_items(raw: object, path: str, maximum: Fraction, bad: _Problems) -> tuple[SubItem, ...]:
    from pingyi.rules.scheme import parse_number

    if raw is None:
        return ()
    items: list[SubItem] = []
    for n, item in enumerate(raw if isinstance(raw, list) else [None]):
        points = parse_number(item.get("points")) if isinstance(item, dict) else None
        if not isinstance(item, dict) or not item.get("name") or points is None or points < 0:
            bad(f"{path}.items[{n + 1}]", gettext_noop("needs a name and points of 0 or more"))
            continue
        items.append(SubItem(str(item["name"]), points, str(item.get("standard", ""))))
    if items and sum(i.points for i in items) != maximum:
        bad(f"{path}.items", gettext_noop("the points of the sub-items must add up to the maximum"))
    return tuple(items)


def _indicators(raw: object, path: str, bad: _Problems) -> tuple[Indicator, ...] | None:
    """A list of [[indicators]] tables, or the name of a built-in rubric."""
    from pingyi.rules.scheme import parse_number

    if isinstance(raw, str):
        if raw not in RUBRICS:
            bad(
                path,
                gettext_noop("unknown rubric %(value)r; expected one of: %(known)s"),
                value=raw,
                known=Listing(RUBRICS),
            )
            return None
        return RUBRICS[raw]
    parsed: list[Indicator] = []
    before = len(bad)
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        where = f"{path}[{i + 1}]"
        maximum = parse_number(item.get("maximum")) if isinstance(item, dict) else None
        if (
            not isinstance(item, dict)
            or not item.get("code")
            or not item.get("name")
            or (maximum is None or maximum <= 0)
        ):
            bad(where, gettext_noop("needs a code, a name and a positive maximum"))
            continue
        survey = item.get("survey", False)
        if not isinstance(survey, bool):
            bad(f"{where}.survey", gettext_noop("must be true or false"))
            survey = False
        items = _sub_items(item.get("items"), where, maximum, bad)
        parsed.append(Indicator(str(item["code"]), str(item["name"]), maximum, items, survey))
    if not isinstance(raw, list) or not parsed:
        bad(path, gettext_noop("must be a non-empty list of [[indicators]] tables"))
        return None
    if len(bad) > before:
        return None
    if sum(i.maximum for i in parsed) != 100:
        bad(path, gettext_noop("the maxima must add up to 100"))
    elif sum(i.survey for i in parsed) > 1:
        bad(path, gettext_noop("at most one indicator may come from the survey"))
    elif len({i.code for i in parsed}) != len(parsed):
        bad(path, gettext_noop("indicator codes must all differ"))
    return tuple(parsed)


def _problems_seen(bad: _Problems) -> list[Problem]:
    return getattr(bad, "problems", [])


def grading_scheme_from_dict(data: Mapping[str, object], source: str) -> GradingScheme:
    """A grading scheme file (TOML): a built-in rubric or [[indicators]], and the quotas.

    ``rubric = "five-goods"``; ``[[indicators]]`` with code, name, maximum (they must add up
    to 100), optional ``survey = true`` (群众评价: maximum × satisfaction rate) and
    ``[[indicators.items]]`` (name, points, standard; adding up to the maximum);
    ``excellent_quota = "20%"``; ``[sector_quota]`` 机关 = "30%"; ``poor_target = "10%"``;
    ``poor_tolerance = "5%"``; ``min_survey_ballots = 8``; ``[sector_rubrics]`` 机关 =
    "five-goods" or ``[[sector_rubrics.机关]]`` indicator tables.
    """
    from pingyi.rules.scheme import parse_number

    bad = problems = _Problems(source)
    for key in data:
        if key not in _SCHEME_KEYS:
            bad(
                key,
                gettext_noop("unknown key; expected one of: %(allowed)s"),
                allowed=Listing(sorted(_SCHEME_KEYS)),
            )
    indicators: tuple[Indicator, ...] = SEVEN_INDICATORS
    if data.get("rubric") is not None:
        indicators = _indicators(data["rubric"], "rubric", bad) or indicators
    if data.get("indicators") is not None:
        indicators = _indicators(data["indicators"], "indicators", bad) or indicators

    def share(key: str, value: object, default: Fraction) -> Fraction:
        number = parse_number(value) if value is not None else default
        if number is None or not 0 <= number <= 1:
            bad(key, gettext_noop("must be between 0%% and 100%%"))
            return default
        return number

    def sector_of(table: str, name: object) -> str | None:
        code = SECTORS.get(str(name), str(name))
        if code not in SECTORS.values():
            bad(f"{table}.{name}", gettext_noop("no sector has this name"))
            return None
        return code

    quota = share("excellent_quota", data.get("excellent_quota"), Fraction(1, 5))
    sectors: dict[str, Fraction] = {}
    table = data.get("sector_quota", {})
    for name, value in table.items() if isinstance(table, dict) else []:
        if code := sector_of("sector_quota", name):
            sectors[code] = share(f"sector_quota.{name}", value, quota)
    rubrics: dict[str, tuple[Indicator, ...]] = {}
    table = data.get("sector_rubrics", {})
    for name, value in table.items() if isinstance(table, dict) else []:
        if (code := sector_of("sector_rubrics", name)) and (
            found := _indicators(value, f"sector_rubrics.{name}", bad)
        ):
            rubrics[code] = found
    k = data.get("min_survey_ballots", 8)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        bad("min_survey_ballots", gettext_noop("must be a whole number of at least 1"))
        k = 8
    poor = share("poor_target", data.get("poor_target"), Fraction(1, 10))
    tolerance = share("poor_tolerance", data.get("poor_tolerance"), Fraction(1, 20))
    if problems:
        raise InputError(list(problems))
    return GradingScheme(
        indicators=indicators,
        excellent_quota=quota,
        sector_quota=sectors,
        poor_target=poor,
        poor_tolerance=tolerance,
        min_survey_ballots=k,
        sector_rubrics=rubrics,
    )


def _indicators_dict(indicators: Sequence[Indicator]) -> list[dict[str, object]]:
    from pingyi.rules.scheme import fraction_text

    return [
        {
            "code": i.code,
            "name": i.name,
            "maximum": fraction_text(i.maximum),
            "survey": i.survey,
            "items": [
                {"name": s.name, "points": fraction_text(s.points), "standard": s.standard}
                for s in i.items
            ],
        }
        for i in indicators
    ]


def grading_scheme_to_dict(scheme: GradingScheme) -> dict[str, object]:
    """A plain dict (JSON/TOML) that grading_scheme_from_dict reads back to ``scheme``."""
    from pingyi.rules.scheme import fraction_text

    names = {code: name for name, code in SECTORS.items()}
    return {
        "indicators": _indicators_dict(scheme.indicators),
        "excellent_quota": fraction_text(scheme.excellent_quota),
        "sector_quota": {names[k]: fraction_text(v) for k, v in scheme.sector_quota.items()},
        "poor_target": fraction_text(scheme.poor_target),
        "poor_tolerance": fraction_text(scheme.poor_tolerance),
        "min_survey_ballots": scheme.min_survey_ballots,
        "sector_rubrics": {names[k]: _indicators_dict(v) for k, v in scheme.sector_rubrics.items()},
    }


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
