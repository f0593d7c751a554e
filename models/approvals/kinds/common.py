"""What the item kinds share: reading the payload with Chinese refusals, the unit and its labels,
the live items of a unit, and how a record change names the item that caused it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Figures, ItemRefused, Step
from models.approvals.tables import ITEM
from models.core.enums import EstType, label
from models.staffing.scope import Scope
from models.staffing.tables import UNIT

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # as the importer screens cells
LIVE = ("pending", "returned", "held")  # filed and not yet decided: what counts as 待审批
EVERYTHING = Scope(everything=True)

# Default flows (steps): the 编办's section checks, its leader decides (Alxa, Keqiao).
OFFICER_CHECK = Step("科室初审", "officer")
LEADER_DECIDES = Step("分管领导终审", "leader")
SECOND_OFFICER = Step("复核", "officer")  # 二人复核: the engine requires another officer than the first


def refuse(message: str, figures: Figures | None = None) -> NoReturn:
    raise ItemRefused(message, figures)


def type_label(est_type: str) -> str:
    return label(EstType, est_type)


def text_field(payload: dict[str, Any], name: str, title: str, *, max_len: int, required: bool = True) -> str:
    """A text field of the payload, trimmed; refused when missing (if required) or too long."""
    value = str(payload.get(name) or "").strip()
    if required and not value:
        refuse(f"请填写{title}")
    if CONTROL.search(value):  # PostgreSQL refuses NUL; every later export would carry the rest
        refuse(f"{title}含有不可见的控制字符，请删除后重新填写")
    if len(value) > max_len:
        refuse(f"{title}过长（{len(value)}字），最多{max_len}字")
    return value


def count_field(payload: dict[str, Any], name: str, title: str, *, low: int = 1, high: int = 9999) -> int:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        refuse(f"{title}应为整数")
    number = int(str(value).strip())
    if not low <= number <= high:
        refuse(f"{title}应在 {low} 至 {high} 之间")
    return number


def date_field(payload: dict[str, Any], name: str, title: str, *, today: date, required: bool = True) -> date | None:
    """An ISO date of the payload; not later than today (as the importer checks dates)."""
    raw = str(payload.get(name) or "").strip()
    if not raw:
        if required:
            refuse(f"请填写{title}")
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        refuse(f"{title}格式不正确，应为 2024-03-01")
    if value > today:
        refuse(f"{title}晚于今天")
    return value


def est_type_field(payload: dict[str, Any]) -> str:
    value = str(payload.get("est_type") or "").strip()
    if value not in {t.value for t in EstType}:
        refuse("请选择编制类型（行政编制、政法专项编制、事业编制或工勤编制）")
    return value


@dataclass(frozen=True)
class UnitBrief:
    id: int
    code: str
    name: str
    kind: str


async def unit_brief(session: AsyncSession, unit_id: int) -> UnitBrief:
    row = (await session.execute(select(UNIT.c.id, UNIT.c.code, UNIT.c.name, UNIT.c.kind)
                                 .where(UNIT.c.id == unit_id))).first()
    if row is None:
        refuse("机构不存在")
    return UnitBrief(row.id, row.code, row.name, row.kind)


async def live_items(session: AsyncSession, *, unit_id: int, kind: str, exclude: int | None) -> list[Any]:
    """The unit's filed, undecided items of ``kind`` (id, person_id, warning_id, basis_id, payload),
    leaving out ``exclude`` (the item being checked again)."""
    query = select(ITEM.c.id, ITEM.c.person_id, ITEM.c.warning_id, ITEM.c.basis_id, ITEM.c.payload).where(
        ITEM.c.unit_id == unit_id, ITEM.c.status.in_(LIVE), ITEM.c.kind == kind)
    return [row for row in await session.execute(query) if row.id != exclude]


def item_source(item_id: int | None) -> str:
    """The ``source`` of the person events an item writes ("item12", read as 审批事项 #12); the column
    holds 10 characters, so an id beyond a million is recorded as "item" alone."""
    source = f"item{item_id}"
    return source if item_id is not None and len(source) <= 10 else "item"
