"""When the self-check reminders go out and to whom (the sending is ``tasks/notify/selfcheck_remind.py``).

Three reminder days a month, on the office's working-day calendar (``models.core.workdays``, with
its admin overrides): mid-month (the 15th, or the next working day), 3 working days before the
month's last working day, and that last working day. On each, every unit with a steward that has
fewer counting checks this month than required is reminded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.tables import ACCOUNT, ACCOUNT_SCOPE
from models.core.workdays import WorkCalendar
from models.selfcheck.counting import checks_by_unit
from models.staffing.tables import UNIT

REMINDER_WORDS = {"mid": "本月已过半", "before_end": "距月末还有3个工作日", "last": "今天是本月最后一个工作日"}


def last_workday(day: date, calendar: WorkCalendar) -> date:
    """The last working day of ``day``'s month."""
    first_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return calendar.add_workdays(first_next, -1)[0]


def reminder_kind(day: date, calendar: WorkCalendar) -> str | None:
    """"mid", "before_end" or "last" when ``day`` is one of the month's reminder days, else None."""
    last = last_workday(day, calendar)
    if day == last:
        return "last"
    if day == calendar.add_workdays(last, -3)[0]:
        return "before_end"
    mid = calendar.add_workdays(date(day.year, day.month, 15), 0)[0]
    return "mid" if day == mid and mid.month == day.month else None


@dataclass(frozen=True)
class BehindUnit:
    unit_id: int
    unit_name: str
    done: int
    stewards: tuple[str, ...]  # logins of the unit's stewards (for their personal SMS targets)


async def units_behind(session: AsyncSession, *, month: str, required: int) -> list[BehindUnit]:
    """Active units with a steward and fewer than ``required`` counting checks in ``month``."""
    query = (select(UNIT.c.id, UNIT.c.name, ACCOUNT.c.login)
             .join(ACCOUNT_SCOPE, ACCOUNT_SCOPE.c.unit_id == UNIT.c.id)
             .join(ACCOUNT, ACCOUNT.c.id == ACCOUNT_SCOPE.c.account_id)
             .where(ACCOUNT.c.role == "steward", UNIT.c.status == "active").order_by(UNIT.c.id, ACCOUNT.c.login))
    stewards: dict[int, tuple[str, list[str]]] = {}
    for unit_id, name, login in await session.execute(query):
        stewards.setdefault(unit_id, (name, []))[1].append(login)
    counts = await checks_by_unit(session, month=month, unit_ids=list(stewards))
    return [BehindUnit(u, name, counts.get(u, 0), tuple(logins)) for u, (name, logins) in stewards.items()
            if counts.get(u, 0) < required]
