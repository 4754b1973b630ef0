"""The stage form in Chinese: the dates it shows are the dates saved, and it is a draft's only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from pingyi.campaigns.models import StageKind
from tests.cast import make_campaign
from tests.web.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def _dates(start: dt.date) -> dict[str, str]:
    form: dict[str, str] = {}
    for i, kind in enumerate(StageKind):
        form[f"{kind.value}_start"] = (start + dt.timedelta(days=30 * i)).isoformat()
        form[f"{kind.value}_end"] = (start + dt.timedelta(days=30 * i + 20)).isoformat()
    return form


def _shown(html: str) -> dict[str, str]:
    """The stage inputs as a browser would post them back."""
    form = html.split('id="stages-form"', 1)[1].split("</form>", 1)[0]
    found: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name.group(1) == "csrfmiddlewaretoken":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        found[name.group(1)] = value.group(1) if value else ""
    return found


def test_stage_dates_show_as_iso_in_chinese_and_survive_a_second_save(
    cast: Cast, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    draft = make_campaign(2027, open_it=False)
    alice = client_for(cast.alice)
    dates = _dates(dt.date(2027, 3, 1))
    alice.post(f"/staff/c/{draft.code}/stages", dates)
    page = alice.get(f"/staff/c/{draft.code}/").content.decode()
    shown = _shown(page)
    assert shown == dates  # value="2027-03-01", what <input type=date> can show
    response = alice.post(f"/staff/c/{draft.code}/stages", shown, follow=True)
    assert "工作阶段已保存。" in response.content.decode()
    saved = {s.kind: (s.starts_on.isoformat(), s.ends_on.isoformat()) for s in draft.stages.all()}
    expected = {k.value: (dates[f"{k.value}_start"], dates[f"{k.value}_end"]) for k in StageKind}
    assert saved == expected


def test_stage_dates_typed_the_chinese_way_are_accepted(cast: Cast, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    draft = make_campaign(2027, open_it=False)
    client_for(cast.alice).post(
        f"/staff/c/{draft.code}/stages",
        {"mobilization_start": "2027/03/01", "mobilization_end": "2027/03/21"},
    )
    stage = draft.stages.get()
    assert (stage.starts_on, stage.ends_on) == (dt.date(2027, 3, 1), dt.date(2027, 3, 21))


def test_stages_are_refused_once_the_campaign_is_open_with_a_chinese_message(
    cast: Cast, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    alice = client_for(cast.alice)
    page = alice.get(f"/staff/c/{cast.campaign.code}/").content.decode()
    assert 'id="stages-form"' not in page  # open: the schedule is read, not edited
    response = alice.post(f"/staff/c/{cast.campaign.code}/stages", _dates(dt.date(2026, 3, 1)))
    assert response.status_code == 302
    html = alice.get(response["Location"]).content.decode()
    assert "评议活动当前状态为 评议中，工作阶段只能在筹备中设置，现已不能更改。" in html
    assert not cast.campaign.stages.exists()
