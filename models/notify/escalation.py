"""Escalation as data: the chain configuration (``config_entry['escalation.chain']``), the listed
warnings that may climb it with their unit's place in the tree, the paths of the units a chain is
set for, and recording a climb on the warning (``escalation_level``) and in its timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.tables import ConfigEntry
from models.notify.items import LISTED, ListedWarning
from models.staffing.tables import UNIT
from models.warnings.tables import WARNING as W
from models.warnings.tables import WARNING_EVENT as EVENT

CONFIG_KEY = "escalation.chain"
DEFAULT_CHAIN: dict[str, Any] = {
    "ack_workdays": 2,
    "default": [{"after": 1, "to": "unit", "label": "单位负责人"}, {"after": 3, "to": "parent", "label": "主管部门"},
                {"after": 5, "to": "office", "label": "编办"}],
    "by_unit": {},
}


async def chain_config(session: AsyncSession) -> dict[str, Any]:
    """The configured chain over the defaults (the defaults alone when none is configured)."""
    entry = await session.get(ConfigEntry, CONFIG_KEY)
    return {**DEFAULT_CHAIN, **(entry.value or {})} if entry else DEFAULT_CHAIN


@dataclass(frozen=True)
class Candidate(ListedWarning):
    """A listed warning with what decides how far it has climbed, and where its unit sits."""

    detected_on: date
    escalation_level: int
    path: str
    parent_id: int | None


async def candidates(session: AsyncSession) -> list[Candidate]:
    """Every listed warning, with its unit's name, path and parent."""
    query = (select(W.c.id, W.c.severity, W.c.rule_code, W.c.evidence, W.c.due_date, W.c.unit_id, W.c.status,
                    W.c.detected_on, W.c.escalation_level, UNIT.c.name.label("unit_name"),
                    UNIT.c.path, UNIT.c.parent_id)
             .join(UNIT, UNIT.c.id == W.c.unit_id).where(W.c.status.in_(LISTED)))
    return [Candidate(**row._mapping) for row in await session.execute(query)]


async def unit_paths(session: AsyncSession, *, codes: list[str]) -> list[tuple[str, str]]:
    """(code, path) of the units with these codes."""
    rows = await session.execute(select(UNIT.c.code, UNIT.c.path).where(UNIT.c.code.in_(codes)))
    return [(code, path) for code, path in rows]


@dataclass(frozen=True)
class Climb:
    """A warning reaching ``level`` of its chain, whose step is ``label`` (to ``to``)."""

    warning_id: int
    level: int
    label: str
    to: str


async def record_climbs(session: AsyncSession, *, climbs: list[Climb], at: datetime) -> None:
    """Set each warning's ``escalation_level`` and add an ``escalated`` event to its timeline."""
    for climb in climbs:
        await session.execute(update(W).where(W.c.id == climb.warning_id).values(escalation_level=climb.level))
    if climbs:
        await session.execute(insert(EVENT), [
            {"warning_id": c.warning_id, "at": at, "kind": "escalated", "actor": "system",
             "note": f"升级至{c.label}", "detail": {"level": c.level, "to": c.to}}
            for c in climbs])
