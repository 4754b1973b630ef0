"""Issue 14: the six stages of a 千人评议 campaign (seed 001, 四、七、八) in one real Chromium,
in Chinese, for unit A (L1 组织部) and unit B (L2 宣传部), four more local units beside them.

宣传发动: the office writes the plan and the criteria and makes the public page public; it shows
plan, criteria, units and stage dates. 服务承诺: A's owner drafts and submits a pledge, the office
approves it, the public page shows it. 自查自纠: A files its report, the office marks it received.
征求意见: two opinions about A come in from a 360 px phone by code; the office closes the
collection, sorts them and feeds them back to A. 集中整改: A answers each one and files its
rectification report. 年终评议: one ballot cast on a phone, ten paper ballots imported (the
service: bulk input is not the subject here), the office closes the campaign, the results show
A last and B a winner; the office records the consequences for A and B's commendation.

The stage board is checked on three days: the page on today, the API's ``today`` parameter (the
one the board's tests use) on a day of 服务承诺 and on one after 集中整改.

Services set up only what is not the subject (dates, accounts, codes, paper ballots), before
the browser starts: Django refuses ORM calls while Playwright's loop runs in this thread.
Screenshots in test-artifacts/six-stages/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign, Consequence, StageKind
from pingyi.campaigns.services import campaign_open, campaign_stages_set
from pingyi.rectification.models import UnitAccess, UnitRole
from pingyi.rules import consequences as rules
from pingyi.rules.tally import UnitSpec
from pingyi.stages.opinion_services import opinion_codes_issue
from pingyi.voting.services import token_issue
from tests.ballots.conftest import rows_of
from tests.browser.conftest import Traffic, chromium, post_ok
from tests.cast import STAFF, make_campaign
from tests.live import live_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "journey-password-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
A, B = "L1", "L2"
LOCAL = ("地方管理部门", "local")
UNITS = [
    UnitSpec(code, name, *LOCAL)
    for code, name in (
        ("L1", "组织部"), ("L2", "宣传部"), ("L3", "统战部"),
        ("L4", "政法委"), ("L5", "信访局"), ("L6", "总工会"),
    )
]  # fmt: skip
# Ten paper ballots: (满意, 基本满意, 不满意) per unit. Six local units, five winner places:
# B alone first, A alone last (the phone's ballot adds 满意 for B, 不满意 for A).
PROFILE = {
    "L1": (2, 3, 5), "L2": (10, 0, 0), "L3": (9, 1, 0),
    "L4": (8, 2, 0), "L5": (7, 3, 0), "L6": (6, 4, 0),
}  # fmt: skip
LABELS = ("满意", "基本满意", "不满意")
PLAN = (
    "为进一步推进机关作风建设，经市委、市政府研究决定，今年继续开展“千人评议机关”活动，"
    "评议活动分宣传发动、服务承诺、自查自纠、征求意见、集中整改、年终评议六个阶段进行。"
)
CRITERIA = (
    "比依法行政：看执政为民的意识牢不牢\n比行政效能：看服务基层的作风实不实\n"
    "比工作实绩：看推进发展的成效大不大\n比工作机制：看落实政令的渠道畅不畅"
)
PLEDGE = "一、办事一次告知，不让群众跑第二趟；\n二、承诺件限时办结，超时问责。"
OPINIONS = (
    "办证窗口排队时间太长，建议增加窗口、推行网上预约。",
    "部分工作人员态度生硬，一次性告知不到位。",
)
# Latin words allowed in the Chinese UI: file types and sizes, the language switch naming
# English, and the users' sign-in names.
LATIN = re.compile(r"[A-Za-z]{2,}")
ALLOWED = {
    "PDF",
    "pdf",
    "xlsx",
    "CSV",
    "csv",
    "JSON",
    "PNG",
    "JPEG",
    "MB",
    "English",
    "alice",
    "olga",
    "qianren",  # the test campaign's code (qianren-2026; its survey's qianren-2026-rs)
    "rs",
}


def _day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


STAGES = {
    StageKind.MOBILIZATION: (_day(-90), _day(-61)),
    StageKind.PLEDGES: (_day(-60), _day(-31)),
    StageKind.SELF_INSPECTION: (_day(-30), _day(-11)),
    StageKind.OPINIONS: (_day(-10), _day(1)),
    StageKind.RECTIFICATION: (_day(2), _day(60)),
    StageKind.APPRAISAL: (_day(61), _day(90)),
}


def _campaign() -> Campaign:
    campaign = make_campaign(units=UNITS, open_it=False)
    campaign_stages_set(
        campaign=campaign,
        stages={k.value: v for k, v in STAGES.items()},
        actor=Actor.operator(STAFF),
    )
    campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    return campaign


def _paper_ballots(campaign: Campaign, folder: Path) -> None:
    codes = list(PROFILE)
    lines = [",".join(["ballot_no", "group", *codes])]
    for i in range(10):
        group = "服务对象" if i % 5 < 3 else "干部和各界代表"
        marks = []
        for code in codes:
            satisfied, basic, _ = PROFILE[code]
            marks.append(LABELS[0 if i < satisfied else 1 if i < satisfied + basic else 2])
        lines.append(",".join([f"P-{i + 1}", group, *marks]))
    path = folder / "纸质评议表.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ballots_import(campaign=campaign, rows=rows_of(campaign, path), actor=Actor.operator(STAFF))


def _context(browser: Browser, width: int) -> BrowserContext:
    """Accept-Language zh-CN: headless Chromium otherwise asks for English."""
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 900 if width > 360 else 740},
        is_mobile=width <= 360,
        has_touch=width <= 360,
    )
    context.set_default_timeout(20_000)
    return context


def _login(browser: Browser, url: str, name: str, log: Path) -> Page:
    page = _context(browser, 1280).new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    post_ok(page, "main form button[type=submit]", log)
    return page


def _chinese(page: Page) -> None:
    """The page is in Chinese: no English word in what it shows (codes like L1 aside)."""
    assert page.get_attribute("html", "lang") == "zh-hans", page.url
    words = set(LATIN.findall(page.inner_text("body"))) - ALLOWED
    assert not words, f"English on {page.url}: {sorted(words)}"


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways on a phone: {width}px"


def _cells(page: Page, unit: str) -> dict[str, str]:
    pairs = page.eval_on_selector_all(
        f"#row-{unit} td[data-state]", "cs => cs.map(c => [c.dataset.kind, c.dataset.state])"
    )
    return dict(pairs)


def test_six_stages_of_a_campaign_for_units_a_and_b(tmp_path: Path, artifacts: Path) -> None:
    campaign = _campaign()
    office = campaign.series.organization
    alice = User.objects.create_user("alice", password=PASSWORD)
    Membership.objects.create(user=alice, organization=office, role=Role.STAFF)
    olga = User.objects.create_user("olga", password=PASSWORD)
    UnitAccess.objects.create(user=olga, organization=office, series=campaign.series,
                              unit_code=A, role=UnitRole.OWNER)  # fmt: skip
    opinion_codes = opinion_codes_issue(
        campaign=campaign, count=len(OPINIONS), actor=Actor.operator("test")
    ).codes
    group = campaign.groups.first()
    assert group is not None
    ballot_code = token_issue(
        campaign=campaign, group=group, count=1, actor=Actor.operator(STAFF)
    ).codes[0]
    _paper_ballots(campaign, tmp_path)
    report = tmp_path / "自查自纠报告.pdf"
    report.write_bytes(PDF)
    written_report = tmp_path / "书面整改报告.pdf"
    written_report.write_bytes(PDF)
    shots = tmp_path / "shots"
    shots.mkdir()
    code = campaign.code
    unit_url = f"/staff/c/{code}/stages/u/{A}/"
    board_url = f"/staff/c/{code}/stages/"
    try:
        with live_server(tmp_path, workers=1, jobs=False) as server, chromium() as browser:
            base, log = server.url, server.home / "server.log"
            clerk = _login(browser, base, "alice", log)
            owner = _login(browser, base, "olga", log)
            phone_context = _context(browser, 360)
            phone = phone_context.new_page()
            traffic = [Traffic.of(p.context) for p in (clerk, owner, phone)]

            # 1. 宣传发动: the office writes the public page; anyone reads it on a phone.
            clerk.goto(base + board_url)
            clerk.fill("#id_plan", PLAN)
            clerk.fill("#id_criteria", CRITERIA)
            clerk.check("#id_public")
            post_ok(clerk, "#brief-form button[type=submit]", log)
            assert "宣传页面已保存。" in clerk.inner_text("main")
            phone.goto(f"{base}/c/{code}/")
            text = phone.inner_text("main")
            assert "千人评议机关" in text and "比依法行政" in text and "比工作机制" in text
            assert "组织部" in text and "宣传部" in text
            assert STAGES[StageKind.MOBILIZATION][0].isoformat() in text
            assert STAGES[StageKind.APPRAISAL][1].isoformat() in text
            _chinese(phone)
            _fits(phone)
            phone.screenshot(path=shots / "1-mobilization-public-360.png", full_page=True)

            # 2. 服务承诺: A's owner drafts and submits; the office approves; it goes public.
            owner.goto(base + unit_url)
            owner.fill("#id_text", PLEDGE)
            post_ok(owner, "#pledge-form button[name=submit]", log)
            assert "服务承诺已提交评议办审核。" in owner.inner_text("main")
            _chinese(owner)
            owner.screenshot(path=shots / "2-pledge-submitted.png", full_page=True)
            clerk.goto(base + unit_url)
            post_ok(clerk, "#pledge-decision button.primary", log)
            assert "服务承诺已审核通过并公开。" in clerk.inner_text("main")
            phone.goto(f"{base}/c/{code}/")
            phone.click(f"#pledge-{A} summary")
            assert "办事一次告知" in phone.inner_text(f"#pledge-{A}")
            _chinese(phone)
            _fits(phone)
            phone.screenshot(path=shots / "2-pledge-public-360.png", full_page=True)

            # 3. 自查自纠: A files its report with a PDF; the office marks it received.
            owner.goto(base + unit_url)
            owner.fill(
                "#report-form textarea", "经自查，发现窗口排队时间长等三个问题，已制定整改措施。"
            )
            owner.set_input_files("#report-form input[type=file]", str(report))
            post_ok(owner, "#report-form button[type=submit]", log)
            assert "自查自纠报告已报送。" in owner.inner_text("main")
            clerk.goto(base + unit_url)
            post_ok(clerk, "#receive-form button", log)
            assert "报告已签收。" in clerk.inner_text("main")
            _chinese(clerk)
            clerk.screenshot(path=shots / "3-self-inspection-received.png", full_page=True)

            # 4. 征求意见: two opinions about A from a phone by code; the office closes the
            # collection, sorts them and feeds them back to A.
            for opinion_code, opinion in zip(opinion_codes, OPINIONS, strict=True):
                phone.goto(f"{base}/o/")
                _chinese(phone)
                phone.fill("#code", opinion_code)
                post_ok(phone, "#code-form button[type=submit]", log)
                phone.click(f"details.opinion-unit:has(#op-{A}) summary")
                phone.fill(f"#op-{A}", opinion)
                _chinese(phone)
                _fits(phone)
                phone.screenshot(path=shots / "4-opinion-phone-form.png", full_page=True)
                post_ok(phone, "#send", log)
                assert "您的意见已收到" in phone.inner_text("main")
                _fits(phone)
            phone.screenshot(path=shots / "4-opinion-phone-thanks.png", full_page=True)
            opinions_url = f"{base}/staff/c/{code}/opinions/"
            clerk.goto(opinions_url)
            assert "2 份在线意见表在混合池中" in clerk.inner_text("#collection")
            post_ok(clerk, "#close-form button", log)
            assert "意见征集已结束" in clerk.inner_text("main")
            _chinese(clerk)
            clerk.goto(f"{opinions_url}u/{A}/")
            for opinion in OPINIONS:  # both: 行政效能
                sort = f'div.opinion:has-text("{opinion}") form.sort'
                clerk.select_option(f"{sort} select[name=category]", "efficiency")
                post_ok(clerk, f"{sort} button[type=submit]", log)
                assert "意见已梳理。" in clerk.inner_text("main")
            clerk.fill("#summary-text", "共收到意见2条，反映办证窗口排队时间长、服务态度生硬。")
            post_ok(clerk, "#send-feedback", log)
            assert "意见已反馈给单位。" in clerk.inner_text("main")
            _chinese(clerk)
            clerk.screenshot(path=shots / "4-opinions-sorted-fed-back.png", full_page=True)

            # 5. 集中整改: A answers each fed-back opinion and files its rectification report.
            owner.goto(base + unit_url)
            assert "服务态度生硬" in owner.inner_text("#feedback-summary")
            answers = ("增设两个办证窗口，开通网上预约。", "开展文明服务培训，落实一次性告知。")
            for opinion, answer in zip(OPINIONS, answers, strict=True):
                form = f'#fed-back li:has-text("{opinion}") form.answer'
                owner.fill(f"{form} textarea", answer)
                post_ok(owner, f"{form} button", log)
                assert "整改措施已保存。" in owner.inner_text("main")
            owner.fill(
                "#rect-text-input", "对照反馈意见逐条整改，窗口平均等候时间由40分钟降至15分钟。"
            )
            post_ok(owner, "#rect-form button[type=submit]", log)
            assert "整改报告已报送。" in owner.inner_text("main")
            _chinese(owner)
            owner.screenshot(path=shots / "5-rectification-answered.png", full_page=True)
            clerk.goto(base + unit_url)
            post_ok(clerk, "#rect-receive-form button", log)

            # 集中整改, its end: the satisfaction survey on the rectification — a small P1
            # campaign of the units that filed a report (A), started and recorded on the board;
            # it runs on the same engine (opened, codes, phones casting, closed: the staff API
            # and the ballot API here, as a script of the office would).
            clerk.goto(base + board_url)
            post_ok(clerk, "#survey-form button[type=submit]", log)
            assert "整改满意度测评" in clerk.inner_text("#survey-campaign")
            _chinese(clerk)
            survey_api = f"{base}/api/campaigns/{code}-rs"
            csrf = {"X-CSRFToken": next(c["value"] for c in clerk.context.cookies()
                                        if c["name"] == "csrftoken")}  # fmt: skip
            assert clerk.request.post(f"{survey_api}/open", headers=csrf).ok
            for group_code in ("service_recipients", "cadres_and_representatives"):
                issued = clerk.request.post(
                    f"{survey_api}/tokens", headers=csrf, data={"group": group_code, "count": 6}
                )
                assert issued.status == 201, issued.text()
                for n, survey_code in enumerate(issued.json()["codes"]):
                    mark = "不满意" if n == 0 else "满意"
                    cast = phone.request.post(
                        f"{base}/api/ballots", data={"token": survey_code, "marks": {A: mark}}
                    )
                    assert cast.status == 201, cast.text()
            assert clerk.request.post(f"{survey_api}/close", headers=csrf).ok
            clerk.goto(base + board_url)
            post_ok(clerk, "#survey-record-form button", log)
            assert "83.33%" in clerk.inner_text("#survey-rates")  # 10 of 12 satisfied
            _chinese(clerk)
            clerk.screenshot(path=shots / "5-rectification-survey-recorded.png", full_page=True)

            # The stage board: the page on today, the API's today on two other days.
            clerk.goto(base + board_url)
            a, b = _cells(clerk, A), _cells(clerk, B)
            assert a["pledges"] == a["self_inspection"] == "done"
            assert a["opinions"] == a["rectification"] == "done"
            assert b["pledges"] == b["self_inspection"] == "overdue"
            assert b["opinions"] == "due" and b["rectification"] == "not_started"
            _chinese(clerk)
            clerk.screenshot(path=shots / "5-board-today.png", full_page=True)

            def on(day: dt.date) -> dict[str, dict[str, str]]:
                """The board on ``day``: the API's today parameter, as the board's tests use."""
                query = f"{base}/api/campaigns/{code}/stage-board?today={day.isoformat()}"
                answer = clerk.request.get(query)
                assert answer.ok, answer.text()
                return {
                    u["code"]: {k: c["state"] for k, c in u["cells"].items()}
                    for u in answer.json()["units"]
                }

            assert on(_day(0))[B] == b  # the page's today
            pledging = on(_day(-45))  # in 服务承诺: B's still due, its 自查自纠 not started
            assert pledging[A]["pledges"] == "done" and pledging[B]["pledges"] == "due"
            assert pledging[B]["self_inspection"] == "not_started"
            late = on(_day(70))  # 集中整改 over: B overdue in every stage with work
            assert set(late[B].values()) == {"overdue"} and set(late[A].values()) == {"done"}

            # 6. 年终评议: a ballot on a phone (the paper ones are in), close, results.
            phone.goto(f"{base}/v/#{ballot_code}")
            phone.wait_for_selector("#ballot")
            phone.click(f'label:has(input[name="m_{B}"][value="satisfied"])')
            phone.click(f'label:has(input[name="m_{A}"][value="dissatisfied"])')
            _chinese(phone)
            _fits(phone)
            # not full_page: the ballot's sticky bar would be drawn over the middle of it
            phone.screenshot(path=shots / "6-ballot-phone.png")
            post_ok(phone, "#ballot .sticky button.primary", log)
            phone.wait_for_url("**/v/review")
            post_ok(phone, "#review-form button.primary", log)
            phone.wait_for_url("**/v/done")
            assert "已计入" in phone.inner_text("h1")
            _fits(phone)
            clerk.goto(f"{base}/staff/c/{code}/")
            clerk.click("#close-link")
            _chinese(clerk)
            post_ok(clerk, "#confirm", log)
            clerk.goto(f"{base}/staff/c/{code}/results")
            row_a = clerk.locator("tbody tr", has=clerk.locator("td", has_text="组织部"))
            row_b = clerk.locator("tbody tr", has=clerk.locator("td", has_text="宣传部"))
            assert row_a.locator(".flag-last").count() == 1
            assert row_b.locator(".flag-winner").count() == 1
            assert row_b.locator("td").first.inner_text().strip() == "1"
            assert row_a.locator("td").first.inner_text().strip() == "6"
            _chinese(clerk)
            clerk.screenshot(path=shots / "6-results.png", full_page=True)

            # The consequences: recorded for every unit, then followed up for A and for B.
            clerk.goto(f"{base}/staff/c/{code}/consequences")
            post_ok(clerk, "#apply-form button[type=submit]", log)
            block_a = f"#unit-{A} + p + div.scroll"
            block_b = f"#unit-{B} + p + div.scroll"
            assert "-10%" in clerk.inner_text(f"#unit-{A} + p .bonus")
            written = f"{block_a} tr.{rules.WRITTEN_REPORT} form.done-form"
            clerk.fill(f"{written} input[name=note]", "已向市委、市政府报送书面整改报告")
            clerk.set_input_files(f"{written} input[type=file]", str(written_report))
            post_ok(clerk, f"{written} button[type=submit]", log)
            criticism = f"{block_a} tr.{rules.CRITICISM} form.done-form"
            clerk.fill(f"{criticism} input[name=note]", "已在全市通报批评")
            post_ok(clerk, f"{criticism} button[type=submit]", log)
            commendation = f"{block_b} tr.{rules.COMMENDATION} form.done-form"
            clerk.fill(f"{commendation} input[name=note]", "已通报表彰并授予荣誉奖牌")
            post_ok(clerk, f"{commendation} button[type=submit]", log)
            assert clerk.locator(f"{block_a} a.report-file").count() == 1
            _chinese(clerk)
            clerk.screenshot(path=shots / "6-consequences.png", full_page=True)
            assert [e for t in traffic for e in t.errors] == []
    finally:
        target = artifacts / "six-stages"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(shots, target)

    done = Consequence.objects.filter(campaign=campaign, status="done")
    assert set(done.values_list("unit_code", "kind")) == {
        (A, rules.WRITTEN_REPORT),
        (A, rules.CRITICISM),
        (B, rules.COMMENDATION),
    }
    kinds_a = set(
        Consequence.objects.filter(campaign=campaign, unit_code=A).values_list("kind", flat=True)
    )
    assert {rules.CRITICISM, rules.WRITTEN_REPORT, rules.NO_HONOURS, rules.BONUS_DOWN} <= kinds_a
