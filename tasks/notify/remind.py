"""Deadline reminders: 3 working days before, on the due day, and on the first overdue day.

Runs hourly in office hours on working days; every reminder has an idempotency key made of
target, group, day and stage, so a second run (or a second worker) adds nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.digest import Reminder, reminder_message
from models.core.calendar import load_calendar
from models.core.db import local_today, transaction, utcnow
from models.core.runtime import Runtime
from models.notify.audience import Covering, covering_targets
from models.notify.items import ListedWarning
from models.notify.outbox import existing_keys, queue
from models.notify.reminders import due_on
from models.notify.tables import Outbox
from tasks.notify.audience import group_key
from tasks.notify.cards import card_payload, link_maker
from tasks.notify.compose import max_bytes_of
from tasks.notify.items import to_item


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
        rows = await due_on(session, days=list(stages))
        groups = await _group(session, rows, stages, today, rt.settings.public_url)
        created = await _write(session, rt, groups, today, now)
        await session.flush()
        return [row.id for row in created if row.id is not None]


Groups = dict[tuple[int, str, str], dict[str, Any]]


async def _group(session: AsyncSession, rows: list[ListedWarning], stages: dict[date, str], today: date,
                 base_url: str) -> Groups:
    targets = await covering_targets(session, purpose="reminder", unit_ids=sorted({r.unit_id for r in rows}))
    by_unit: dict[int, list[Covering]] = defaultdict(list)
    for target in targets:
        by_unit[target.covered_unit_id].append(target)
    groups: Groups = {}
    for row in rows:
        assert row.due_date is not None  # rows are the warnings due on a stage's day
        for target in by_unit[row.unit_id]:
            key = (target.id, group_key(target, row.unit_id), stages[row.due_date])
            entry = groups.setdefault(key, {"target": target, "label": row.unit_name, "items": []})
            entry["items"].append(to_item(row, today, base_url))
            if key[1] == "all":
                entry["label"] = "辖区"
    return groups


async def _write(session: AsyncSession, rt: Runtime, groups: Groups, today: date, now: datetime) -> list[Outbox]:
    keys = {k: f"remind-t{k[0]}-{k[1]}-{today:%Y%m%d}-{k[2]}" for k in groups}
    existing = await existing_keys(session, keys=list(keys.values()))
    created = []
    for key, entry in groups.items():
        if keys[key] not in existing:
            created.append(await queue(session, row=_outbox(rt, key, entry, keys[key], now)))
    return created


def _outbox(rt: Runtime, key: tuple[int, str, str], entry: dict[str, Any], idempotency_key: str,
            now: datetime) -> Outbox:
    target, items = entry["target"], entry["items"]
    unit = key[1][1:] if key[1].startswith("u") else None
    link = f"{rt.settings.public_url}/warnings?via=chat" + (f"&unit={unit}" if unit else "")
    reminder = Reminder(entry["label"], key[2], items, link, links=link_maker(rt.settings, target, now),
                        card=idempotency_key)
    message = reminder_message(reminder, key=idempotency_key, max_bytes=max_bytes_of(target.kind))
    return Outbox(target_id=target.id, purpose="reminder", group_key=key[1], title=message.title,
                  body=message.body, link=message.link, idempotency_key=idempotency_key, urgent=message.urgent,
                  payload=card_payload(message, items), next_attempt_at=now,
                  warning_ids=[i.warning_id for i in items])
