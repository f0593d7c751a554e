"""The six sections of a self-check, each a reader of the unit's data returning frozen rows in words.

A row names what it is about (``link_kind``: warning, person or unit, and its id) so the portal can
link it to where it is corrected (a warning's page and 更正 form, a person's record, the unit page
and its 用编/核职 items); ``attention`` marks rows that look wrong. Rows are capped per section
(``more`` says how many were left out): a steward reads a screen, not a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.enums import EstType, label
from models.staffing.bodies import unit_posts
from models.staffing.person_detail import FIELD_LABELS, KIND_LABELS
from models.staffing.retirement import add_months_clamped
from models.staffing.scope import Scope
from models.staffing.tables import PERSON
from models.staffing.tables import PERSON_EVENT as EVENT
from models.staffing.units import quota_vs_actual
from models.warnings.quality import indicator_set
from models.warnings.query import WarningFilter, count_warnings, list_warnings

ROW_LIMIT = 50
SECTION_TITLES: dict[str, str] = {
    "warnings": "未处理预警", "incomplete": "信息不完整人员", "quotas": "编制核定与实有",
    "posts": "领导职数核定与实配", "changes": "上次自查以来的变动", "retirement": "即将退休人员",
}
SECTION_KEYS = tuple(SECTION_TITLES)
POST_LABELS = {("unit", "chief"): "单位领导正职", ("unit", "deputy"): "单位领导副职",
               ("internal", "chief"): "内设机构领导正职", ("internal", "deputy"): "内设机构领导副职"}


@dataclass(frozen=True)
class SectionRow:
    text: str
    detail: str
    link_kind: str  # warning / person / unit
    link_id: int
    attention: bool = False


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    rows: tuple[SectionRow, ...]
    more: int = 0

    @property
    def attention(self) -> int:
        return sum(1 for r in self.rows if r.attention) + self.more


@dataclass(frozen=True)
class SectionContext:
    """What every section reader needs: the unit, the reader's scope, today and since when to list changes."""

    unit_id: int
    scope: Scope
    today: date
    since: datetime | None
    retire_months: int


def _view(key: str, rows: list[SectionRow], total: int | None = None) -> SectionView:
    shown = tuple(rows[:ROW_LIMIT])
    return SectionView(key, SECTION_TITLES[key], shown, max((total or len(rows)) - len(shown), 0))


async def _warnings(session: AsyncSession, ctx: SectionContext) -> SectionView:
    filters = WarningFilter(unit_id=ctx.unit_id)
    found = await list_warnings(session, scope=ctx.scope, filters=filters, today=ctx.today, limit=ROW_LIMIT)
    total = await count_warnings(session, scope=ctx.scope, filters=filters, today=ctx.today)
    rows = [SectionRow(w.title, f"{w.summary}（{w.status_label}{'，已超期' if w.overdue else ''}）", "warning", w.id,
                       True) for w in found]
    return _view("warnings", rows, total)


async def _incomplete(session: AsyncSession, ctx: SectionContext) -> SectionView:
    fields = [i["field"] for i in await indicator_set(session) if i["target"] == "person" and i["field"] in PERSON.c]
    if not fields:
        return _view("incomplete", [])
    empty = or_(*(PERSON.c[f].is_(None) for f in fields))
    query = (select(PERSON.c.id, PERSON.c.name, *(PERSON.c[f] for f in fields))
             .where(PERSON.c.unit_id == ctx.unit_id, PERSON.c.in_est.is_(True), PERSON.c.status == "active", empty)
             .order_by(PERSON.c.name, PERSON.c.id))
    rows = []
    for row in (await session.execute(query.limit(ROW_LIMIT))).mappings():
        missing = "、".join(_field_title(f) for f in fields if row[f] is None)
        rows.append(SectionRow(row["name"], f"缺少：{missing}", "person", row["id"], True))
    return _view("incomplete", rows, await _count(session, query))


async def _count(session: AsyncSession, query: Select[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _field_title(field: str) -> str:
    return FIELD_LABELS.get(field.removesuffix("_hash"), "其他信息")


async def _quotas(session: AsyncSession, ctx: SectionContext) -> SectionView:
    rows = [SectionRow(label(EstType, t), f"核定 {approved} 名，实有 {actual} 名"
                       + ("，超编" if actual > approved else ""), "unit", ctx.unit_id, actual > approved)
            for t, (approved, actual) in (await quota_vs_actual(session, unit_id=ctx.unit_id)).items()]
    return _view("quotas", rows)


async def _posts(session: AsyncSession, ctx: SectionContext) -> SectionView:
    rows = []
    for scope in ("unit", "internal"):
        room = await unit_posts(session, unit_id=ctx.unit_id, scope=scope)
        for rank in ("chief", "deputy"):
            approved, held = room.approved(rank) or 0, room.held(rank)
            if approved or held:
                rows.append(SectionRow(POST_LABELS[(scope, rank)], f"核定 {approved} 名，实配 {held} 名"
                                       + ("，超职数" if held > approved else ""), "unit", ctx.unit_id, held > approved))
    return _view("posts", rows)


async def _changes(session: AsyncSession, ctx: SectionContext) -> SectionView:
    since = ctx.since or datetime.combine(ctx.today - timedelta(days=30), time(), tzinfo=UTC)
    query = (select(EVENT.c.person_id, EVENT.c.at, EVENT.c.kind, EVENT.c.changes, PERSON.c.name)
             .join(PERSON, PERSON.c.id == EVENT.c.person_id)
             .where(PERSON.c.unit_id == ctx.unit_id, EVENT.c.at > since).order_by(EVENT.c.id.desc()))
    rows = [SectionRow(r.name, f"{KIND_LABELS.get(r.kind, '变更')}：{_changed(r.changes)}", "person", r.person_id)
            for r in await session.execute(query.limit(ROW_LIMIT))]
    return _view("changes", rows, await _count(session, query))


def _changed(changes: dict[str, object] | None) -> str:
    names = [FIELD_LABELS.get(name, "其他信息") for name in (changes or {})]
    return "、".join(dict.fromkeys(names)) or "建档"


async def _retirement(session: AsyncSession, ctx: SectionContext) -> SectionView:
    horizon = add_months_clamped(ctx.today, ctx.retire_months)
    query = (select(PERSON.c.id, PERSON.c.name, PERSON.c.retire_on)
             .where(PERSON.c.unit_id == ctx.unit_id, PERSON.c.in_est.is_(True), PERSON.c.status == "active",
                    PERSON.c.retire_on.is_not(None), PERSON.c.retire_on <= horizon)
             .order_by(PERSON.c.retire_on, PERSON.c.id))
    rows = [SectionRow(r.name, _retire_words(r.retire_on, ctx.today), "person", r.id, r.retire_on <= ctx.today)
            for r in await session.execute(query.limit(ROW_LIMIT))]
    return _view("retirement", rows, await _count(session, query))


def _retire_words(day: date, today: date) -> str:
    words = f"{day.year}年{day.month}月{day.day}日"
    return f"已于{words}达到退休年龄，尚未办理退休" if day <= today else f"将于{words}达到退休年龄"


READERS: dict[str, Callable[[AsyncSession, SectionContext], Awaitable[SectionView]]] = {
    "warnings": _warnings, "incomplete": _incomplete, "quotas": _quotas, "posts": _posts, "changes": _changes,
    "retirement": _retirement,
}


async def read_section(session: AsyncSession, key: str, ctx: SectionContext) -> SectionView:
    """One section of the unit's data; KeyError for an unknown key."""
    return await READERS[key](session, ctx)
