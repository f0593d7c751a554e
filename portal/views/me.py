"""The logged-in user's own notification settings: quiet hours and SMS fallback, within policy.

Policy: personal quiet hours lie within 20:00 → 09:00 (they may not start before 20:00 nor end
after 09:00), so nobody silences working hours. Personal targets follow these hours
(``tasks.notify.timing``).
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.db import transaction, utcnow
from models.notify.tables import NotificationPref
from portal.auth import client_ip, login_required
from portal.keys import ACCOUNT, RUNTIME
from portal.render import render

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
POLICY_START, POLICY_END = 20 * 60, 9 * 60  # minutes after midnight
POLICY_SPAN = (24 * 60 - POLICY_START) + POLICY_END  # 20:00 → 09:00 is 13 hours


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


async def _pref(session: AsyncSession, account_id: int) -> NotificationPref:
    return await session.get(NotificationPref, account_id) or NotificationPref(account_id=account_id)


def _page(request: web.Request, values: dict[str, Any], *, error: str | None = None, saved: bool = False,
          status: int = 200) -> web.Response:
    return render(request, "me/notifications.html", {"v": values, "error": error, "saved": saved}, status=status)


@login_required
async def notifications(request: web.Request) -> web.StreamResponse:
    account_id = request[ACCOUNT].id or 0  # type: ignore[union-attr]
    async with request.app[RUNTIME].sessions() as session:
        pref = await _pref(session, account_id)
    values = {"quiet_start": pref.quiet_start, "quiet_end": pref.quiet_end, "sms_fallback": pref.sms_fallback}
    return _page(request, values, saved=request.query.get("saved") == "1")


@login_required
async def notifications_save(request: web.Request) -> web.StreamResponse:
    account = request[ACCOUNT]
    assert account is not None
    form = await request.post()
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in ("quiet_start", "quiet_end")}
    values["sms_fallback"] = form.get("sms_fallback") == "on"
    error = policy_error(values["quiet_start"], values["quiet_end"])
    if error:
        return _page(request, values, error=error, status=400)
    async with transaction(request.app[RUNTIME].sessions) as session:
        pref = await _pref(session, account.id or 0)
        for name, value in values.items():
            setattr(pref, name, value)
        pref.updated_at = utcnow()
        session.add(pref)
        await audit.record(session, actor=account.login, action="pref.update", object_type="account",
                           object_id=account.id, detail=values, ip=client_ip(request))
    raise web.HTTPSeeOther("/me/notifications?saved=1")
