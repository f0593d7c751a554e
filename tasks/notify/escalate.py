"""Escalation up the administrative hierarchy for what stays overdue or unacknowledged.

The chain is data (``config_entry['escalation.chain']``): steps with a number of working days
overdue and an audience — ``unit`` (escalation targets bound to the unit itself, e.g. the unit
leader), ``parent`` (bound to the 主管部门, the parent unit) and ``office`` (the nearest 编办
target whose subtree covers the unit). A chain may be set per region root (unit code); the
deepest matching root wins. A severe (S1) warning nobody acknowledged within ``ack_workdays``
counts as at least the first step. Each warning climbs one level at a time, recorded on the
warning (``escalation_level``) and in its timeline, in the same transaction as the messages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.digest import Reminder, reminder_message
from models.core.calendar import load_calendar
from models.core.db import local_today, transaction, utcnow
from models.core.runtime import Runtime
from models.core.workdays import WorkCalendar
from models.notify.audience import Placed, targets_of
from models.notify.escalation import Candidate, Climb, candidates, chain_config, record_climbs, unit_paths
from models.notify.outbox import has_key, queue
from models.notify.tables import Outbox
from tasks.notify.compose import max_bytes_of
from tasks.notify.items import to_item

Raised = list[tuple[Candidate, dict[str, Any]]]


def level_of(row: Candidate, steps: list[dict[str, Any]], ack_days: int, today: date, calendar: WorkCalendar) -> int:
    """How many steps of the chain a warning has reached today."""
    overdue = calendar.workdays_between(row.due_date, today)[0] if row.due_date and row.due_date < today else 0
    level = sum(1 for step in steps if overdue >= step["after"])
    unacknowledged = row.severity == "S1" and row.status == "open"
    if unacknowledged and calendar.workdays_between(row.detected_on, today)[0] >= ack_days:
        level = max(level, 1)
    return min(level, len(steps))


async def escalate(rt: Runtime, today: date | None = None, now: datetime | None = None) -> list[int]:
    """Raise what is due a level; returns the new outbox ids."""
    today, now = today or local_today(rt.settings.tz), now or utcnow()
    async with transaction(rt.sessions) as session:
        calendar = await load_calendar(session)
        if not calendar.is_workday(today)[0]:
            return []
        config = await chain_config(session)
        raised = await _raised(session, config, today, calendar)
        created = await _notify(session, rt, raised, today, now)
        await session.flush()
        return [row.id for row in created if row.id is not None]


async def _chain_roots(session: AsyncSession, config: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    codes = list(config.get("by_unit", {}))
    roots = [(path, config["by_unit"][code]) for code, path in await unit_paths(session, codes=codes)]
    return sorted(roots, key=lambda r: -len(r[0]))


async def _raised(session: AsyncSession, config: dict[str, Any], today: date,
                  calendar: WorkCalendar) -> Raised:
    roots = await _chain_roots(session, config)
    raised = []
    for row in await candidates(session):
        steps = next((chain for path, chain in roots if row.path.startswith(path)), config["default"])
        level = level_of(row, steps, config.get("ack_workdays", 2), today, calendar)
        if level > row.escalation_level:
            raised.append((row, {**steps[level - 1], "level": level}))
    await _record(session, raised)
    return raised


async def _record(session: AsyncSession, raised: Raised) -> None:
    climbs = [Climb(row.id, step["level"], step["label"], step["to"]) for row, step in raised]
    await record_climbs(session, climbs=climbs, at=utcnow())


async def _notify(session: AsyncSession, rt: Runtime, raised: Raised, today: date, now: datetime) -> list[Outbox]:
    targets = await targets_of(session, purpose="escalation")
    groups: dict[int, dict[str, Any]] = {}
    for row, step in raised:
        for target in _audience(targets, row, step["to"]):
            entry = groups.setdefault(target.id, {"target": target, "items": []})
            entry["items"].append(to_item(row, today, rt.settings.public_url))
    created = []
    for target_id, entry in groups.items():
        ids = sorted(i.warning_id for i in entry["items"])
        key = f"esc-t{target_id}-{today:%Y%m%d}-{abs(hash(tuple(ids))) % 10**8}"
        if not await has_key(session, key=key):
            created.append(await queue(session, row=_outbox(rt, entry, key, now)))
    return created


def _audience(targets: list[Placed], row: Candidate, to: str) -> list[Placed]:
    """The targets a step reaches: bound to the unit, to its parent, or the nearest covering office."""
    if to == "unit":
        return [t for t in targets if t.unit_id == row.unit_id and not t.subtree]
    if to == "parent":
        return [t for t in targets if row.parent_id is not None and t.unit_id == row.parent_id]
    offices = [t for t in targets if t.subtree and row.path.startswith(t.target_path or "/")]
    deepest = max((t.target_depth or 0 for t in offices), default=None)
    return [t for t in offices if (t.target_depth or 0) == deepest]


def _outbox(rt: Runtime, entry: dict[str, Any], key: str, now: datetime) -> Outbox:
    target, items = entry["target"], entry["items"]
    units = {i.unit_name for i in items}
    label = next(iter(units)) if len(units) == 1 else f"{len(units)}个单位"
    reminder = Reminder(label, "escalated", items, f"{rt.settings.public_url}/warnings?overdue=1&via=chat")
    message = reminder_message(reminder, key=key, max_bytes=max_bytes_of(target.kind))
    return Outbox(target_id=target.id, purpose="escalation", title=message.title, body=message.body,
                  link=message.link, idempotency_key=key, urgent=True,
                  payload={"template_params": message.template_params}, next_attempt_at=now,
                  warning_ids=[i.warning_id for i in items])

