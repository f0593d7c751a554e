"""催办 and escalation of approval steps, run by the daily reminder cron (and 催办 from the item page).

* Every signer still to sign a step that is a working day from its deadline, due today, or past it
  hears a 催办 card (同意 / 退回或不同意 buttons, the portal link).
* A step ``item_escalate_workdays`` working days overdue is told to the leaders whose scope covers
  the unit (分管领导; not those who are themselves late on it), or to the admins' targets when the
  unit has no such leader.

Each message's idempotency key names the step, the day and the person (and the target), so a step
gets at most one 催办 and one escalation per person per day, however often the cron or the applicant
asks. Reminders wait for a working day.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.item_notices import item_escalated, item_reminder
from models.approvals.query import ItemDetail, item_detail
from models.approvals.signers import eligible_logins
from models.approvals.timeliness import DueStep, overdue_steps
from models.core.calendar import load_calendar
from models.core.db import local_today, transaction, utcnow
from models.core.enums import Role
from models.core.runtime import Runtime
from models.core.settings import Settings
from models.notify.audience import personal_targets, targets_of
from models.notify.tables import Outbox
from tasks.notify.item_notices import EVERYWHERE, item_notice, outbox_row, queue_new, sign_buttons


def when_words(due: DueStep, today: date) -> str:
    if due.state == "overdue":
        return f"已超期 {due.overdue_days} 个工作日" if due.overdue_days else "已超期"
    return "今天到期" if due.due_on == today else f"将于 {due.due_on.isoformat()} 到期"


async def remind_items(rt: Runtime, today: date | None = None, now: datetime | None = None) -> int:
    """Write today's 催办 and escalations that are not written yet; returns how many rows were added."""
    today, now = today or local_today(rt.settings.tz), now or utcnow()
    async with transaction(rt.sessions) as session:
        if not (await load_calendar(session)).is_workday(today)[0]:
            return 0
        rows: list[Outbox] = []
        for due in await overdue_steps(session, today=today):
            detail = await item_detail(session, due.item_id, scope=EVERYWHERE, today=today)
            if detail is None:
                continue
            rows += await reminder_rows(session, rt.settings, detail, due, today, now, by="系统")
            if due.state == "overdue" and due.overdue_days >= rt.settings.item_escalate_workdays:
                rows += await escalation_rows(session, rt.settings, detail, due, today, now)
        return await queue_new(session, rows)


async def reminder_rows(session: AsyncSession, settings: Settings, detail: ItemDetail, due: DueStep, today: date,
                        now: datetime, *, by: str) -> list[Outbox]:
    """催办 for each signer still to sign ``due``'s step (``by``: who asks — 系统, or the applicant)."""
    notice = item_notice(settings, detail, actor=by, text="", now=now, step_no=due.step_no)
    rows = []
    for login in due.pending:
        for target in await personal_targets(session, login=login):
            key = f"item-remind-s{due.step_id}-{today:%Y%m%d}-{login}-t{target.id}"[:120]
            buttons = sign_buttons(settings, target, detail, due.step_id, now)
            message = item_reminder(notice, key=key, when=when_words(due, today), buttons=buttons)
            rows.append(outbox_row(target.id, message, group_key=f"i{due.item_id}", now=now))
    return rows


async def escalation_rows(session: AsyncSession, settings: Settings, detail: ItemDetail, due: DueStep, today: date,
                          now: datetime) -> list[Outbox]:
    """The step's lateness, told to the leaders over the unit (the admins when there are none)."""
    notice = item_notice(settings, detail, actor="系统", text="", now=now, step_no=due.step_no)
    leaders = await eligible_logins(session, role=Role.LEADER, unit_id=due.unit_id, exclude=due.pending)
    targets = [t for login in leaders for t in await personal_targets(session, login=login)]
    if not leaders:  # the admins' targets may be groups: the unit, the kind and the step only
        targets = list(await targets_of(session, purpose="admin"))
        notice = replace(notice, title="", figures="")
    rows = []
    for target in targets:
        key = f"item-esc-s{due.step_id}-{today:%Y%m%d}-t{target.id}"
        message = item_escalated(notice, key=key, when=when_words(due, today))
        rows.append(outbox_row(target.id, message, group_key=f"i{due.item_id}", now=now))
    return rows


async def applicant_reminder(session: AsyncSession, settings: Settings, detail: ItemDetail, *, by: str, today: date,
                             now: datetime) -> int:
    """催办 from the item page: the current step's waiting signers hear it — at most once a day, the
    cron's 催办 included (same keys). Returns how many messages were added (0: already today)."""
    step = next((s for s in reversed(detail.steps) if s.status == "active"), None)
    if step is None or detail.row.status != "pending":
        return 0
    waiting = tuple(g.login for g in step.signers if g.decision is None)
    due_on = step.due_on or today
    due = DueStep(detail.row.id, step.id, step.step_no, step.name, step.role, detail.row.kind, detail.row.title,
                  detail.row.unit_id, detail.row.applicant, due_on, "overdue" if due_on < today else "close",
                  0, waiting)
    return await queue_new(session, await reminder_rows(session, settings, detail, due, today, now, by=by))
