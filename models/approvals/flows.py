"""Flows as data: the steps each item kind walks, per region, editable by an admin.

:func:`flow_for` answers the steps for a kind and a unit's region: the admin's row for the region
(the county's code, then its city's ``xxxx00``, then its province's ``xx0000``), else the admin's row
for everywhere (``region_code`` empty), else the kind's default steps shipped with the product.
:func:`save_flow` validates (1–10 steps, known roles, 或签/会签, 1–30 working days), bumps the row's
version and writes an audit row with the steps before and after, so every version can be read back.
An item copies its flow when it is submitted (``item.steps``): editing a flow never changes an item
in progress.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, require
from models.approvals.kind import KINDS, Step, kind_of
from models.approvals.labels import FLOW_ROLES, ROLE_LABELS
from models.approvals.tables import FLOW, Flow
from models.core import audit
from models.core.db import utcnow
from models.core.decision import Actor

MAX_STEPS, MAX_DAYS, MAX_NAME = 10, 30, 40


class FlowError(ValueError):
    """A flow that cannot be saved; ``str()`` is the Chinese reason."""


@dataclass(frozen=True)
class FlowView:
    """One kind's flow for one region as the admin's editor shows it."""

    kind: str
    kind_label: str
    region_code: str          # "" = everywhere
    steps: tuple[Step, ...]
    version: int              # 0 = the product's default, never edited
    updated_by: str | None
    updated_at: datetime | None


def region_candidates(region_code: str | None) -> list[str]:
    """Where to look for a unit's flow, nearest first: county, city, province, everywhere."""
    code = (region_code or "").strip()
    found = [code, f"{code[:4]}00", f"{code[:2]}0000"] if len(code) == 6 and code.isdigit() else []
    return list(dict.fromkeys([*found, ""]))


def parse_steps(data: Sequence[Mapping[str, Any] | Step]) -> tuple[Step, ...]:
    """Steps from stored or submitted data, validated; :class:`FlowError` names the first problem."""
    if not 1 <= len(data) <= MAX_STEPS:
        raise FlowError(f"流程须有 1 至 {MAX_STEPS} 个环节")
    return tuple(_step(i + 1, item) for i, item in enumerate(data))


def _step(number: int, item: Mapping[str, Any] | Step) -> Step:
    raw = item.as_data() if isinstance(item, Step) else dict(item)
    role, mode = str(raw.get("role") or ""), str(raw.get("mode") or "any")
    if role not in FLOW_ROLES:
        raise FlowError(f"第 {number} 个环节：审批角色须为{'、'.join(ROLE_LABELS.values())}之一")
    if mode not in ("any", "all"):
        raise FlowError(f"第 {number} 个环节：审批方式须为或签或会签")
    days = _days(number, raw.get("days"))
    name = str(raw.get("name") or "").strip() or ROLE_LABELS[role]
    if len(name) > MAX_NAME:
        raise FlowError(f"第 {number} 个环节：名称不超过 {MAX_NAME} 个字")
    return Step(name=name, role=role, mode=cast(Any, mode), days=days)


def _days(number: int, value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise FlowError(f"第 {number} 个环节：期限须为 1 至 {MAX_DAYS} 个工作日")
    return days


async def flow_for(session: AsyncSession, *, kind: str, region_code: str | None) -> tuple[Step, ...]:
    """The steps an item of ``kind`` filed by a unit of ``region_code`` walks (see the module doc)."""
    candidates = region_candidates(region_code)
    rows = {r.region_code: r.steps for r in await session.execute(
        select(FLOW.c.region_code, FLOW.c.steps).where(FLOW.c.kind == kind, FLOW.c.region_code.in_(candidates)))}
    for code in candidates:
        if code in rows:
            return parse_steps(rows[code])
    return kind_of(kind).steps


async def save_flow(session: AsyncSession, *, kind: str, region_code: str, steps: Sequence[Mapping[str, Any] | Step],
                    actor: Actor) -> int:
    """Save an admin's flow for ``kind`` in ``region_code`` ("" = everywhere); the new version."""
    require(actor.role, Action.EDIT_FLOWS)
    parsed, region = _checked(kind, region_code, steps)
    row = (await session.scalars(select(Flow).where(Flow.kind == kind, Flow.region_code == region)  # type: ignore[arg-type]
                                 .with_for_update())).first()
    before = list(row.steps) if row else [s.as_data() for s in kind_of(kind).steps]
    row = row or Flow(kind=kind, region_code=region, steps=[], version=0)
    row.steps, row.version = [s.as_data() for s in parsed], row.version + 1
    row.updated_by, row.updated_at = actor.login, utcnow()
    session.add(row)
    await session.flush()
    await audit.record(session, actor=actor.login, action="flow.save", object_type="flow",
                       object_id=f"{kind}:{region}"[:60], ip=actor.ip,
                       detail={"version": row.version, "before": before, "after": row.steps})
    return row.version


def _checked(kind: str, region_code: str, steps: Sequence[Mapping[str, Any] | Step]) -> tuple[tuple[Step, ...], str]:
    if kind not in KINDS:
        raise FlowError("没有这种事项")
    region = (region_code or "").strip()
    if region and not (len(region) == 6 and region.isdigit()):
        raise FlowError("行政区划代码须为 6 位数字，留空表示全部地区")
    return parse_steps(steps), region


async def reset_flow(session: AsyncSession, *, kind: str, region_code: str, actor: Actor) -> bool:
    """Drop an admin's flow so the region falls back to the wider one (or the default); audited."""
    require(actor.role, Action.EDIT_FLOWS)
    region = (region_code or "").strip()
    gone = await session.execute(delete(FLOW).where(FLOW.c.kind == kind, FLOW.c.region_code == region)
                                 .returning(FLOW.c.steps))
    before = gone.scalar()
    await audit.record(session, actor=actor.login, action="flow.reset", object_type="flow",
                       object_id=f"{kind}:{region}"[:60], ip=actor.ip, detail={"before": before})
    return before is not None


async def list_flows(session: AsyncSession) -> list[FlowView]:
    """Every registered kind's flow for everywhere (the default when never edited) and every regional row."""
    rows = (await session.execute(select(FLOW).order_by(FLOW.c.kind, FLOW.c.region_code))).all()
    edited = {(r.kind, r.region_code): r for r in rows if r.kind in KINDS}
    views = [_view(code, edited.get((code, ""))) for code in KINDS]
    views += [_view(kind, row) for (kind, region), row in edited.items() if region]
    return sorted(views, key=lambda v: (v.kind, v.region_code))


def _view(kind: str, row: Any) -> FlowView:
    label = kind_of(kind).label
    if row is None:
        return FlowView(kind, label, "", kind_of(kind).steps, 0, None, None)
    return FlowView(kind, label, row.region_code, parse_steps(row.steps), row.version, row.updated_by, row.updated_at)
