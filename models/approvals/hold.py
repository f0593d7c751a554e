"""暂缓审批: new 用编 / 入编 items of a unit with overdue S1 rectifications wait, with the reason shown.

A holdable kind's item is stored ``held`` with :func:`hold_reason`'s sentence instead of entering
its flow (at submission and at resubmission). The path out is either side of the reason: the unit
finishes its rectifications (整改销号) and files again, or an officer whose scope covers the unit
releases the item with a note (:func:`lift_hold`), which starts its flow at step 0.

三色管理: a unit whose latest monthly colour is red (``models.colours``) also holds its new 用编 and
用职 (任免 takes a 职数) items until the colour's ``hold_until``; the reason names the month and the way out.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Kind
from models.colours.query import red_hold
from models.core.decision import Actor
from models.core.enums import Role
from models.warnings.query import overdue_condition
from models.warnings.rules.catalogue import CATALOGUE
from models.warnings.tables import WARNING as W

SHOWN_RULES = 3
RED_HOLD_KINDS = frozenset({"use_quota", "appoint"})  # 用编, 用职: what a red unit may not start


async def hold_reason(session: AsyncSession, unit_id: int, today: date, *, kind: Kind | None = None) -> str | None:
    """Why a new item of ``kind`` (None: any holdable kind) must wait, or None: the unit's overdue S1
    warnings (holdable kinds) and its red colour (用编 / 用职), both sentences when both apply."""
    reasons = [await _overdue_reason(session, unit_id, today) if kind is None or kind.holdable else None,
               await _red_reason(session, unit_id, today) if kind is not None and kind.code in RED_HOLD_KINDS
               else None]
    return "".join(r for r in reasons if r)[:500] or None  # the column holds 500


async def _red_reason(session: AsyncSession, unit_id: int, today: date) -> str | None:
    red = await red_hold(session, unit_id=unit_id, today=today)
    if red is None or red.hold_until is None:
        return None
    why = "；".join(r["text"] for r in red.reasons if r["colour"] == "red")
    until = f"{red.hold_until.year}年{red.hold_until.month}月{red.hold_until.day}日"
    return (f"该单位{red.month_label}被评为红色单位（{why}），新的用编、用职事项暂缓审批至 {until}。"
            "整改后下月评定转为黄色或绿色即可正常提交，或由编办科室审核后解除暂缓。")


async def _overdue_reason(session: AsyncSession, unit_id: int, today: date) -> str | None:
    rows = (await session.execute(
        select(W.c.rule_code, func.count().label("n"), func.min(W.c.due_date).label("first_due"))
        .where(W.c.unit_id == unit_id, W.c.severity == "S1", overdue_condition(today))
        .group_by(W.c.rule_code).order_by(func.count().desc(), W.c.rule_code))).all()
    if not rows:
        return None
    total, first = sum(r.n for r in rows), min(r.first_due for r in rows)
    titles = "、".join(_title(r.rule_code) for r in rows[:SHOWN_RULES]) + ("等" if len(rows) > SHOWN_RULES else "")
    since = f"{first.year}年{first.month}月{first.day}日"
    return (f"该单位有 {total} 条严重预警逾期未整改（{titles}，最早于 {since}到期），"
            "新的用编、入编事项暂缓审批。完成整改销号后可重新提交，或由编办科室审核后解除暂缓。")


def _title(code: str) -> str:
    rule = CATALOGUE.get(code)
    return rule.title if rule else "其他问题"


def may_lift(actor: Actor) -> bool:
    """Officers of the 编办 (and admins) release held items: the office that set the rectifications."""
    return actor.role in (Role.OFFICER, Role.ADMIN)
