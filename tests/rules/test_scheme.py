"""Schemes: the built-in thousand-review rules, scheme files that change them, and bad files."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from pingyi.rules.errors import InputError
from pingyi.rules.scheme import (
    Scheme,
    builtin_scheme,
    parse_number,
    scheme_from_dict,
    scheme_from_file,
    scheme_from_toml,
)

BUILTIN = builtin_scheme()


def load(toml: str) -> Scheme:
    return scheme_from_toml(toml, "s.toml")


def problems(toml: str) -> list[str]:
    """The messages of the InputError a scheme text raises."""
    with pytest.raises(InputError) as caught:
        load(toml)
    return caught.value.messages()


FIVE_MARKS = """
name = "五档评议"
[[marks]]
code = "very_satisfied"
label = "非常满意"
points = 3
favourable = true
[[marks]]
code = "satisfied"
label = "满意"
points = "2"
favourable = true
[[marks]]
code = "basically_satisfied"
label = "基本满意"
points = "1"
[[marks]]
code = "dissatisfied"
label = "不满意"
points = 0
[[marks]]
code = "abstain"
label = "弃权"
points = "1/4"
abstain = true
"""


# --------------------------------------------------------------------------- the built-in scheme


def test_builtin_marks_are_satisfied_basically_dissatisfied_and_abstain() -> None:
    marks = BUILTIN.marks

    assert [(m.code, m.label, m.points) for m in marks] == [
        ("satisfied", "满意", 2),
        ("basically_satisfied", "基本满意", 1),
        ("dissatisfied", "不满意", 0),
        ("abstain", "弃权", Fraction(1, 2)),
    ]
    assert [m.favourable for m in marks] == [True, True, False, False]
    assert [m.abstain for m in marks] == [False, False, False, True]
    assert BUILTIN.abstain_index == 3
    assert BUILTIN.top_index == 0


def test_builtin_categories_have_five_three_and_two_winner_places() -> None:
    assert [(c.code, c.name, c.winners, c.vertical) for c in BUILTIN.categories] == [
        ("local", "地方管理部门", 5, False),
        ("vertical", "垂直管理部门", 3, True),
        ("financial", "金融部门", 2, False),
    ]


def test_builtin_groups_target_sixty_and_forty_percent() -> None:
    assert [(g.code, g.name, g.target_share) for g in BUILTIN.groups] == [
        ("service_recipients", "服务对象", Fraction(3, 5)),
        ("cadres_and_representatives", "干部和各界代表", Fraction(2, 5)),
    ]


def test_builtin_options_follow_seed_001() -> None:
    assert BUILTIN.name == "千人评议机关"
    assert BUILTIN.blank_ballot_invalid is True
    assert BUILTIN.abstain_in_denominator is True
    assert BUILTIN.rectify_below == Fraction(9, 10)
    assert BUILTIN.rate_percent_decimals is None
    assert BUILTIN.decide_on_published_rate is False
    assert BUILTIN.last_places == 1
    assert BUILTIN.min_subset_ballots == 8


def test_marks_are_found_by_label_code_and_english_label_in_any_case() -> None:
    lookup = BUILTIN.mark_lookup()

    assert lookup["满意"] == lookup["satisfied"] == lookup["Satisfied"] == 0
    assert lookup["基本满意"] == lookup["basically_satisfied"] == lookup["basically satisfied"] == 1
    assert lookup["不满意"] == lookup["dissatisfied"] == 2
    assert lookup["弃权"] == lookup["abstain"] == lookup["Abstain"] == 3


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("local", "local"),
        ("地方管理部门", "local"),
        ("地方管理部门类", "local"),
        (" 垂直 ", "vertical"),
        ("Financial institutions", "financial"),
        ("FINANCIAL", "financial"),
    ],
)
def test_a_category_is_found_by_code_name_or_alias(text: str, code: str) -> None:
    found = BUILTIN.category_for(text)

    assert found is not None
    assert found.code == code


def test_an_unknown_category_is_not_found() -> None:
    assert BUILTIN.category_for("税务") is None


def test_an_empty_scheme_file_is_the_builtin_scheme() -> None:
    assert load("") == BUILTIN


def test_the_builtin_scheme_round_trips_through_its_toml_dict() -> None:
    assert scheme_from_dict(BUILTIN.to_toml_dict()) == BUILTIN


# --------------------------------------------------------------------------- scheme files


def test_a_scheme_file_can_replace_the_marks_and_their_points() -> None:
    scheme = load(FIVE_MARKS)

    assert scheme.name == "五档评议"
    assert [m.code for m in scheme.marks] == [
        "very_satisfied",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
        "abstain",
    ]
    assert [m.points for m in scheme.marks] == [3, 2, 1, 0, Fraction(1, 4)]
    assert [m.favourable for m in scheme.marks] == [True, True, False, False, False]
    assert scheme.abstain_index == 4
    assert scheme.top_index == 0
    assert scheme.categories == BUILTIN.categories  # untouched keys come from the base


def test_a_points_table_changes_one_mark_by_code_or_label() -> None:
    scheme = load('[points]\nsatisfied = 3\n"弃权" = "0"')

    assert [m.points for m in scheme.marks] == [3, 1, 0, 0]


def test_blank_ballots_can_be_valid() -> None:
    assert load('blank_ballot = "valid"').blank_ballot_invalid is False
    assert load('blank_ballot = "invalid"').blank_ballot_invalid is True


@pytest.mark.parametrize("value", ['"85%"', '"17/20"', "0.85", '"0.85"', '"85 ％"', '" 85% "'])
def test_a_rectify_threshold_reads_the_same_as_a_percent_a_fraction_or_a_decimal(
    value: str,
) -> None:
    assert load(f"rectify_below = {value}").rectify_below == Fraction(17, 20)


def test_numbers_are_read_exactly() -> None:
    assert parse_number(0.1) == Fraction(1, 10)
    assert parse_number("1/3") == Fraction(1, 3)
    assert parse_number(2) == 2
    assert parse_number(True) is None
    assert parse_number("1/0") is None
    assert parse_number("ninety") is None


def test_winner_places_change_through_a_winners_table_by_code_or_name() -> None:
    scheme = load('[winners]\nlocal = 4\n"金融部门" = 1')

    assert [c.winners for c in scheme.categories] == [4, 3, 1]


def test_categories_can_be_restated_with_their_own_winner_places() -> None:
    scheme = load(
        """
        [[categories]]
        code = "county"
        name = "县直部门"
        winners = 6
        aliases = ["县直"]
        [[categories]]
        code = "township"
        name = "乡镇"
        winners = 0
        """
    )

    assert [(c.code, c.name, c.winners, c.aliases) for c in scheme.categories] == [
        ("county", "县直部门", 6, ("县直",)),
        ("township", "乡镇", 0, ()),
    ]
    assert scheme.category_for("县直") == scheme.categories[0]
    assert scheme.category_for("local") is None


def test_last_places_and_abstain_in_denominator_and_rate_decimals_are_options() -> None:
    scheme = load(
        "last_places = 2\nabstain_in_denominator = false\n"
        "rate_percent_decimals = 2\ndecide_on_published_rate = true"
    )

    assert scheme.last_places == 2
    assert scheme.abstain_in_denominator is False
    assert scheme.rate_percent_decimals == 2
    assert scheme.decide_on_published_rate is True


def test_target_shares_change_through_a_target_shares_table() -> None:
    scheme = load('[target_shares]\n"服务对象" = "55%"\ncadres_and_representatives = "9/20"')

    assert [g.target_share for g in scheme.groups] == [Fraction(11, 20), Fraction(9, 20)]


def test_groups_can_be_restated_with_or_without_a_target() -> None:
    scheme = load(
        """
        [[groups]]
        code = "deputies"
        name = "人大代表"
        target_share = "30%"
        [[groups]]
        code = "residents"
        name = "群众"
        """
    )

    assert [(g.code, g.target_share) for g in scheme.groups] == [
        ("deputies", Fraction(3, 10)),
        ("residents", None),
    ]


def test_a_scheme_file_is_read_from_disk_with_or_without_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "scheme.toml"
    path.write_text('\ufeffrectify_below = "85%"\n', encoding="utf-8")

    assert scheme_from_file(path).rectify_below == Fraction(17, 20)


def test_a_scheme_without_base_must_give_marks_and_categories() -> None:
    assert problems('base = "none"\nname = "x"') == [
        's.toml, field base: with base = "none" the file must give marks and categories'
    ]


# --------------------------------------------------------------------------- bad scheme files


def test_a_misspelt_key_is_an_error_naming_it() -> None:
    [message] = problems('rectify_bellow = "85%"')

    assert message.startswith("s.toml, field rectify_bellow: unknown key; expected one of: ")
    assert "rectify_below" in message


def test_a_misspelt_key_inside_a_mark_is_an_error_naming_it() -> None:
    misspelt, missing = problems(FIVE_MARKS.replace("points = 3", "point = 3"))

    assert misspelt.startswith("s.toml, field marks[1].point: unknown key; expected one of: ")
    assert missing == (
        's.toml, field marks[1].points: must be a number such as 0.5, "1/2" or "50%"; got None'
    )


def test_points_that_are_not_a_number_are_an_error_naming_the_mark() -> None:
    assert problems('[points]\nsatisfied = "two"') == [
        's.toml, field points.satisfied: must be a number such as 0.5, "1/2" or "50%"; got \'two\''
    ]
    assert problems(FIVE_MARKS.replace('points = "2"', "points = true")) == [
        's.toml, field marks[2].points: must be a number such as 0.5, "1/2" or "50%"; got True'
    ]


def test_points_for_an_unknown_mark_are_an_error() -> None:
    assert problems("[points]\ngood = 3") == [
        "s.toml, field points.good: no mark has this code or label"
    ]


def test_two_abstain_marks_are_an_error() -> None:
    text = FIVE_MARKS.replace("points = 0\n", "points = 0\nabstain = true\n")

    assert problems(text) == ["s.toml, field marks: exactly one mark must have abstain = true"]


def test_marks_without_a_favourable_one_are_an_error() -> None:
    text = FIVE_MARKS.replace("favourable = true", "favourable = false")

    assert problems(text) == ["s.toml, field marks: at least one mark must have favourable = true"]


def test_two_marks_with_one_label_are_an_error() -> None:
    text = FIVE_MARKS.replace('label = "非常满意"', 'label = "满意"')

    assert problems(text) == ["s.toml, field marks: mark codes and labels must all differ"]


def test_negative_winner_places_are_an_error() -> None:
    assert problems("[winners]\nlocal = -1") == [
        "s.toml, field winners.local: must be a whole number of at least 0"
    ]


def test_fractional_winner_places_are_an_error() -> None:
    assert problems("[winners]\nlocal = 2.5") == [
        "s.toml, field winners.local: must be a whole number of at least 0"
    ]


def test_winner_places_for_an_unknown_category_are_an_error() -> None:
    assert problems('[winners]\n"税务" = 1') == [
        "s.toml, field winners.税务: no category has this code or name"
    ]


def test_a_target_share_above_one_hundred_percent_is_an_error() -> None:
    assert problems('[target_shares]\nservice_recipients = "150%"') == [
        "s.toml, field target_shares.service_recipients: must be between 0% and 100%"
    ]


def test_a_rectify_threshold_above_one_hundred_percent_is_an_error() -> None:
    assert problems('rectify_below = "190%"') == [
        "s.toml, field rectify_below: must be between 0% and 100%"
    ]


def test_a_blank_ballot_rule_other_than_valid_or_invalid_is_an_error() -> None:
    assert problems("blank_ballot = true") == [
        's.toml, field blank_ballot: must be "invalid" or "valid"'
    ]


def test_rate_decimals_out_of_range_are_an_error() -> None:
    assert problems("rate_percent_decimals = 7") == [
        "s.toml, field rate_percent_decimals: must be a whole number from 0 to 4"
    ]


def test_last_places_that_are_not_a_number_are_an_error() -> None:
    assert problems('last_places = "one"') == [
        "s.toml, field last_places: must be a whole number of at least 0"
    ]


def test_every_bad_key_is_reported_at_once() -> None:
    found = problems('rectify_bellow = 1\nblank_ballot = "maybe"\nrectify_below = "190%"')

    assert [m.split(":")[0] for m in found] == [
        "s.toml, field rectify_bellow",
        "s.toml, field blank_ballot",
        "s.toml, field rectify_below",
    ]


def test_invalid_toml_is_an_error_naming_the_file_and_line() -> None:
    [message] = problems('rectify_below = "85%\nlast_places = 1')

    assert message.startswith("s.toml: not valid TOML: ")
    assert "line 1" in message


def test_an_unknown_base_is_an_error_naming_it() -> None:
    assert problems('base = "thousand"') == [
        "s.toml, field base: unknown built-in scheme 'thousand'; expected one of: "
        'thousand-review, "none"'
    ]


def test_a_base_that_is_not_a_name_is_an_error_naming_it() -> None:
    assert problems('base = ["thousand-review"]') == [
        "s.toml, field base: unknown built-in scheme ['thousand-review']; expected one of: "
        'thousand-review, "none"'
    ]


def test_a_scheme_file_that_is_not_utf8_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "scheme.toml"
    path.write_bytes('name = "评议"'.encode("gbk"))

    with pytest.raises(InputError) as caught:
        scheme_from_file(path)

    [message] = caught.value.messages()
    assert message.startswith(f"{path}: cannot read the scheme file: ")


def test_a_missing_scheme_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"

    with pytest.raises(InputError) as caught:
        scheme_from_file(path)

    assert caught.value.messages() == [
        f"{path}: cannot read the scheme file: No such file or directory"
    ]


# --------------------------------------------------------------------------- criteria


SEED_CRITERIA = ["比依法行政", "比行政效能", "比工作实绩", "比工作机制"]


def test_builtin_criteria_are_the_four_of_seed_001_with_their_descriptions() -> None:
    assert [c.name for c in BUILTIN.criteria] == SEED_CRITERIA
    descriptions = [c.description for c in BUILTIN.criteria]
    assert descriptions[0].startswith("看执政为民的意识牢不牢。")
    assert descriptions[1].startswith("看服务基层的作风实不实。")
    assert descriptions[2].startswith("看推进发展的成效大不大。")
    assert descriptions[3].startswith("看落实政令的渠道畅不畅。")
    assert all(c.name_en and c.description_en for c in BUILTIN.criteria)


def test_a_scheme_file_replaces_the_criteria_in_its_order_and_round_trips() -> None:
    scheme = load(
        """
