"""A locked steward on a phone (headless Chromium, 375×812): logs in, is shown why (the month, the
figures, whom to call), files a 解锁申请 — no sideways scroll, tap targets of 44 px."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.core.db import transaction
from models.locks.monthend import lock_month
from tests.portal.test_browser import no_sideways_scroll, page, shoot
from tests.portal.test_browser_corrections import log_in, small_targets

__all__ = ["page"]
pytestmark = pytest.mark.browser


async def check_phone(page, name: str, tmp_path: Path) -> None:
    assert await no_sideways_scroll(page), f"{name}: sideways scroll"
    assert await small_targets(page) == [], f"{name}: tap targets under 44 px"
    await shoot(page, name, tmp_path)


async def test_a_locked_steward_logs_in_sees_why_and_asks_to_unlock(page, rt, world, tmp_path: Path):
    async with transaction(rt.sessions) as session:
        await lock_month(session, month="2026-10", as_of=date(2026, 11, 1), actor="system", required=2)
    await page.goto("/")
    await log_in(page, "steward")
    assert page.url.endswith("/locked")
    text = await page.inner_text("main")
    assert "本单位已被锁定" in text and "2026年10月完成自查 0 次，少于规定的 2 次" in text and "李科长" in text
    await check_phone(page, "locked-why", tmp_path)
    await page.click("a.button:has-text('为甲县财政局申请解锁')")
    await page.fill("textarea[name=reason]", "已补做本月两次自查，请予解锁")
    await check_phone(page, "locked-unlock-form", tmp_path)
    await page.click("main button.primary")
    text = await page.inner_text("main")
    assert "解锁申请" in text and "已提交" in text, text
    await check_phone(page, "locked-unlock-filed", tmp_path)
