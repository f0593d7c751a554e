"""``bzops user list|unlock|unblock-ip``: temporary blocks after wrong passwords, seen and lifted from the shell."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner

from models.accounts import throttle
from models.accounts.login import LoginPolicy, LoginRefused, authenticate
from models.core.db import transaction, utcnow
from models.core.runtime import runtime
from portal.cli import cli

PASSWORD = "long-enough-1"


def invoke(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings, catch_exceptions=False)


def attempt(settings, password: str, times: int = 1) -> str:
    async def _go() -> str:
        outcome = "ok"
        async with runtime(settings) as rt:
            for _ in range(times):
                async with transaction(rt.sessions) as session:
                    try:
                        await authenticate(session, login="kz", password=password, ip="10.0.0.7",
                                           policy=LoginPolicy(max_failures=5, ip_max_failures=20))
                        outcome = "ok"
                    except LoginRefused as refused:
                        outcome = str(refused)
        return outcome
    return asyncio.run(_go())


def blocked(settings, key: str) -> bool:
    async def _go() -> bool:
        async with runtime(settings) as rt, rt.sessions() as session:
            return await throttle.blocked_until(session, keys=[key], now=utcnow()) is not None
    return asyncio.run(_go())


def test_unlock_lifts_a_temporary_block_too(settings, rt):
    assert invoke(settings, "user", "create", "kz", "--name", "孔科长", "--role", "officer",
                  "--password", PASSWORD).exit_code == 0
    assert "暂时锁定" in attempt(settings, "wrong-password", times=5)
    listed = invoke(settings, "user", "list").output
    assert "孔科长" in listed and "暂时锁定至 20" in listed and "连续5次密码错误" in listed
    assert "解除多次密码错误造成的暂时锁定" in invoke(settings, "user", "unlock", "--help").output
    unlocked = invoke(settings, "user", "unlock", "kz")
    assert unlocked.exit_code == 0 and "暂时锁定均已解除" in unlocked.output
    assert attempt(settings, PASSWORD) == "ok"
    assert "正常" in invoke(settings, "user", "list").output


def test_unblock_ip_lifts_the_block_on_an_address(settings, rt):
    async def _block() -> None:
        async with runtime(settings) as value, transaction(value.sessions) as session:
            await throttle.count_failure(session, key=throttle.ip_key("10.0.0.7"), threshold=1, now=utcnow())
    asyncio.run(_block())
    assert blocked(settings, throttle.ip_key("10.0.0.7"))
    result = invoke(settings, "user", "unblock-ip", "10.0.0.7")
    assert result.exit_code == 0 and "已解除地址 10.0.0.7 的限制" in result.output
    assert not blocked(settings, throttle.ip_key("10.0.0.7"))
