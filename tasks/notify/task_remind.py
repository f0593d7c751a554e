"""Task reminders (任务流转): each working day, every unit that still owes feedback on a task due
within ``task_remind_workdays`` working days, or overdue, hears it once, in one message per
channel listing all such tasks.

Runs in the hourly reminder cron (``tasks.worker.remind_and_escalate``). The idempotency key names
the channel and the day, so later runs that day, or a second worker, add nothing: at most one
reminder per unit and channel per day. Days off send nothing (a deadline on a weekend is reminded
on the working days around it).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.task_notices import ReminderLine, task_reminder
from models.core.calendar import load_calendar
from models.core.db import local_today, transaction, utcnow
from models.core.runtime import Runtime
from models.core.workdays import WorkCalendar
from models.notify.audience import Covering
from models.notify.outbox import existing_keys, queue
from models.notify.tables import Outbox
from models.unittasks.reminders import DueTarget, due_targets
from models.unittasks.vocab import TARGET_STATUS
from tasks.notify.task_notices import PURPOSE, day_text, unit_channels


async def write_task_reminders(rt: Runtime, today: date | None = None, now: datetime | None = None) -> list[int]:
    """Write today's task reminders not written yet; returns the new outbox ids."""
    today, now = today or local_today(rt.settings.tz), now or utcnow()
    async with transaction(rt.sessions) as session:
        calendar = await load_calendar(session)
        if not calendar.is_workday(today)[0]:
            return []
        rows = await due_targets(session, until=calendar.add_workdays(today, rt.settings.task_remind_workdays)[0])
        channels = await unit_channels(session, sorted({r.unit_id for r in rows}))
        by_channel: dict[int, tuple[Covering, list[DueTarget]]] = {}
        for row in rows:
            for channel in channels.get(row.unit_id, []):
                by_channel.setdefault(channel.id, (channel, []))[1].append(row)
        keys = {cid: f"task-remind-t{cid}-{today:%Y%m%d}" for cid in by_channel}
        done = await existing_keys(session, keys=list(keys.values()))
        created = [await queue(session, row=_outbox(rt, channel, due, keys[cid], calendar, today, now))
                   for cid, (channel, due) in by_channel.items() if keys[cid] not in done]
        await session.flush()
        return [row.id for row in created if row.id is not None]


def when_text(deadline: date, today: date, calendar: WorkCalendar) -> str:
    if deadline < today:
        return f"已逾期{(today - deadline).days}天"
    if deadline == today:
        return "今天截止"
    return f"还有{calendar.workdays_between(today, deadline)[0]}个工作日截止"


def _outbox(rt: Runtime, channel: Covering, due: list[DueTarget], key: str, calendar: WorkCalendar, today: date,
            now: datetime) -> Outbox:
    base = rt.settings.public_url
    lines = [ReminderLine(d.title, day_text(d.deadline), when_text(d.deadline, today, calendar), d.deadline < today,
                          TARGET_STATUS.get(d.status, ""), f"{base}/tasks/targets/{d.id}?via=chat") for d in due]
    message = task_reminder(due[0].unit_name, lines, link=f"{base}/tasks?via=chat", key=key)
    return Outbox(target_id=channel.id, purpose=PURPOSE, group_key=f"u{channel.covered_unit_id}", title=message.title,
                  body=message.body, link=message.link, idempotency_key=key, next_attempt_at=now,
                  payload={"template_params": message.template_params})
