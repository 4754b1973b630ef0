"""Bulk update of the ledger from a spreadsheet: every row imported or rejected, with reason.

Header (any spelling listed; the ledger export writes the Chinese ones):
  编号 / item      the item's number in the ledger export (required)
  状态 / status    未开始, 进行中, 已完成 (a close-out is an approval: made on the ledger page)
  进展 / progress  a progress note
  日期 / date      the note's date (default: today)
  责任人 / owner   a new owner
  完成时限 / deadline  a new deadline, YYYY-MM-DD
The ledger export's other columns (单位, 依据, 问题, …) are accepted and ignored, so an
exported ledger, filled in, reads straight back.
Unlike the ballot import, rows stand alone: a bad row is rejected with its reason and the
others are applied, each row in its own transaction (all of a row, or none of it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from pingyi.accounts.actors import Actor
from pingyi.inputs.tables import ROW, header_columns, read_table
from pingyi.rectification.models import Item
from pingyi.rectification.services import item_progress, item_update
from pingyi.rules import ledger as rules
from pingyi.rules.errors import RuleError, Translate, gettext_noop

COLUMNS = {
    "item": ("item", "编号", "事项编号"),
    "status": ("status", "状态"),
    "progress": ("progress", "进展", "进展情况"),
    "date": ("date", "日期"),
    "owner": ("owner", "责任人"),
    "deadline": ("deadline", "完成时限", "时限"),
    # The ledger export's other columns: read back without effect.
    "unit": ("单位", "unit"),
    "basis": ("依据", "basis"),
    "problem": ("问题", "problem"),
    "measures": ("整改措施", "measures"),
    "target": ("量化目标", "target"),
    "overdue": ("逾期", "overdue"),
}
NAMES = {key: tuple(s.casefold() for s in spellings) for key, spellings in COLUMNS.items()}

E_NO_ITEM = gettext_noop("no item %(item)r in a plan your office supervises")
E_DATE = gettext_noop("%(value)r is not a date; expected YYYY-MM-DD")
E_CLOSE_OUT = gettext_noop(
    "closing out is the supervising office's approval: close the item out on the ledger page"
)
E_NOTHING = gettext_noop("the row changes nothing")
STATUS_NOTE = gettext_noop("status set by the ledger import")


@dataclass(frozen=True)
class RowOutcome:
    row: int
    item: str
    imported: bool
    template: str = ""
    params: dict[str, Any] | None = None

    def message(self, translate: Translate) -> str:
        if not self.template:
            return ""
        return RuleError(self.template, **(self.params or {})).message(translate)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise RuleError(E_DATE, value=value) from None


def _apply(item: Item, row: dict[str, str | None], actor: Actor, today: dt.date) -> None:
    given = row.get("status")
    status = rules.status_from_text(given) if given else None
    if status == rules.CLOSED_OUT:
        raise RuleError(E_CLOSE_OUT)
    deadline = _date(row.get("deadline"))
    day = _date(row.get("date")) or today
    changes_status = status is not None and status != item.status
    if not (changes_status or row.get("progress") or row.get("owner") or deadline):
        raise RuleError(E_NOTHING)
    with transaction.atomic():
        if row.get("owner") or deadline:
            item_update(item=item, actor=actor, owner=row.get("owner"), deadline=deadline)
        if changes_status or row.get("progress"):
            text = row.get("progress") or STATUS_NOTE
            item_progress(item=item, text=text, status=status, actor=actor, today=day)


def ledger_import(*, path: Path, label: str, actor: Actor, today: dt.date) -> list[RowOutcome]:
    """Applies each row to an item of the plans ``actor`` supervises (the services check it
    again, row by row); one outcome per row.

    A file that cannot be read at all, or whose header is wrong, raises InputError."""
    from pingyi.rectification.selectors import supervised_items

    table = read_table(path, label)
    found = header_columns(table, NAMES, required=["item"])
    items = Item.objects.select_related("plan") if actor.system else supervised_items(actor.user)
    outcomes: list[RowOutcome] = []
    for raw in table.frame.iter_rows(named=True):
        row = {key: raw[f"c{index}"] for key, index in found.items()}
        number = row["item"] or ""
        item = items.filter(pk=int(number)).first() if number.isdigit() else None
        if item is None:
            outcomes.append(RowOutcome(raw[ROW], number, False, E_NO_ITEM, {"item": number}))
            continue
        try:
            _apply(item, row, actor, today)
        except RuleError as exc:
            outcomes.append(RowOutcome(raw[ROW], number, False, exc.template, exc.params))
        else:
            outcomes.append(RowOutcome(raw[ROW], number, True))
    return outcomes
