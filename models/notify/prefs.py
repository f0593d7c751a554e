"""A user's own notification preferences (quiet hours, SMS fallback) and the policy they must meet.

Policy: personal quiet hours lie within 20:00 → 09:00 (they may not start before 20:00 nor end
after 09:00), so nobody silences working hours. Personal targets follow these hours
(``tasks.notify.timing``); a person may switch SMS fallback off for their own phone.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.db import utcnow
from models.notify.tables import NotificationPref

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
POLICY_START, POLICY_END = 20 * 60, 9 * 60  # minutes after midnight
POLICY_SPAN = (24 * 60 - POLICY_START) + POLICY_END  # 20:00 → 09:00 is 13 hours


@dataclass(frozen=True)
class Prefs:
    """The settings a user chooses (what the form edits and the audit log records)."""

    quiet_start: str
    quiet_end: str
    sms_fallback: bool


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def policy_error(start: str, end: str) -> str | None:
    """Why ``start``–``end`` is refused (Chinese), or ``None`` if it lies within 20:00 → 09:00."""
    if not TIME.match(start) or not TIME.match(end):
        return "时间格式应为 HH:MM"
    since = [(_minutes(t) - POLICY_START) % (24 * 60) for t in (start, end)]  # minutes after 20:00
    if since[0] >= POLICY_SPAN:
        return "免打扰不能早于 20:00 开始"
    if since[1] > POLICY_SPAN or since[1] == 0:
        return "免打扰不能晚于 09:00 结束"
    return None if since[0] < since[1] else "结束时间应晚于开始时间"


async def load_pref(session: AsyncSession, *, account_id: int) -> NotificationPref:
    """The account's preferences, or the defaults (unsaved) when it has none."""
    return await session.get(NotificationPref, account_id) or NotificationPref(account_id=account_id)


async def save_pref(session: AsyncSession, *, account_id: int, prefs: Prefs, actor: str,
                    ip: str | None = None) -> NotificationPref:
    """Store ``prefs`` (already checked with :func:`policy_error`) and audit the change."""
    pref = await load_pref(session, account_id=account_id)
    for name, value in asdict(prefs).items():
        setattr(pref, name, value)
    pref.updated_at = utcnow()
    session.add(pref)
    await audit.record(session, actor=actor, action="pref.update", object_type="account", object_id=account_id,
                       detail=asdict(prefs), ip=ip)
    return pref


async def all_prefs(session: AsyncSession) -> dict[int, NotificationPref]:
    """{account id: preferences} of every account that saved some."""
    return {p.account_id: p for p in (await session.scalars(select(NotificationPref))).all()}


async def wants_sms(session: AsyncSession, *, account_id: int | None) -> bool:
    """Whether SMS fallback may go to this account's phone (always for a phone of no account)."""
    if account_id is None:
        return True
    pref = await session.get(NotificationPref, account_id)
    return pref is None or pref.sms_fallback
