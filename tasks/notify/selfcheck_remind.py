"""Self-check reminders (自查提醒): on the month's reminder days (``models.selfcheck.reminders``) every
unit behind on its counting checks hears it through its own channels (``reminder`` targets bound to
the unit) and its stewards' personal SMS targets, once.

Runs in the hourly reminder cron (``tasks.worker.remind_and_escalate``). Each row's idempotency key
names the reminder day, the unit and the target, so later runs that day (or a second worker) add
nothing: at most one reminder per unit and channel per reminder day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.selfcheck_notices import selfcheck_reminder
from models.core.calendar import load_calendar
from models.core.db import local_today, transaction, utcnow
from models.core.runtime import Runtime
from models.notify.audience import TargetRef, personal_targets
from models.notify.outbox import existing_keys, queue
from models.notify.tables import Outbox
from models.selfcheck.reminders import REMINDER_WORDS, BehindUnit, reminder_kind, units_behind
from tasks.notify.task_notices import PURPOSE, unit_channels


async def write_selfcheck_reminders(rt: Runtime, today: date | None = None, now: datetime | None = None) -> list[int]:
    """Write today's self-check reminders not written yet; returns the new outbox ids."""
    today, now = today or local_today(rt.settings.tz), now or utcnow()
    async with transaction(rt.sessions) as session:
        kind = reminder_kind(today, await load_calendar(session))
        if kind is None:
            return []
        month = f"{today:%Y-%m}"
        behind = await units_behind(session, month=month, required=rt.settings.selfcheck_min_per_month)
        created = []
        for unit in behind:
            created += await _remind(session, rt, unit, kind, month, today, now)
        await session.flush()
        return [row.id for row in created if row.id is not None]


async def _channels(session: AsyncSession, unit: BehindUnit) -> list[TargetRef]:
    """The unit's own reminder targets, and its stewards' personal SMS targets, each once."""
    own = (await unit_channels(session, [unit.unit_id])).get(unit.unit_id, [])
    found: dict[int, TargetRef] = {t.id: t for t in own}
    for login in unit.stewards:
        found.update({t.id: t for t in await personal_targets(session, login=login) if t.kind == "sms"})
    return list(found.values())


async def _remind(session: AsyncSession, rt: Runtime, unit: BehindUnit, kind: str, month: str, today: date,
                  now: datetime) -> list[Outbox]:
    targets = await _channels(session, unit)
    base = f"selfcheck-remind-{today:%Y%m%d}-u{unit.unit_id}"
    done = await existing_keys(session, keys=[f"{base}-t{t.id}" for t in targets])
    message = selfcheck_reminder(unit.unit_name, done=unit.done, required=rt.settings.selfcheck_min_per_month,
                                 month=month, when=REMINDER_WORDS[kind], key=base,
                                 link=f"{rt.settings.public_url}/selfcheck?via=chat")
    return [await queue(session, row=Outbox(
        target_id=t.id, purpose=PURPOSE, group_key=f"u{unit.unit_id}", title=message.title, body=message.body,
        link=message.link, idempotency_key=f"{base}-t{t.id}", next_attempt_at=now,
        payload={"template_params": message.template_params})) for t in targets if f"{base}-t{t.id}" not in done]
