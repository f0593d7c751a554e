"""用编申请 / 空编补员计划: a unit asks to use N vacant posts of one establishment type.

The room (可用) of a unit and type is one figure, :func:`quota_room`, which the pre-check, the
portal and the benchmark share::

    可用 = 核定 − 在编 − 待入编 − 已批未用

在编 counts the records that occupy establishment (in_est with the type, whatever their 人员状态: the
predicate of rule C1 and the unit pages). An approved 用编 reserves its N posts until 入编 items use
them: each of its slots is first 已批未用, then 待入编 while a 入编 drawing on it is being decided,
then 在编 once that 入编 is approved — so a slot is counted exactly once wherever it stands.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Application, Figures, Kind, register
from models.approvals.kinds.common import (
    LEADER_DECIDES,
    LIVE,
    OFFICER_CHECK,
    count_field,
    est_type_field,
    refuse,
    text_field,
    type_label,
    unit_brief,
)
from models.approvals.tables import ITEM, Item
from models.core.bulk import is_postgres
from models.core.decision import Actor
from models.staffing.tables import PERSON, QUOTA
from models.staffing.units import occupies_establishment
from models.warnings.config import load_rules

USE_QUOTA, ENTER = "use_quota", "enter"


@dataclass(frozen=True)
class QuotaRoom:
    """The figures of one unit and type; ``approved`` None: the unit has no quota of the type."""

    est_type: str
    approved: int | None
    in_est: int
    pending_entries: int
    unused: int

    @property
    def room(self) -> int:
        return (self.approved or 0) - self.in_est - self.pending_entries - self.unused

    def sentence(self) -> str:
        return (f"{type_label(self.est_type)}核定 {self.approved or 0} 名，在编 {self.in_est} 名，"
                f"待入编 {self.pending_entries} 名，已批未用 {self.unused} 名，可用 {max(self.room, 0)} 名")

    def figures(self) -> Figures:
        return {"est_type": self.est_type, "approved": self.approved or 0, "in_est": self.in_est,
                "pending_entries": self.pending_entries, "unused": self.unused, "room": self.room}


@dataclass(frozen=True)
class Basis:
    """An approved 用编 and how its posts stand: used by approved 入编, claimed by undecided ones."""

    item_id: int
    est_type: str
    count: int
    used: int
    claimed: int

    @property
    def left(self) -> int:
        return max(self.count - self.used - self.claimed, 0)


async def quota_room(session: AsyncSession, unit_id: int, est_type: str, *, exclude_item: int | None = None,
                     lock: bool = False) -> QuotaRoom:
    """The room of ``unit_id`` for ``est_type`` (module docstring). ``exclude_item``: an item checked
    again, left out of every count; ``lock``: hold the quota row to the end of the transaction
    (PostgreSQL), so two decisions on the same unit and type cannot both take the last post."""
    approved = await _approved(session, unit_id, est_type, lock)
    in_est = await session.scalar(select(func.count()).select_from(PERSON).where(
        PERSON.c.unit_id == unit_id, occupies_establishment(), PERSON.c.est_type == est_type))
    bases = await bases_of(session, unit_id, est_type, exclude_item=exclude_item)
    return QuotaRoom(est_type, approved, int(in_est or 0), sum(b.claimed for b in bases), sum(b.left for b in bases))


async def _approved(session: AsyncSession, unit_id: int, est_type: str, lock: bool) -> int | None:
    query = select(QUOTA.c.approved).where(QUOTA.c.unit_id == unit_id, QUOTA.c.est_type == est_type)
    if lock and is_postgres(session):
        query = query.with_for_update()
    value = (await session.execute(query)).scalar_one_or_none()
    return None if value is None else int(value)


async def bases_of(session: AsyncSession, unit_id: int, est_type: str | None = None, *,
                   exclude_item: int | None = None, only: int | None = None) -> list[Basis]:
    """The unit's approved 用编 (of ``est_type``, or just item ``only``) with the 入编 drawing on them."""
    query = select(ITEM.c.id, ITEM.c.payload).where(ITEM.c.unit_id == unit_id, ITEM.c.status == "approved",
                                                    ITEM.c.kind == USE_QUOTA)
    if only is not None:
        query = query.where(ITEM.c.id == only)
    plans = {r.id: r.payload for r in await session.execute(query) if r.id != exclude_item
             and (est_type is None or r.payload.get("est_type") == est_type)}
    if not plans:
        return []
    entries = await session.execute(select(ITEM.c.id, ITEM.c.basis_id, ITEM.c.status).where(
        ITEM.c.unit_id == unit_id, ITEM.c.kind == ENTER, ITEM.c.basis_id.in_(plans),
        ITEM.c.status.in_(("approved", *LIVE))))
    used, claimed = Counter[int](), Counter[int]()
    for entry in entries:
        if entry.id != exclude_item:
            (used if entry.status == "approved" else claimed)[entry.basis_id] += 1
    return [Basis(i, str(p.get("est_type")), int(p.get("count") or 0), used[i], claimed[i]) for i, p in plans.items()]


async def type_allowed(session: AsyncSession, *, unit_kind: str, unit_name: str, est_type: str) -> bool:
    """Whether the unit's kind may use the type, by rule C4's matrix as an admin configured it."""
    params: dict[str, Any] = next(r.params for r in await load_rules(session) if r.code == "C4_MIXED")
    if est_type in params["allowed"].get(unit_kind, []):
        return True
    return unit_kind == "gov" and est_type == "ZF" and any(k in unit_name for k in params["zf_gov_keywords"])


async def check_type(session: AsyncSession, unit_id: int, est_type: str) -> None:
    """Refuse a type the unit may not use: no quota of it, or not allowed for its kind (混编)."""
    unit = await unit_brief(session, unit_id)
    if not await type_allowed(session, unit_kind=unit.kind, unit_name=unit.name, est_type=est_type):
        refuse(f"{unit.name}的机构类别不能使用{type_label(est_type)}（混编混岗）")
    approved = await session.scalar(select(QUOTA.c.approved).where(QUOTA.c.unit_id == unit_id,
                                                                   QUOTA.c.est_type == est_type))
    if not approved:
        refuse(f"{unit.name}未核定{type_label(est_type)}，不能使用该类型编制")


async def check(session: AsyncSession, application: Application, today: date) -> Figures:
    payload = application.payload
    est_type = est_type_field(payload)
    count = count_field(payload, "count", "申请用编数")
    text_field(payload, "reason", "用编理由", max_len=500)
    await check_type(session, application.unit_id, est_type)
    room = await quota_room(session, application.unit_id, est_type, exclude_item=application.item_id, lock=True)
    figures = {**room.figures(), "count": count}
    if count > room.room:
        refuse(f"超出核定编制：{room.sentence()}，本次申请 {count} 名", figures)
    return {**figures, "room_after": room.room - count}


async def apply(session: AsyncSession, item: Item, _actor: Actor) -> Figures:
    """Nothing changes in the records: the approved 用编 now reserves its posts (已批未用)."""
    est_type, count = str(item.payload["est_type"]), int(item.payload["count"])
    others = await quota_room(session, item.unit_id, est_type, exclude_item=item.id)
    after = replace(others, unused=others.unused + count)  # this plan's posts, now reserved
    return {**after.figures(), "count": count}


USE_QUOTA_KIND = register(Kind(USE_QUOTA, "用编申请", (OFFICER_CHECK, LEADER_DECIDES), check, apply, holdable=True))
