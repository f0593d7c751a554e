"""The month-end lock job as the worker's cron and the CLI run it: one transaction that adds the
locks and their notices together (``models.locks.monthend``, ``tasks.notify.lock_notices``).

The cron fires at 00:05 on the 1st in the office zone and closes the month before "today" there;
``--as-of`` lets the CLI judge any ended month as of another day.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.core.db import transaction, utcnow
from models.core.runtime import Runtime
from models.locks.monthend import LockRun, lock_month
from models.locks.words import SYSTEM, month_before
from tasks.notify.lock_notices import lock_notices


def office_today(now: datetime, tz: str) -> date:
    """The office-zone date of the UTC instant ``now``."""
    return now.astimezone(ZoneInfo(tz)).date()


def month_to_close(now: datetime, tz: str) -> str:
    """The month the job closes when it runs at ``now``: the one before the office-zone today."""
    return month_before(office_today(now, tz))


async def run_lock_month(rt: Runtime, *, month: str, as_of: date, actor: str = SYSTEM) -> LockRun | None:
    """Lock the month (None when ``lock_enabled`` is off: nobody is locked)."""
    if not rt.settings.lock_enabled:
        return None
    async with transaction(rt.sessions) as session:
        return await lock_month(session, month=month, as_of=as_of, actor=actor,
                                required=rt.settings.selfcheck_min_per_month, effect=lock_notices(rt.settings))


async def month_end_locks(rt: Runtime, now: datetime | None = None) -> LockRun | None:
    """The cron's run: close the month before today in the office zone."""
    moment = now or utcnow()
    return await run_lock_month(rt, month=month_to_close(moment, rt.settings.tz),
                                as_of=office_today(moment, rt.settings.tz))


def run_summary(run: LockRun | None) -> str:
    """The run in Chinese (the CLI's line and the cron's result)."""
    if run is None:
        return "自动锁定已关闭（lock_enabled=false），未锁定任何单位"
    return (f"{run.month}：应自查单位 {run.watched} 个，自查不足 {run.short} 个，"
            f"本次新锁定 {len(run.locked)} 个，此前已锁定 {run.already} 个")
