"""Deadline reminders: 3 working days before, on the due day, and on the first overdue day.

Runs hourly in office hours on working days; every reminder has an idempotency key made of
target, group, day and stage, so a second run (or a second worker) adds nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.digest import Reminder, reminder_message
from models.core.calendar import load_calendar
from models.core.db import local_today, transaction, utcnow
from models.core.runtime import Runtime
from models.notify.tables import Outbox
from models.staffing.tables import UNIT
from models.warnings.tables import WARNING as W
from tasks.notify.audience import covering_targets, group_key
from tasks.notify.compose import max_bytes_of
from tasks.notify.items import LISTED, to_item


async def stage_dates(session: AsyncSession, today: date) -> dict[date, str] | None:
    """{due date: stage} for today, or None on a day off (reminders wait for a working day)."""
    calendar = await load_calendar(session)
    if not calendar.is_workday(today)[0]:
        return None
    return {calendar.add_workdays(today, 3)[0]: "soon", today: "today", calendar.add_workdays(today, -1)[0]: "overdue"}


async def write_reminders(rt: Runtime, today: date | None = None, now: datetime | None = None) -> list[int]:
    """Write the reminders due today that are not written yet; returns the new outbox ids."""
    today, now = today or local_today(rt.settings.tz), now or utcnow()
    async with transaction(rt.sessions) as session:
        stages = await stage_dates(session, today)
        if stages is None:
            return []
        rows = list((await session.execute(_due_warnings(list(stages)))).all())
        groups = await _group(session, rows, stages, today)
        created = await _write(session, rt, groups, today, now)
        await session.flush()
        return [row.id for row in created if row.id is not None]


def _due_warnings(days: list[date]) -> Any:
    return (select(W.c.id, W.c.severity, W.c.rule_code, W.c.evidence, W.c.due_date, W.c.unit_id,
                   UNIT.c.name.label("unit_name"))
            .join(UNIT, UNIT.c.id == W.c.unit_id).where(W.c.status.in_(LISTED), W.c.due_date.in_(days)))


Groups = dict[tuple[int, str, str], dict[str, Any]]


async def _group(session: AsyncSession, rows: list[Any], stages: dict[date, str], today: date) -> Groups:
    targets = await covering_targets(session, "reminder", sorted({r.unit_id for r in rows}))
    by_unit: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for target in targets:
        by_unit[target["covered_unit_id"]].append(target)
    groups: Groups = {}
    for row in rows:
        for target in by_unit[row.unit_id]:
            key = (target["id"], group_key(target, row.unit_id), stages[row.due_date])
            entry = groups.setdefault(key, {"target": target, "label": row.unit_name, "items": []})
            entry["items"].append(to_item(row, today))
            if key[1] == "all":
                entry["label"] = "辖区"
    return groups


async def _write(session: AsyncSession, rt: Runtime, groups: Groups, today: date, now: datetime) -> list[Outbox]:
    keys = {k: f"remind-t{k[0]}-{k[1]}-{today:%Y%m%d}-{k[2]}" for k in groups}
    existing = set((await session.scalars(select(col(Outbox.idempotency_key)).where(
        col(Outbox.idempotency_key).in_(list(keys.values()))))).all())
    created = []
    for key, entry in groups.items():
        if keys[key] not in existing:
            created.append(_outbox(rt, key, entry, keys[key], now))
            session.add(created[-1])
    return created


def _outbox(rt: Runtime, key: tuple[int, str, str], entry: dict[str, Any], idempotency_key: str,
            now: datetime) -> Outbox:
    target, items = entry["target"], entry["items"]
    unit = key[1][1:] if key[1].startswith("u") else None
    link = f"{rt.settings.public_url}/warnings?via=chat" + (f"&unit={unit}" if unit else "")
    reminder = Reminder(entry["label"], key[2], items, link)
    message = reminder_message(reminder, key=idempotency_key, max_bytes=max_bytes_of(target["kind"]))
    return Outbox(target_id=target["id"], purpose="reminder", group_key=key[1], title=message.title,
                  body=message.body, link=message.link, idempotency_key=idempotency_key, urgent=message.urgent,
                  payload={"template_params": message.template_params}, next_attempt_at=now,
                  warning_ids=[i.warning_id for i in items])