[[criteria]]
name = "比服务态度"
description = "看窗口服务热情不热情。"
[[criteria]]
name = "比依法行政"
description = "看执法公正不公正。"
name_en = "Law-based administration"
"""
    )
    assert [(c.name, c.description, c.name_en) for c in scheme.criteria] == [
        ("比服务态度", "看窗口服务热情不热情。", ""),
        ("比依法行政", "看执法公正不公正。", "Law-based administration"),
    ]
    assert scheme.marks == BUILTIN.marks
    assert scheme_from_dict(scheme.to_toml_dict()) == scheme
    assert scheme_from_dict(json.loads(json.dumps(scheme.to_toml_dict()))) == scheme


def test_an_empty_criteria_list_takes_them_off_and_round_trips() -> None:
    scheme = load("criteria = []")
    assert scheme.criteria == ()
    assert scheme_from_dict(scheme.to_toml_dict()) == scheme


def test_a_stored_scheme_from_before_criteria_reads_with_none() -> None:
    data = BUILTIN.to_toml_dict()
    del data["criteria"]
    assert scheme_from_dict(data).criteria == ()


def test_a_criterion_without_a_description_or_with_a_misspelt_key_is_an_error() -> None:
    found = problems('[[criteria]]\nname = "比依法行政"\ndescripton = "x"\n')
    assert any("criteria[1].description" in p for p in found), found
    assert any("criteria[1].descripton" in p and "unknown key" in p for p in found), found


def test_two_criteria_with_one_name_are_an_error() -> None:
    found = problems(
        '[[criteria]]\nname = "甲"\ndescription = "一"\n'
        '[[criteria]]\nname = "甲"\ndescription = "二"\n'
    )
    assert any("criterion names must all differ" in p for p in found), found
