"""A scoring period: the month in the office zone and its cut-off (the month's end, or the end of the
``as_of`` day when the month is not over yet, for a provisional draft)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.selfcheck.counting import check_month


@dataclass(frozen=True)
class Period:
    month: str
    tz: str
    first_day: date
    cutoff_day: date   # the first day NOT covered: the 1st of the next month, or as_of + 1
    as_of: date

    @property
    def start(self) -> datetime:
        return self.moment(self.first_day)

    @property
    def cutoff(self) -> datetime:
        return self.moment(self.cutoff_day)

    @property
    def last_day(self) -> date:
        return self.cutoff_day - timedelta(days=1)

    @property
    def complete(self) -> bool:
        """Whether the month is over by ``as_of`` (a draft becomes a preview open to appeals)."""
        return self.cutoff_day == next_month(self.first_day)

    def moment(self, day: date) -> datetime:
        """The instant an office-zone day starts, in UTC."""
        return datetime.combine(day, time(), ZoneInfo(self.tz)).astimezone(UTC)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.tz)).date()


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def period_of(month: str, *, as_of: date, tz: str) -> Period:
    """The period of ``month`` seen on ``as_of``; a Chinese ValueError for a bad or future month."""
    year, number = map(int, check_month(month).split("-"))
    first = date(year, number, 1)
    if as_of < first:
        raise ValueError(f"{month} 尚未开始，不能评分")
    return Period(month, tz, first, min(next_month(first), as_of + timedelta(days=1)), as_of)


def previous_month(day: date) -> str:
    """"YYYY-MM" of the month before ``day``'s (the cron on the 1st scores the month just ended)."""
    last = day.replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"
