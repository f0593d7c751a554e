"""The home page with tips, lock status and colour dots, for a steward and an officer, on a phone
(375×812) and a desktop (1280×800): no sideways scroll, every tip a link, nothing blocked by the CSP."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from models.core.db import local_today
from tasks.colours import colour_month
from tests.factories import PASSWORD
from tests.portal.test_browser import CHROMIUM, FLAGS, PHONE, no_sideways_scroll, page, shoot
from tests.portal.test_home_tips import seed_problems

__all__ = ["page"]
pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}
del CHROMIUM, FLAGS


@pytest.mark.parametrize("persona", ["steward", "officer"])
async def test_home_on_a_phone_and_a_desktop(page, world, rt, tmp_path: Path, persona: str):
    await seed_problems(rt, world)
    today = local_today(rt.settings.tz)
    await colour_month(rt, month=f"{today.replace(day=1) - timedelta(days=1):%Y-%m}", as_of=today)
    await page.goto("/login")
    await page.fill("input[name=login]", persona)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=我的机构")
    assert await page.locator(".tips li a").count() >= 2
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        await page.set_viewport_size(size)
        assert await no_sideways_scroll(page), (persona, name)
        await shoot(page, f"home-{persona}-{name}", tmp_path)
    await page.click('.tips a[href="/warnings?rule=B3_OVERDUE_RETIRE"]')
    await page.wait_for_url("**/warnings?rule=B3_OVERDUE_RETIRE")
