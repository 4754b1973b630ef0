"""The inline SVG charts: a row whose figure is not shown keeps its whole label in the chart."""

from __future__ import annotations

import re

from pingyi.exports.charts import _bars


def test_a_row_without_a_bar_is_labelled_from_the_left_edge() -> None:
    why = "服务对象（不显示：此处不足 8 张，或可据此推算出人数较少类别的结果）"
    svg = str(_bars([(why, []), ("干部和各界代表", [90.0])], 100, ["%"], 1))
    texts = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)"[^>]*>([^<]*)</text>', svg
    )
    assert (("0", "start", why)) in texts  # not ending at the bars: it ran off the chart
    assert ("144", "end", "干部和各界代表") in texts
