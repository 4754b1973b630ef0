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
