"""Schemes: the published rules of a campaign, as data.

A scheme file is TOML. It starts from a built-in scheme (``base``, default "thousand-review")
and changes what it names; unknown keys are errors, so a typo never passes silently. Every
number is read exactly: ``"90%"``, ``"9/10"``, ``0.9`` and ``"0.9"`` are the same Fraction.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from pingyi.rules.errors import InputError, Listing, Problem, Where, gettext_noop

BUILTIN_SCHEMES = {"thousand-review": "thousand_review.toml"}
DEFAULT_SCHEME = "thousand-review"


@dataclass(frozen=True)
class Mark:
    code: str
    label: str
    label_en: str
    points: Fraction
    favourable: bool = False  # counts towards the satisfaction rate
    abstain: bool = False  # the mark a blank cell stands for; no opinion


@dataclass(frozen=True)
class CategoryRule:
    code: str
    name: str
    name_en: str
    winners: int
    aliases: tuple[str, ...] = ()
    vertical: bool = False  # vertically managed: results go to the superior (seed 001, 八.8)

    def names(self) -> tuple[str, ...]:
        return (self.code, self.name, self.name_en, *self.aliases)


@dataclass(frozen=True)
class GroupTarget:
    code: str
    name: str
    name_en: str
    target_share: Fraction | None
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.code, self.name, self.name_en, *self.aliases)


@dataclass(frozen=True)
class Criterion:
    """One thing evaluators judge a unit by (seed 001 四: 比依法行政 …), shown on the ballot."""

    name: str
    description: str
    name_en: str = ""
    description_en: str = ""


MEAN_PLACES = 4  # decimals of a mean score, everywhere it is shown


@dataclass(frozen=True)
class Scheme:
    name: str
    name_en: str
    marks: tuple[Mark, ...]
    categories: tuple[CategoryRule, ...]
    groups: tuple[GroupTarget, ...]
    criteria: tuple[Criterion, ...] = ()  # in the order the ballot and the paper form list them
    blank_ballot_invalid: bool = True
    abstain_in_denominator: bool = True
    rectify_below: Fraction = Fraction(9, 10)
    rate_percent_decimals: int | None = None
    decide_on_published_rate: bool = False
    last_places: int = 1
    min_subset_ballots: int = 8
    notice_days: int = 5  # P3: days a published result stays on public notice
    rectification_months: int = 6  # P4: months of rectification before the acceptance

    @property
    def rate_places(self) -> int:
        """Decimals of a satisfaction rate in percent, the same on the page, the notice, the
        workbook and the PDF (the scheme's ``rate_percent_decimals``, else 2)."""
        return 2 if self.rate_percent_decimals is None else self.rate_percent_decimals

    @property
    def abstain_index(self) -> int:
        return next(i for i, m in enumerate(self.marks) if m.abstain)

    @property
    def top_index(self) -> int:
        """The best mark (most points): its count breaks the last ties (SPEC: more 满意)."""
        return max(range(len(self.marks)), key=lambda i: (self.marks[i].points, -i))

    def mark_lookup(self) -> dict[str, int]:
        """Every accepted spelling of a mark (Chinese label, code, English label) → its index."""
        lookup: dict[str, int] = {}
        for i, mark in enumerate(self.marks):
            for spelling in (mark.label, mark.code, mark.label_en):
                lookup.setdefault(spelling, i)
                lookup.setdefault(spelling.casefold(), i)
        return lookup

    def category_for(self, text: str) -> CategoryRule | None:
        key = text.strip().casefold()
        for category in self.categories:
            if key in (n.casefold() for n in category.names()):
                return category
        return None

    def group_for(self, text: str) -> GroupTarget | None:
        key = text.strip().casefold()
        for group in self.groups:
            if key in (n.casefold() for n in group.names()):
                return group
        return None

    def to_toml_dict(self) -> dict[str, Any]:
        """A plain dict that ``scheme_from_dict(..., base=None)`` reads back to this scheme."""
        data: dict[str, Any] = {
            "base": "none",
            "name": self.name,
            "name_en": self.name_en,
            "blank_ballot": "invalid" if self.blank_ballot_invalid else "valid",
            "abstain_in_denominator": self.abstain_in_denominator,
            "rectify_below": fraction_text(self.rectify_below),
            "decide_on_published_rate": self.decide_on_published_rate,
            "last_places": self.last_places,
            "min_subset_ballots": self.min_subset_ballots,
            "notice_days": self.notice_days,
            "rectification_months": self.rectification_months,
            "marks": [
                {
                    "code": m.code,
                    "label": m.label,
                    "label_en": m.label_en,
                    "points": fraction_text(m.points),
                    "favourable": m.favourable,
                    "abstain": m.abstain,
                }
                for m in self.marks
            ],
            "categories": [
                {
                    "code": c.code,
                    "name": c.name,
                    "name_en": c.name_en,
                    "winners": c.winners,
                    "aliases": list(c.aliases),
                    "vertical": c.vertical,
                }
                for c in self.categories
            ],
            "groups": [
                {
                    "code": g.code,
                    "name": g.name,
                    "name_en": g.name_en,
                    "aliases": list(g.aliases),
                    **(
                        {"target_share": fraction_text(g.target_share)}
                        if g.target_share is not None
                        else {}
                    ),
                }
                for g in self.groups
            ],
            "criteria": [
                {
                    "name": c.name,
                    "description": c.description,
                    **({"name_en": c.name_en} if c.name_en else {}),
                    **({"description_en": c.description_en} if c.description_en else {}),
                }
                for c in self.criteria
            ],
        }
        if self.rate_percent_decimals is not None:
            data["rate_percent_decimals"] = self.rate_percent_decimals
        return data


def fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


# --------------------------------------------------------------------------- loading

_TOP_KEYS = {
    "base",
    "name",
    "name_en",
    "blank_ballot",
    "abstain_in_denominator",
    "rectify_below",
    "rate_percent_decimals",
    "decide_on_published_rate",
    "last_places",
    "min_subset_ballots",
    "notice_days",
    "rectification_months",
    "marks",
    "categories",
    "groups",
    "criteria",
    "points",
    "winners",
    "target_shares",
}
_MARK_KEYS = {"code", "label", "label_en", "points", "favourable", "abstain"}
_CATEGORY_KEYS = {"code", "name", "name_en", "winners", "aliases", "vertical"}
_GROUP_KEYS = {"code", "name", "name_en", "target_share", "aliases"}
_CRITERION_KEYS = {"name", "description", "name_en", "description_en"}


class _Reader:
    """Reads values out of a TOML dict, collecting a problem per bad key."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def bad(self, key: str, template: str, **params: Any) -> None:
        self.problems.append(Problem(Where(file=self.source, field=key), template, params))

    def unknown(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                self.bad(
                    f"{prefix}{key}",
                    gettext_noop("unknown key; expected one of: %(allowed)s"),
                    allowed=Listing(sorted(allowed)),
                )

    def tables(
        self, raw: list[Any], key: str, allowed: set[str]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each table of the list ``key`` with its path (``key[1]``, …), its unknown keys said;
        an item that is not a table is said and passed over."""
        for i, table in enumerate(raw):
            path = f"{key}[{i + 1}]"
            if not isinstance(table, dict):
                self.bad(path, gettext_noop("must be a table"))
                continue
            self.unknown(table, allowed, f"{path}.")
            yield path, table

    def text(self, table: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.bad(path, gettext_noop("must be a non-empty text"))
            return default or ""
        return value.strip()

    def boolean(self, table: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.bad(path, gettext_noop("must be true or false"))
            return default
        return value

    def integer(
        self, table: dict[str, Any], key: str, path: str, default: int, minimum: int = 0
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.bad(path, gettext_noop("must be a whole number of at least %(min)s"), min=minimum)
            return default
        return value

    def number(self, value: Any, path: str) -> Fraction | None:
        parsed = parse_number(value)
        if parsed is None:
            self.bad(
                path,
                gettext_noop('must be a number such as 0.5, "1/2" or "50%%"; got %(value)r'),
                value=value,
            )
        return parsed

    def aliases(self, table: dict[str, Any], path: str) -> tuple[str, ...]:
        value = table.get("aliases", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(path, gettext_noop("must be a list of texts"))
            return ()
        return tuple(v.strip() for v in value if v.strip())


def parse_number(value: Any) -> Fraction | None:
    """Reads 2, 0.5, "0.5", "1/2" or "50%" exactly; None if it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if not isinstance(value, str):
        return None
    text = value.strip().replace("％", "%")
    scale = Fraction(1)
    if text.endswith("%"):
        text, scale = text[:-1].strip(), Fraction(1, 100)
    try:
        return Fraction(text) * scale
    except (ValueError, ZeroDivisionError):
        return None


def _marks(reader: _Reader, raw: Any) -> tuple[Mark, ...] | None:
    if not isinstance(raw, list) or not raw:
        reader.bad("marks", gettext_noop("must be a non-empty list of [[marks]] tables"))
        return None
    marks: list[Mark] = []
    for path, table in reader.tables(raw, "marks", _MARK_KEYS):
        code = reader.text(table, "code", f"{path}.code")
        label = reader.text(table, "label", f"{path}.label")
        points = reader.number(table.get("points"), f"{path}.points")
        marks.append(
            Mark(
                code=code,
                label=label,
                label_en=str(table.get("label_en", code)),
                points=points if points is not None else Fraction(0),
                favourable=reader.boolean(table, "favourable", f"{path}.favourable", False),
                abstain=reader.boolean(table, "abstain", f"{path}.abstain", False),
            )
        )
    if sum(m.abstain for m in marks) != 1:
        reader.bad("marks", gettext_noop("exactly one mark must have abstain = true"))
    if not any(m.favourable for m in marks):
        reader.bad("marks", gettext_noop("at least one mark must have favourable = true"))
    spellings = [s for m in marks for s in {m.code, m.label}]
    if len(spellings) != len(set(spellings)):
        reader.bad("marks", gettext_noop("mark codes and labels must all differ"))
    return tuple(marks)


def _categories(reader: _Reader, raw: Any) -> tuple[CategoryRule, ...] | None:
    if not isinstance(raw, list) or not raw:
        reader.bad("categories", gettext_noop("must be a non-empty list of [[categories]] tables"))
        return None
    result: list[CategoryRule] = []
    for path, table in reader.tables(raw, "categories", _CATEGORY_KEYS):
        code = reader.text(table, "code", f"{path}.code")
        result.append(
            CategoryRule(
                code=code,
                name=reader.text(table, "name", f"{path}.name"),
                name_en=str(table.get("name_en", code)),
                winners=reader.integer(table, "winners", f"{path}.winners", 0),
                aliases=reader.aliases(table, f"{path}.aliases"),
                vertical=reader.boolean(table, "vertical", f"{path}.vertical", False),
            )
        )
    names = [n.casefold() for c in result for n in {c.code, c.name, *c.aliases}]
    if len(names) != len(set(names)):
        reader.bad("categories", gettext_noop("category codes, names and aliases must all differ"))
    return tuple(result)


def _groups(reader: _Reader, raw: Any) -> tuple[GroupTarget, ...] | None:
    if not isinstance(raw, list):
        reader.bad("groups", gettext_noop("must be a list of [[groups]] tables"))
        return None
    result: list[GroupTarget] = []
    for path, table in reader.tables(raw, "groups", _GROUP_KEYS):
        code = reader.text(table, "code", f"{path}.code")
        share = None
        if "target_share" in table:
            share = reader.number(table["target_share"], f"{path}.target_share")
            if share is not None and not 0 <= share <= 1:
                reader.bad(f"{path}.target_share", gettext_noop("must be between 0%% and 100%%"))
        result.append(
            GroupTarget(
                code=code,
                name=reader.text(table, "name", f"{path}.name"),
                name_en=str(table.get("name_en", code)),
                target_share=share,
                aliases=reader.aliases(table, f"{path}.aliases"),
            )
        )
    return tuple(result)


def _criteria(reader: _Reader, raw: Any) -> tuple[Criterion, ...] | None:
    """The criteria in their order; an empty list leaves them off the ballot."""
    if not isinstance(raw, list):
        reader.bad("criteria", gettext_noop("must be a list of [[criteria]] tables"))
        return None
    result: list[Criterion] = []
    for path, table in reader.tables(raw, "criteria", _CRITERION_KEYS):
        optional = {}
        for key in ("name_en", "description_en"):
            value = table.get(key, "")
            if not isinstance(value, str):
                reader.bad(f"{path}.{key}", gettext_noop("must be a text"))
                value = ""
            optional[key] = value.strip()
        result.append(
            Criterion(
                name=reader.text(table, "name", f"{path}.name"),
                description=reader.text(table, "description", f"{path}.description"),
                **optional,
            )
        )
    names = [c.name for c in result]
    if len(names) != len(set(names)):
        reader.bad("criteria", gettext_noop("criterion names must all differ"))
    return tuple(result)


def _apply_overrides(reader: _Reader, data: dict[str, Any], scheme: Scheme) -> Scheme:
    """The small tables that change one number of the base without restating its lists."""
    if "points" in data:
        table = data["points"]
        if not isinstance(table, dict):
            reader.bad("points", gettext_noop("must be a table of mark = points"))
        else:
            marks = list(scheme.marks)
            for key, value in table.items():
                index = next((i for i, m in enumerate(marks) if key in (m.code, m.label)), None)
                if index is None:
                    reader.bad(f"points.{key}", gettext_noop("no mark has this code or label"))
                    continue
                points = reader.number(value, f"points.{key}")
                if points is not None:
                    marks[index] = replace(marks[index], points=points)
            scheme = replace(scheme, marks=tuple(marks))
    if "winners" in data:
        table = data["winners"]
        if not isinstance(table, dict):
            reader.bad("winners", gettext_noop("must be a table of category = places"))
        else:
            categories = list(scheme.categories)
            for key in table:
                found = scheme.category_for(key)
                if found is None:
                    reader.bad(f"winners.{key}", gettext_noop("no category has this code or name"))
                    continue
                places = reader.integer(table, key, f"winners.{key}", found.winners)
                categories[categories.index(found)] = replace(found, winners=places)
            scheme = replace(scheme, categories=tuple(categories))
    if "target_shares" in data:
        table = data["target_shares"]
        if not isinstance(table, dict):
            reader.bad("target_shares", gettext_noop("must be a table of group = share"))
        else:
            groups = list(scheme.groups)
            for key, value in table.items():
                found_group = scheme.group_for(key)
                if found_group is None:
                    reader.bad(
                        f"target_shares.{key}", gettext_noop("no group has this code or name")
                    )
                    continue
                share = reader.number(value, f"target_shares.{key}")
                if share is not None and not 0 <= share <= 1:
                    reader.bad(
                        f"target_shares.{key}", gettext_noop("must be between 0%% and 100%%")
                    )
                    continue
                groups[groups.index(found_group)] = replace(found_group, target_share=share)
            scheme = replace(scheme, groups=tuple(groups))
    return scheme


def scheme_from_dict(data: dict[str, Any], source: str = "scheme") -> Scheme:
    """Builds a scheme from a parsed TOML document; raises InputError naming each bad key."""
    reader = _Reader(source)
    reader.unknown(data, _TOP_KEYS, "")
    base_name = data.get("base", DEFAULT_SCHEME)
    base: Scheme | None = None
    if base_name != "none":
        if not isinstance(base_name, str) or base_name not in BUILTIN_SCHEMES:
            reader.bad(
                "base",
                gettext_noop(
                    'unknown built-in scheme %(name)r; expected one of: %(known)s, "none"'
                ),
                name=base_name,
                known=Listing(BUILTIN_SCHEMES),
            )
            raise InputError(reader.problems)
        base = builtin_scheme(base_name)
    elif not {"marks", "categories"} <= data.keys():
        reader.bad(
            "base", gettext_noop('with base = "none" the file must give marks and categories')
        )
        raise InputError(reader.problems)

    marks = _marks(reader, data["marks"]) if "marks" in data else (base.marks if base else None)
    categories = (
        _categories(reader, data["categories"])
        if "categories" in data
        else (base.categories if base else None)
    )
    groups = _groups(reader, data["groups"]) if "groups" in data else (base.groups if base else ())
    criteria = (
        _criteria(reader, data["criteria"])
        if "criteria" in data
        else (base.criteria if base else ())
    )
    blank = data.get(
        "blank_ballot", "invalid" if (base is None or base.blank_ballot_invalid) else "valid"
    )
    if blank not in ("invalid", "valid"):
        reader.bad("blank_ballot", gettext_noop('must be "invalid" or "valid"'))
    rectify = reader.number(
        data.get("rectify_below", fraction_text(base.rectify_below) if base else "90%"),
        "rectify_below",
    )
    if rectify is not None and not 0 <= rectify <= 1:
        reader.bad("rectify_below", gettext_noop("must be between 0%% and 100%%"))
    decimals = data.get("rate_percent_decimals", base.rate_percent_decimals if base else None)
    if decimals is not None and (
        isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 4
    ):
        reader.bad("rate_percent_decimals", gettext_noop("must be a whole number from 0 to 4"))
        decimals = None
    defaults = base or Scheme(name="", name_en="", marks=(), categories=(), groups=())
    if reader.problems or marks is None or categories is None or groups is None or criteria is None:
        raise InputError(reader.problems)
    scheme = Scheme(
        name=reader.text(data, "name", "name", defaults.name or "scheme"),
        name_en=str(data.get("name_en", defaults.name_en)),
        marks=marks,
        categories=categories,
        groups=groups,
        criteria=criteria,
        blank_ballot_invalid=blank == "invalid",
        abstain_in_denominator=reader.boolean(
            data,
            "abstain_in_denominator",
            "abstain_in_denominator",
            defaults.abstain_in_denominator,
        ),
        rectify_below=rectify if rectify is not None else Fraction(9, 10),
        rate_percent_decimals=decimals,
        decide_on_published_rate=reader.boolean(
            data,
            "decide_on_published_rate",
            "decide_on_published_rate",
            defaults.decide_on_published_rate,
        ),
        last_places=reader.integer(data, "last_places", "last_places", defaults.last_places, 0),
        min_subset_ballots=reader.integer(
            data, "min_subset_ballots", "min_subset_ballots", defaults.min_subset_ballots, 1
        ),
        notice_days=reader.integer(data, "notice_days", "notice_days", defaults.notice_days, 1),
        rectification_months=reader.integer(
            data, "rectification_months", "rectification_months", defaults.rectification_months, 1
        ),
    )
    scheme = _apply_overrides(reader, data, scheme)
    if reader.problems:
        raise InputError(reader.problems)
    return scheme


def scheme_from_toml(text: str, source: str = "scheme") -> Scheme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError.one(
            Where(file=source), gettext_noop("not valid TOML: %(error)s"), error=str(exc)
        ) from exc
    return scheme_from_dict(data, source)


def scheme_from_file(path: Path) -> Scheme:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.one(
            Where(file=str(path)),
            gettext_noop("cannot read the scheme file: %(error)s"),
            error=exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc),
        ) from exc
    return scheme_from_toml(text, str(path))


def builtin_scheme(name: str = DEFAULT_SCHEME) -> Scheme:
    text = (
        resources.files("pingyi.rules.builtin").joinpath(BUILTIN_SCHEMES[name]).read_text("utf-8")
    )
    data = tomllib.loads(text)
    return scheme_from_dict({**data, "base": "none"}, f"builtin:{name}")
