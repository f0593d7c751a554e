"""When a group may send: Alertmanager's timers, quiet hours and the working-day calendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.core.workdays import WorkCalendar
from models.notify.tables import DigestState, NotificationPref, Target


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(target: Target, local: datetime, calendar: WorkCalendar,
                   pref: NotificationPref | None = None) -> bool:
    """Quiet from ``quiet_start`` to ``quiet_end`` (may wrap midnight), and all day on days off.

    A personal target follows its owner's own quiet hours (``pref``) when they set them.
    """
    if target.quiet_on_holidays and not calendar.is_workday(local.date())[0]:
        return True
    window = pref or target
    start, end, now = _clock(window.quiet_start), _clock(window.quiet_end), local.time()
    if start == end:
        return False
    return start <= now or now < end if start > end else start <= now < end


def held(target: Target, state: DigestState, local: datetime, calendar: WorkCalendar,
         pref: NotificationPref | None = None) -> bool:
    """Non-urgent messages wait out quiet hours; severe ones may bypass them per target."""
    if state.urgent and target.s1_bypass:
        return False
    return in_quiet_hours(target, local, calendar, pref)


def change_due(target: Target, state: DigestState, now: datetime) -> bool:
    """A changed group sends after group_wait, and no sooner than group_interval after the last send."""
    if not state.dirty or state.dirty_since is None:
        return False
    if now < state.dirty_since + timedelta(seconds=target.group_wait_s):
        return False
    if state.urgent or state.last_sent_at is None:
        return True
    return now >= state.last_sent_at + timedelta(seconds=target.group_interval_s)


def repeat_due(target: Target, state: DigestState, local: datetime, tz: ZoneInfo, calendar: WorkCalendar) -> bool:
    """An unchanged, non-empty group is re-sent after ``repeat_workdays`` working days."""
    if not state.last_set or state.last_sent_at is None or target.repeat_workdays <= 0:
        return False
    last_day = state.last_sent_at.astimezone(tz).date()
    return calendar.add_workdays(last_day, target.repeat_workdays)[0] <= local.date()
