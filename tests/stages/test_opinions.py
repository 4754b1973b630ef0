"""征求意见 and 集中整改: codes send a form once, paper forms import once, the office sorts
(category, unit, duplicate, merge) and feeds back, the unit answers each opinion and files its
report; who may do and read what; the board on an injected clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import StageKind
from pingyi.rules import opinions as rules
from pingyi.rules import stages as stage_rules
from pingyi.rules.errors import InputError, RuleError
from pingyi.stages import opinion_pool, selectors
from pingyi.stages import opinion_selectors as reads
from pingyi.stages.models import Opinion, OpinionCodeUse, PooledOpinion
from pingyi.stages.opinion_services import (
    CodeRefused,
    feedback_save,
    opinion_answer,
    opinion_codes_issue,
    opinion_send,
    opinion_sort,
    opinions_close,
    opinions_fold,
    opinions_import_file,
    rectification_report_file,
    rectification_report_receive,
)
from tests.stages.conftest import Cast

pytestmark = pytest.mark.django_db

IN_STAGE = dt.date(2026, 5, 10)
OFFICE = Actor.operator("cli:test")


def _codes(cast: Cast, count: int = 3) -> list[str]:
    return opinion_codes_issue(
        campaign=cast.campaign, count=count, actor=Actor.of(cast.alice)
    ).codes


def _xlsx(tmp_path: Path, rows: list[list[str]], name: str = "paper.xlsx") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


HEADER = ["表号", "被评单位", "意见类别", "意见和建议"]


def test_a_code_sends_one_form_and_its_opinions_arrive_when_the_collection_closes(
    cast: Cast,
) -> None:
    code = _codes(cast)[0]
    sent = opinion_send(
        code=code, entries=[("L1", " 窗口排队太久 "), ("L2", ""), ("V1", "办事指南不清")],
        today=IN_STAGE,
    )  # fmt: skip
    assert sent == 2
    assert (PooledOpinion.objects.count(), Opinion.objects.count()) == (1, 0)
    with pytest.raises(CodeRefused) as refused:
        opinion_send(code=code, entries=[("L1", "再来一次")], today=IN_STAGE)
    assert refused.value.template == (
        "this code cannot be used: it is unknown, withdrawn or already used, or opinions are "
        "not being collected now"
    )
    assert opinions_close(campaign=cast.campaign, actor=Actor.of(cast.alice)) == 1
    found = sorted(Opinion.objects.values_list("unit__code", "text", "source", "received_on"))
    assert found == [("L1", "窗口排队太久", "online", IN_STAGE), ("V1", "办事指南不清", "online",
                                                                   IN_STAGE)]  # fmt: skip
    assert PooledOpinion.objects.count() == 0
    with pytest.raises(CodeRefused):  # closed: even an unused code sends nothing
        opinion_send(code=_codes_after_close(cast), entries=[("L1", "x")], today=IN_STAGE)


def _codes_after_close(cast: Cast) -> str:
    with pytest.raises(RuleError, match="closed"):
        _codes(cast)
    return "ABCDEFGHJKMNPQRS"


@pytest.mark.parametrize("day", [dt.date(2026, 4, 30), dt.date(2026, 7, 1)])
def test_outside_the_stage_dates_a_code_is_refused_and_stays_unused(
    cast: Cast, day: dt.date
) -> None:
    code = _codes(cast)[0]
    with pytest.raises(CodeRefused):
        opinion_send(code=code, entries=[("L1", "意见")], today=day)
    assert OpinionCodeUse.objects.count() == 0
    opinion_send(code=code, entries=[("L1", "意见")], today=IN_STAGE)
    assert OpinionCodeUse.objects.count() == 1


def test_a_bad_form_leaves_the_code_unused(cast: Cast) -> None:
    code = _codes(cast)[0]
    for entries, message in (
        ([("L1", "  ")], "write an opinion on at least one unit"),
        ([("ZZ", "意见")], "'ZZ' is not a unit of this campaign"),
        ([("L1", "长" * 2001)], "an opinion is 1 to 2000 characters"),
    ):
        with pytest.raises(RuleError) as refused:
            opinion_send(code=code, entries=entries, today=IN_STAGE)
        assert refused.value.message() == message
    assert OpinionCodeUse.objects.count() == 0 and PooledOpinion.objects.count() == 0


def test_forms_leave_the_pool_k_at_a_time_and_never_alone(cast: Cast) -> None:
    keep = 8  # the built-in scheme's smallest subset
    opinion_pool._casts.clear()  # this process's count of sends, from other tests
    for code in _codes(cast, 2 * keep):
        opinion_send(code=code, entries=[("L1", "意见")], today=IN_STAGE)
    # The 8th and 16th sends looked at the pool: at 16 forms, all but 8 moved.
    assert (Opinion.objects.count(), PooledOpinion.objects.count()) == (keep, keep)


def test_paper_forms_import_once_and_bad_cells_are_named(cast: Cast, tmp_path: Path) -> None:
    alice = Actor.of(cast.alice)
    good = _xlsx(tmp_path, [HEADER, ["P001", "L1", "行政效能", "审批太慢"],
                            ["P001", "宣传部", "", "宣传不到位"],
                            ["P002", "V1", "", "态度生硬"]])  # fmt: skip
    report = opinions_import_file(campaign=cast.campaign, path=good, label="纸质.xlsx",
                                  actor=alice, today=IN_STAGE)  # fmt: skip
    assert (report.imported, report.rejected) == (3, [])
    rows = sorted(Opinion.objects.values_list("form_no", "unit__code", "category", "source"))
    assert rows == [("P001", "L1", "efficiency", "paper"), ("P001", "L2", "", "paper"),
                    ("P002", "V1", "", "paper")]  # fmt: skip
    again = opinions_import_file(campaign=cast.campaign, path=good, label="纸质.xlsx",
                                 actor=alice, today=IN_STAGE)  # fmt: skip
    assert again.imported == 0 and [r.row for r in again.rejected] == [2, 3, 4]
    assert Opinion.objects.count() == 3
    bad = _xlsx(tmp_path, [HEADER, ["P003", "L1", "", "好"], ["P004", "无此单位", "", "意见"],
                           ["", "L2", "吃饭", ""]], "bad.xlsx")  # fmt: skip
    with pytest.raises(InputError) as failed:
        opinions_import_file(campaign=cast.campaign, path=bad, label="bad.xlsx", actor=alice)
    assert failed.value.messages() == [
        "bad.xlsx, row 3, column B (被评单位): '无此单位' is neither the code nor the name of "
        "a unit of this campaign",
        "bad.xlsx, row 4, column A (表号): this cell must not be empty",
        "bad.xlsx, row 4, column D (意见和建议): this cell must not be empty",
        "bad.xlsx, row 4, column C (意见类别): '吃饭' is not a category; expected one of: "
        "law, efficiency, results, mechanism, other",
    ]
    assert Opinion.objects.count() == 3  # nothing of the bad file, not even its good row
    missing = _xlsx(tmp_path, [["表号", "意见"], ["P9", "x"]], "missing.xlsx")
    with pytest.raises(InputError) as failed:
        opinions_import_file(campaign=cast.campaign, path=missing, label="m.xlsx", actor=alice)
    assert "missing column 'unit'" in failed.value.messages()[0]


def _imported(cast: Cast, tmp_path: Path) -> dict[str, Opinion]:
    path = _xlsx(tmp_path, [HEADER, ["P1", "L1", "", "窗口排队太久"], ["P2", "L1", "", "排队久"],
                            ["P3", "L1", "", "排队时间长"], ["P4", "L1", "", "窗口排队太久"],
                            ["P5", "L2", "", "宣传不到位"]])  # fmt: skip
    opinions_import_file(campaign=cast.campaign, path=path, label="p.xlsx", actor=OFFICE,
                         today=IN_STAGE)  # fmt: skip
    return {o.form_no or "": o for o in Opinion.objects.select_related("unit", "campaign")}


def _sorted_and_fed_back(cast: Cast, tmp_path: Path) -> dict[str, Opinion]:
    alice = Actor.of(cast.alice)
    o = _imported(cast, tmp_path)
    opinion_sort(opinion=o["P1"], category="行政效能", actor=alice)
    opinions_fold(opinions=[o["P4"]], into=o["P1"], status=rules.DUPLICATE, actor=alice)
    opinions_fold(opinions=[o["P2"], o["P3"]], into=o["P1"], actor=alice,
                  wording="窗口排队时间过长")  # fmt: skip
    opinions_close(campaign=cast.campaign, actor=alice, today=dt.date(2026, 6, 30))
    feedback_save(unit=cast.l1, summary="共收到4条意见，集中在窗口排队。", send=True,
                  actor=alice, today=dt.date(2026, 7, 2))  # fmt: skip
    return o


def test_the_office_sorts_folds_and_feeds_back_and_the_unit_reads_only_the_kept(
    cast: Cast, tmp_path: Path
) -> None:
    o = _sorted_and_fed_back(cast, tmp_path)
    statuses = dict(Opinion.objects.values_list("form_no", "status"))
    assert statuses == {"P1": "sorted", "P2": "merged", "P3": "merged", "P4": "duplicate",
                        "P5": "new"}  # fmt: skip
    mine = reads.unit_opinions(unit=cast.l1, actor=Actor.of(cast.olga))
    assert [(x.shown, x.category, x.standing_for) for x in mine] == [  # type: ignore[attr-defined]
        ("窗口排队时间过长", "efficiency", 3)
    ]
    assert reads.unit_feedback(unit=cast.l1, actor=Actor.of(cast.mike)).summary.startswith("共收到")
    assert o["P1"].pk == mine[0].pk


def test_feedback_waits_for_the_closing_and_for_every_opinion_sorted(
    cast: Cast, tmp_path: Path
) -> None:
    alice = Actor.of(cast.alice)
    o = _imported(cast, tmp_path)
    with pytest.raises(RuleError) as refused:
        feedback_save(unit=cast.l2, summary="汇总", send=True, actor=alice)
    assert refused.value.message() == rules.E_NOT_CLOSED
    opinions_close(campaign=cast.campaign, actor=alice)
    with pytest.raises(RuleError) as refused:
        feedback_save(unit=cast.l2, summary="汇总", send=True, actor=alice)
    assert refused.value.message() == "1 opinions of this unit are not sorted yet"
    draft = feedback_save(unit=cast.l2, summary="汇总草稿", actor=alice)
    assert draft.status == "draft"
    opinion_sort(opinion=o["P5"], category="other", actor=alice)
    sent = feedback_save(unit=cast.l2, summary="汇总", send=True, actor=alice,
                         today=dt.date(2026, 7, 3))  # fmt: skip
    assert (sent.status, sent.fed_back_on, sent.fed_back_by) == (
        "fed_back",
        dt.date(2026, 7, 3),
        "alice",
    )
    with pytest.raises(RuleError, match="fed back"):
        opinion_sort(opinion=o["P5"], category="law", actor=alice)


def test_an_opinion_on_the_wrong_unit_is_moved_and_folding_across_units_is_refused(
    cast: Cast, tmp_path: Path
) -> None:
    alice = Actor.of(cast.alice)
    o = _imported(cast, tmp_path)
    moved = opinion_sort(opinion=o["P5"], category="law", unit_code="V1", actor=alice)
    assert moved.unit.code == "V1"
    with pytest.raises(RuleError) as refused:
        opinions_fold(opinions=[o["P2"]], into=moved, actor=alice)
    assert refused.value.message() == rules.E_OTHER_UNIT
    with pytest.raises(RuleError) as refused:
        opinions_fold(opinions=[o["P1"]], into=o["P1"], actor=alice)
    assert refused.value.message() == rules.E_SELF
    opinions_fold(opinions=[o["P2"]], into=o["P1"], status=rules.DUPLICATE, actor=alice)
    with pytest.raises(RuleError) as refused:  # a folded opinion is not folded again
        opinions_fold(opinions=[o["P2"]], into=o["P3"], actor=alice)
    assert refused.value.message() == rules.E_NOT_KEPT


def test_the_unit_answers_every_opinion_then_files_its_report_which_the_office_receives(
    cast: Cast, tmp_path: Path
) -> None:
    o = _sorted_and_fed_back(cast, tmp_path)
    olga, alice = Actor.of(cast.olga), Actor.of(cast.alice)
    with pytest.raises(RuleError) as refused:
        rectification_report_file(unit=cast.l1, text="整改报告", actor=olga)
    assert refused.value.message() == "1 fed-back opinions still wait for their measures"
    with pytest.raises(RuleError) as refused:  # a merged opinion is answered through its kept
        opinion_answer(opinion=o["P2"], measures="增设窗口", actor=olga)
    assert refused.value.message() == rules.E_NOT_KEPT
    answered = opinion_answer(opinion=o["P1"], measures="增设两个窗口，推行预约。", actor=olga,
                              today=dt.date(2026, 7, 20))  # fmt: skip
    assert (answered.measures, answered.answered_on) == ("增设两个窗口，推行预约。",
                                                         dt.date(2026, 7, 20))  # fmt: skip
    report = rectification_report_file(unit=cast.l1, text="整改报告全文", actor=olga,
                                       today=dt.date(2026, 9, 1))  # fmt: skip
    assert report.status == stage_rules.FILED
    received = rectification_report_receive(report=report, actor=alice,
                                            today=dt.date(2026, 9, 2))  # fmt: skip
    assert (received.status, received.received_by) == (stage_rules.RECEIVED, "alice")
    with pytest.raises(RuleError) as refused:
        opinion_answer(opinion=o["P1"], measures="改", actor=olga)
    assert refused.value.message() == rules.E_REPORT_RECEIVED
    actions = list(AuditEntry.objects.filter(action__startswith="stages.").values_list(
        "action", flat=True).order_by("seq"))  # fmt: skip
    assert actions[-3:] == ["stages.opinion.answered", "stages.rectification_report.filed",
                            "stages.rectification_report.received"]  # fmt: skip


def test_a_unit_reads_no_opinion_before_feedback_and_never_another_units(
    cast: Cast, tmp_path: Path
) -> None:
    _imported(cast, tmp_path)
    olga, paul, mike = Actor.of(cast.olga), Actor.of(cast.paul), Actor.of(cast.mike)
    for actor in (olga, mike, paul, Actor.of(cast.dave), Actor.of(cast.charlie)):
        with pytest.raises(AccessDenied):
            reads.unit_opinions(unit=cast.l1, actor=actor)
    alice = Actor.of(cast.alice)
    opinion_sort(opinion=Opinion.objects.get(form_no="P1"), category="law", actor=alice)
    for n in ("P2", "P3", "P4"):
        opinion_sort(opinion=Opinion.objects.get(form_no=n), category="law", actor=alice)
    opinions_close(campaign=cast.campaign, actor=alice)
    feedback_save(unit=cast.l1, summary="汇总", send=True, actor=alice)
    assert len(reads.unit_opinions(unit=cast.l1, actor=olga)) == 4
    assert len(reads.unit_opinions(unit=cast.l1, actor=mike)) == 4
    for actor in (paul, Actor.of(cast.dave), Actor.of(cast.charlie)):
        with pytest.raises(AccessDenied):
            reads.unit_opinions(unit=cast.l1, actor=actor)
        with pytest.raises(AccessDenied):
            reads.unit_feedback(unit=cast.l1, actor=actor)
    assert len(reads.unit_opinions(unit=cast.l1, actor=Actor.of(cast.bob))) == 4  # viewer
    with pytest.raises(AccessDenied):
        reads.campaign_opinions(campaign=cast.campaign, actor=olga)


def test_only_the_office_sorts_and_only_the_units_owner_answers(cast: Cast, tmp_path: Path) -> None:
    o = _sorted_and_fed_back(cast, tmp_path)
    for actor in (Actor.of(cast.olga), Actor.of(cast.bob), Actor.of(cast.charlie)):
        with pytest.raises(AccessDenied):
            opinion_sort(opinion=o["P5"], category="law", actor=actor)
        with pytest.raises(AccessDenied):
            opinion_codes_issue(campaign=cast.campaign, count=1, actor=actor)
    for actor in (Actor.of(cast.mike), Actor.of(cast.paul), Actor.of(cast.alice)):
        with pytest.raises(AccessDenied):
            opinion_answer(opinion=o["P1"], measures="措施", actor=actor)


def test_the_board_shows_opinions_and_rectification_done_due_and_overdue(
    cast: Cast, tmp_path: Path
) -> None:
    def states(day: dt.date) -> dict[tuple[str, str], str | None]:
        board = selectors.stage_board(cast.campaign, today=day)
        return {(r.unit.code, c.kind): c.state for r in board.rows for c in r.cells
                if c.kind in (StageKind.OPINIONS, StageKind.RECTIFICATION)}  # fmt: skip

    assert states(dt.date(2026, 4, 1))[("L1", "opinions")] == stage_rules.NOT_STARTED
    assert states(IN_STAGE)[("L1", "opinions")] == stage_rules.DUE
    o = _sorted_and_fed_back(cast, tmp_path)
    late = states(dt.date(2026, 7, 5))
    assert late[("L1", "opinions")] == stage_rules.DONE
    assert late[("L2", "opinions")] == stage_rules.OVERDUE
    assert late[("L1", "rectification")] == stage_rules.DUE
    assert states(dt.date(2026, 10, 1))[("L1", "rectification")] == stage_rules.OVERDUE
    olga = Actor.of(cast.olga)
    opinion_answer(opinion=o["P1"], measures="措施", actor=olga)
    report = rectification_report_file(unit=cast.l1, text="报告", actor=olga)
    assert states(dt.date(2026, 10, 1))[("L1", "rectification")] == stage_rules.OVERDUE
    rectification_report_receive(report=report, actor=Actor.of(cast.alice))
    assert states(dt.date(2026, 10, 1))[("L1", "rectification")] == stage_rules.DONE
    data = selectors.board_to_json(selectors.stage_board(cast.campaign, today=IN_STAGE))
    cells = data["units"][0]["cells"]  # type: ignore[index]
    assert cells["opinions"] == {"state": "done", "status": "fed_back"}
    assert cells["rectification"] == {"state": "done", "status": "received"}
