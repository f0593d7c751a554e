"""A user's own notification settings: quiet hours within the 20:00 → 09:00 policy, SMS fallback."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.core.tables import AuditLog
from models.notify.tables import NotificationPref
from portal.views.me import policy_error
from tests.portal.conftest import csrf_token


async def save(client, **fields: str):
    data = {"_csrf": await csrf_token(client), **fields}
    return await client.post("/me/notifications", data=data, allow_redirects=False)


async def stored(rt, account_id: int) -> NotificationPref | None:
    async with rt.sessions() as session:
        return await session.get(NotificationPref, account_id)


@pytest.mark.parametrize(("start", "end", "error"), [
    ("22:00", "07:30", None), ("20:00", "09:00", None), ("00:30", "06:00", None), ("23:59", "00:00", None),
    ("19:00", "07:00", "免打扰不能早于 20:00 开始"), ("09:00", "10:00", "免打扰不能早于 20:00 开始"),
    ("22:00", "09:30", "免打扰不能晚于 09:00 结束"), ("22:00", "20:00", "免打扰不能晚于 09:00 结束"),
    ("06:00", "01:00", "结束时间应晚于开始时间"), ("7:00", "08:00", "时间格式应为 HH:MM")])
def test_the_policy_keeps_quiet_hours_between_20_and_9(start, end, error):
    assert policy_error(start, end) == error


async def test_it_shows_the_defaults_and_explains_the_policy(as_user):
    client = await as_user("steward")
    html = await (await client.get("/me/notifications")).text()
    assert 'value="22:00"' in html and 'value="07:30"' in html and "20:00 至次日 09:00" in html
    assert 'name="sms_fallback" checked' in html and "我的设置" in html


async def test_it_saves_my_settings_and_audits_them(as_user, world, rt):
    client = await as_user("steward")
    response = await save(client, quiet_start="21:30", quiet_end="08:00")
    assert response.status == 303 and response.headers["Location"] == "/me/notifications?saved=1"
    pref = await stored(rt, world.steward.id)
    assert (pref.quiet_start, pref.quiet_end, pref.sms_fallback) == ("21:30", "08:00", False)
    html = await (await client.get("/me/notifications?saved=1")).text()
    assert "已保存" in html and 'value="21:30"' in html and 'name="sms_fallback" checked' not in html
    await save(client, quiet_start="22:00", quiet_end="07:00", sms_fallback="on")
    assert (await stored(rt, world.steward.id)).sms_fallback is True
    async with rt.sessions() as session:
        rows = (await session.scalars(select(AuditLog).where(AuditLog.action == "pref.update"))).all()
    assert [r.actor for r in rows] == ["steward", "steward"] and rows[0].detail["quiet_start"] == "21:30"


async def test_it_refuses_quiet_hours_starting_at_19(as_user, world, rt):
    client = await as_user("officer")
    response = await save(client, quiet_start="19:00", quiet_end="07:00", sms_fallback="on")
    assert response.status == 400 and "免打扰不能早于 20:00 开始" in await response.text()
    assert await stored(rt, world.officer.id) is None


async def test_it_needs_a_login(client, world):
    response = await client.get("/me/notifications", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/login")
