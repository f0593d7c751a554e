"""The guided pass: start, open a section, confirm it (or say how many rows were corrected), finish.

Every move after the start goes through the decision step on the check's version, so a double tap
acts once. Starting is an insert: a unit has at most one check in progress (``open_unit`` is unique),
so a second 开始自查 — a double tap or a colleague at the same time — returns the check already open.
A section can be confirmed only after it was opened; a check may be finished any time, and one whose
sections were not all opened is recorded but does not count (:mod:`models.selfcheck.counting`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, require
from models.core import audit
from models.core.db import utcnow
from models.core.decision import Actor, Conflict, Decision, DecisionError, Lifecycle, Move, decide
from models.selfcheck.counting import CheckSummary, counting_verdict, month_of, summary_of
from models.selfcheck.sections import SECTION_KEYS
from models.selfcheck.tables import SELF_CHECK as C
from models.selfcheck.tables import SELF_CHECK_EVENT as EVENT
from models.staffing.scope import Scope
from models.staffing.tables import UNIT
from models.staffing.units import unit_in_scope

NOTE_MAX, FIXED_MAX = 500, 10000
LIFECYCLE = Lifecycle(
    table=C, timeline=EVENT, key="check_id", object_type="self_check",
    stale="本次自查已在别处更新，请刷新后查看", wrong_state="本次自查已结束，不能再修改",
    moves={"open": Move(("in_progress",), "in_progress", "opened"),
           "confirm": Move(("in_progress",), "in_progress", "confirmed"),
           "finish": Move(("in_progress",), "finished", "finished"),
           "abandon": Move(("in_progress",), "abandoned", "abandoned")})


@dataclass(frozen=True)
class CheckView:
    """One check as its pages read it: the summary, the unit's name, the sections' records and the version."""

    summary: CheckSummary
    unit_name: str
    sections: dict[str, dict[str, Any]]
    version: int

    @property
    def id(self) -> int:
        return self.summary.id

    def opened(self, key: str) -> bool:
        return bool(self.sections.get(key, {}).get("opened_at"))

    def done(self, key: str) -> bool:
        return bool(self.sections.get(key, {}).get("confirmed"))

    @property
    def all_opened(self) -> bool:
        return all(self.opened(key) for key in SECTION_KEYS)


async def check_in_scope(session: AsyncSession, *, scope: Scope, check_id: int) -> CheckView | None:
    """The check if its unit is inside ``scope``; None answers 404."""
    query = (select(C, UNIT.c.name.label("unit_name")).join(UNIT, UNIT.c.id == C.c.unit_id)
             .where(C.c.id == check_id, scope.condition()))
    row = (await session.execute(query)).mappings().first()
    if row is None:
        return None
    return CheckView(summary_of(row), row["unit_name"], dict(row["sections"] or {}), row["version"])


async def open_check_id(session: AsyncSession, *, unit_id: int) -> int | None:
    return await session.scalar(select(C.c.id).where(C.c.open_unit == unit_id))


async def start(session: AsyncSession, *, unit_id: int, actor: Actor, scope: Scope, tz: str,
                now: datetime | None = None) -> int:
    """Start a check of the unit (or return the one in progress); LookupError when outside the scope.
    ``now`` is for the demo and tests, which write checks of earlier days."""
    require(actor.role, Action.SELF_CHECK)
    if await unit_in_scope(session, scope=scope, unit_id=unit_id) is None:
        raise LookupError(unit_id)
    existing = await open_check_id(session, unit_id=unit_id)
    if existing is not None:
        return existing
    now = now or utcnow()
    try:
        async with session.begin_nested():
            check_id = int((await session.execute(insert(C).values(
                unit_id=unit_id, open_unit=unit_id, login=actor.login, month=month_of(now, tz), started_at=now,
                status="in_progress", sections={}, counts=False, version=1, updated_at=now)
                .returning(C.c.id))).scalar_one())
    except IntegrityError:  # someone started one in between: theirs is the unit's check
        return int(await open_check_id(session, unit_id=unit_id) or 0)
    await _started(session, check_id, unit_id, actor, now)
    return check_id


async def _started(session: AsyncSession, check_id: int, unit_id: int, actor: Actor, now: datetime) -> None:
    await session.execute(insert(EVENT).values(check_id=check_id, at=now, kind="started", actor=actor.login))
    await audit.record(session, actor=actor.login, action="self_check.started", object_type="self_check",
                       object_id=check_id, detail={"unit_id": unit_id}, ip=actor.ip)


def _section(check: CheckView, key: str) -> dict[str, Any]:
    if key not in SECTION_KEYS:
        raise DecisionError("没有这一项自查内容")
    return dict(check.sections.get(key, {}))


async def open_section(session: AsyncSession, check: CheckView, key: str, actor: Actor) -> None:
    """Record that the steward opened section ``key`` (once: opening it again changes nothing)."""
    require(actor.role, Action.SELF_CHECK)
    section = _section(check, key)
    if section.get("opened_at"):
        return
    section["opened_at"] = utcnow().isoformat()
    sections = {**check.sections, key: section}
    try:
        await decide(session, LIFECYCLE, Decision("open", check.id, check.version, check.summary.status, actor,
                                                  values={"sections": sections}, detail={"section": key}))
    except Conflict:  # a double tap: the other tap opened it, unless something else changed the row
        fresh = await _fresh(session, check)
        if not fresh.opened(key):
            await open_section(session, fresh, key, actor)


async def _fresh(session: AsyncSession, check: CheckView) -> CheckView:
    found = await check_in_scope(session, scope=Scope(everything=True), check_id=check.id)
    if found is None:
        raise LookupError(check.id)
    return found


def parse_fixed(text: str | int | None) -> int:
    """How many rows the steward says were corrected: blank is 0, else a whole number."""
    value = str(text if text is not None else "").strip()
    if not value:
        return 0
    if not value.isdigit() or int(value) > FIXED_MAX:
        raise DecisionError("已更正条数应为0或正整数")
    return int(value)


async def confirm_section(session: AsyncSession, check: CheckView, key: str, actor: Actor, *, version: int,
                          fixed: int = 0, note: str = "") -> None:
    """确认无误 (fixed 0) or 已更正 N 条, with an optional note; refused for a section never opened."""
    require(actor.role, Action.SELF_CHECK)
    section = _section(check, key)
    if not section.get("opened_at"):
        raise DecisionError("请先点“查看”逐条看过本项内容，再确认")
    note = note.strip()[:NOTE_MAX]
    section.update(confirmed=True, fixed=fixed, note=note)
    await decide(session, LIFECYCLE, Decision(
        "confirm", check.id, version, check.summary.status, actor, note=note or None,
        values={"sections": {**check.sections, key: section}}, detail={"section": key, "fixed": fixed}))


async def finish(session: AsyncSession, check: CheckView, actor: Actor, *, version: int, tz: str,
                 min_days_apart: int, now: datetime | None = None) -> None:
    """完成自查: record who, when and how long; decide now whether it counts for the month."""
    require(actor.role, Action.SELF_CHECK)
    now = now or utcnow()
    month = month_of(now, tz)
    reason = await counting_verdict(session, unit_id=check.summary.unit_id, month=month,
                                    finished_on=_local_day(now, tz), all_opened=check.all_opened,
                                    min_days_apart=min_days_apart, tz=tz)
    values = {"finished_at": now, "month": month, "counts": reason is None, "not_counted": reason, "open_unit": None,
              "duration_s": max(int((now - check.summary.started_at).total_seconds()), 0)}
    await decide(session, LIFECYCLE, Decision("finish", check.id, version, check.summary.status, actor,
                                              note=reason, values=values, detail={"counts": reason is None}))


def _local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


async def abandon(session: AsyncSession, check: CheckView, actor: Actor, *, version: int) -> None:
    """放弃本次自查: the unit may start afresh; nothing counts."""
    require(actor.role, Action.SELF_CHECK)
    await decide(session, LIFECYCLE, Decision("abandon", check.id, version, check.summary.status, actor,
                                              values={"open_unit": None}))


async def unit_history(session: AsyncSession, *, unit_id: int, limit: int = 24) -> list[CheckSummary]:
    """The unit's checks, newest first."""
    query = select(C).where(C.c.unit_id == unit_id).order_by(C.c.started_at.desc(), C.c.id.desc()).limit(limit)
    return [summary_of(row) for row in (await session.execute(query)).mappings()]


async def previous_finish(session: AsyncSession, *, unit_id: int, before: datetime) -> datetime | None:
    """When the unit last finished a check before ``before``: the 变动 section lists changes since then."""
    query = select(func.max(C.c.finished_at)).where(C.c.unit_id == unit_id, C.c.status == "finished",
                                                    C.c.finished_at < before)
    found: datetime | None = await session.scalar(query)
    return found
