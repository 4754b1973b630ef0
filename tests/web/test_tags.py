"""Words the pages print for what the database keeps as codes (issue 12, item 6)."""

from __future__ import annotations

from django.utils import translation

from pingyi.grading.templatetags.grading_tags import override_label
from pingyi.web.templatetags.pingyi_tags import actor_name


def test_who_did_it_reads_as_words_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert actor_name("cli:root") == "命令行（root）"
        assert actor_name("demo") == "demo"  # the demo administrator, a person
        assert actor_name("public") == "公众"
        assert actor_name("alice") == "alice"
        assert actor_name(None) == ""


def test_override_rules_read_as_words_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert [override_label(r) for r in ("violation", "new", "inherited")] == [
            "违纪违法",
            "新建党组织",
            "随党总支定级",
        ]


def test_rates_read_exactly_whatever_form_they_are_kept_in() -> None:
    """A rate kept as a fraction's text (SurveyEntry.rate "37/40") reads as the Fraction
    does; rounding is half up on the exact value, never on a float."""
    from fractions import Fraction

    from pingyi.web.templatetags.pingyi_tags import decimal, percent

    assert percent("37/40") == percent(Fraction(37, 40)) == "92.50%"
    assert percent("1") == "100.00%" and percent(None) == "—" and percent("") == "—"
    assert percent(Fraction(2, 3), 1) == "66.7%" and percent(Fraction(1, 8), 1) == "12.5%"
    assert percent(Fraction(1, 800), 1) == "0.1%"  # 0.125 % rounds half up
    assert decimal(Fraction(2, 3)) == "0.667" and decimal("-1/3", 2) == "-0.33"
    assert decimal(Fraction(-1, 1000), 2) == "0.00"  # no "-0.00"
