"""The demo's public notice (公示, seed 001 八.8): the current year's results go on notice for
the scheme's period, a member of the public objects to one unit's result and the office
answers — so that `make run` shows the notice page, an objection and its answer, read back by
its tracking code, as the public and the office see them."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign
from pingyi.notices import services as s
from pingyi.notices.models import Notice, NoticeEntry
from pingyi.rules import phases

OBJECTION = "该单位窗口服务仍有推诿现象，建议核实其满意率。"
ANSWER = (
    "经评议活动办公室核实，该单位的选票已按实施方案统计，结果无误；"
    "所反映的窗口服务问题已转该单位整改，并列入整改台账跟踪。"
)


def demo_notice(campaign: Campaign) -> Iterator[str]:
    """Publishes the closed campaign's results (or finds its notice), with one objection
    answered; yields what `pingyi demo` prints."""
    actor = Actor.operator("demo")
    notice = Notice.objects.filter(campaign=campaign).first()
    if notice is None and campaign.status == phases.CLOSED:
        notice = s.notice_publish(campaign=campaign, actor=actor)
        ranked = NoticeEntry.objects.filter(notice=notice, rank__isnull=False)
        entry = ranked.order_by("-rank", "code").first()  # a unit ranked last
        if entry is not None:
            filed = s.objection_file(
                notice=notice, entry_code=entry.code, text=OBJECTION, contact="139****0000"
            )
            s.objection_answer(objection=filed.objection, answer=ANSWER, actor=actor)
    if notice is None:
        return
    yield _("%(name)s: on public notice until %(until)s at /notice/%(code)s/") % {
        "name": campaign.name,
        "until": timezone.localtime(notice.ends_at).strftime("%Y-%m-%d %H:%M"),
        "code": notice.code,
    }
