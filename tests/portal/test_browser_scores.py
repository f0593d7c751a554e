"""评分 in headless Chromium at a phone's size and a desktop's: an admin publishes last month's red/black
list and it shows on the list page; a steward reads its breakdown. No sideways scroll, nothing blocked."""

from __future__ import annotations

from typing import Any

import pytest

from models.core.db import local_today, transaction
from models.scores.period import previous_month
from models.scores.runs import draft_scores
from portal.app import create_app
from tests.factories import PASSWORD, add_persons, person_record
from tests.portal.test_browser import CHROMIUM, FLAGS, no_sideways_scroll, shoot

SIZES = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}
pytestmark = pytest.mark.browser


@pytest.fixture(params=list(SIZES))
async def browser_page(request, aiohttp_server, settings, redis, rt, world):
    from playwright.async_api import async_playwright

    server = await aiohttp_server(create_app(settings))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        phone = request.param == "phone"
        context = await browser.new_context(viewport=SIZES[request.param], device_scale_factor=2 if phone else 1,
                                            is_mobile=phone, base_url=str(server.make_url("/")))
        page = await context.new_page()
        blocked: list[str] = []

        def watch(message: Any) -> None:
            if "Content Security Policy" in message.text:
                blocked.append(message.text)

        page.on("console", watch)
        yield page, request.param
        assert blocked == [], "nothing the portal ships may be blocked by its own CSP"
        await browser.close()


async def sign_in(page, name: str) -> None:
    await page.goto("/login")
    await page.fill("input[name=login]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()


async def test_an_admin_publishes_the_list_and_it_shows(browser_page, rt, world, tmp_path):
    from playwright.async_api import expect

    page, size = browser_page
    for n, code in enumerate(("C1-A", "C1-B", "C2-A")):
        await add_persons(rt, *[person_record(code, seq=300 + 10 * n + k) for k in range(3)])
    today = local_today(rt.settings.tz)
    month = previous_month(today)
    async with transaction(rt.sessions) as session:
        await draft_scores(session, settings=rt.settings, month=month, as_of=today)
    await sign_in(page, "admin")
    await page.click("nav >> text=评分")
    await expect(page.locator(".score-run .chip")).to_have_text("公示中")
    assert await page.locator(".score-line").count() >= 3 and await no_sideways_scroll(page)
    await shoot(page, f"scores-preview-{size}", tmp_path)
    await page.click("button:has-text('发布')")
    await expect(page.locator(".notice")).to_contain_text("已发布")
    await expect(page.locator(".score-run .chip")).to_have_text("已发布")
    await expect(page.locator("button:has-text('发布')")).to_have_count(0)
    assert await no_sideways_scroll(page)
    await shoot(page, f"scores-published-{size}", tmp_path)
    await page.click("form[action='/logout'] button")
    await sign_in(page, "steward")
    await page.goto(f"/scores?month={month}")
    await expect(page.locator(".score-run .chip")).to_have_text("已发布")
    await page.click(".score-run a:has-text('甲县财政局')")
    await expect(page.locator("h1")).to_contain_text("甲县财政局")
    await expect(page.locator(".deductions li").first).to_contain_text("自查次数不足")
    assert await no_sideways_scroll(page)
    await shoot(page, f"scores-unit-{size}", tmp_path)
