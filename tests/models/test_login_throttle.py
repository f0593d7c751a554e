"""Wrong passwords: growing temporary blocks per login name and per address, unknown names alike."""

from __future__ import annotations

from datetime import timedelta

from models.accounts import throttle
from models.accounts.login import WRONG, LoginPolicy, LoginRefused, authenticate
from models.core.db import transaction, utcnow
from models.core.settings import Settings
from tests.factories import PASSWORD, add_account

POLICY = LoginPolicy(max_failures=5, ip_max_failures=20)


async def count(rt, key: str, threshold: int, at) -> throttle.Count:
    async with transaction(rt.sessions) as session:
        return await throttle.count_failure(session, key=key, threshold=threshold, now=at)


async def attempt(rt, login: str, password: str, at, ip: str | None = "10.0.0.1", policy: LoginPolicy = POLICY):
    """The refusal's message, or ``"ok"``; committed like the portal does."""
    async with transaction(rt.sessions) as session:
        try:
            await authenticate(session, login=login, password=password, policy=policy, ip=ip, now=at)
        except LoginRefused as refused:
            return str(refused)
    return "ok"


def test_the_defaults_are_five_per_name_and_twenty_per_address():
    settings = Settings()
    assert (settings.login_max_failures, settings.login_ip_max_failures) == (5, 20)
    assert (settings.session_idle_minutes, settings.session_hours, settings.sqlite_busy_ms) == (30, 12, 10000)


async def test_blocks_grow_1_5_15_60_then_stay_at_60_minutes(rt):
    now, key = utcnow(), throttle.account_key("someone")
    for _ in range(4):
        assert (await count(rt, key, 5, now)).blocked_until is None
    lengths = []
    for _ in range(6):
        counted = await count(rt, key, 5, now)
        lengths.append(round((counted.blocked_until - now).total_seconds() / 60))
        now = counted.blocked_until + timedelta(seconds=1)
    assert lengths == [1, 5, 15, 60, 60, 60]


async def test_a_quiet_day_forgets_a_name_and_a_quiet_hour_an_address(rt):
    now = utcnow()
    for _ in range(4):
        await count(rt, throttle.account_key("x"), 5, now)
        await count(rt, throttle.ip_key("10.9.9.9"), 5, now)
    assert (await count(rt, throttle.account_key("x"), 5, now + timedelta(hours=2))).blocked_until is not None
    assert (await count(rt, throttle.ip_key("10.9.9.9"), 5, now + timedelta(hours=2))).failures == 1
    assert (await count(rt, throttle.account_key("x"), 5, now + timedelta(days=3))).failures == 1


async def test_attempts_during_a_block_are_refused_uncounted_and_success_clears_the_name(rt):
    await add_account(rt, "kz", "officer", [])
    now = utcnow()
    for _ in range(4):
        assert await attempt(rt, "kz", "wrong-password", now) == WRONG
    assert "请1分钟后再试" in await attempt(rt, "kz", "wrong-password", now)
    assert "请1分钟后再试" in await attempt(rt, "kz", PASSWORD, now + timedelta(seconds=30))
    later = now + timedelta(minutes=1, seconds=1)
    assert await attempt(rt, "kz", PASSWORD, later) == "ok", "the refused tries were not counted"
    assert await attempt(rt, "kz", "wrong-password", later) == WRONG, "a success starts the count again"


async def test_an_unknown_name_is_counted_and_answered_like_a_real_one(rt):
    await add_account(rt, "kz", "officer", [])
    now = utcnow()
    known = [await attempt(rt, "kz", "wrong-password", now) for _ in range(6)]
    unknown = [await attempt(rt, "nobody", "wrong-password", now) for _ in range(6)]
    assert known == unknown and known[-1] == throttle.wait_message(now + timedelta(minutes=1), now)


async def test_an_address_is_blocked_after_its_own_threshold_whatever_the_names(rt):
    await add_account(rt, "kz", "officer", [])
    policy, now = LoginPolicy(max_failures=5, ip_max_failures=3), utcnow()
    for name in ("a", "b", "kz"):  # spraying one password over many names
        await attempt(rt, name, "wrong-password", now, ip="10.0.0.7", policy=policy)
    assert "暂时锁定" in await attempt(rt, "kz", PASSWORD, now, ip="10.0.0.7", policy=policy)
    assert await attempt(rt, "kz", PASSWORD, now, ip="10.0.0.8", policy=policy) == "ok", "other addresses go on"
