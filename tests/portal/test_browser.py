"""The portal in headless Chromium at a phone's size: login, my units, a unit page, no sideways scroll."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from portal.app import create_app
from tests.factories import PASSWORD, add_persons, person_record

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 375, "height": 812}
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
pytestmark = pytest.mark.browser


@pytest.fixture
async def page(aiohttp_server, settings, redis, rt, world):
    from playwright.async_api import async_playwright

    server = await aiohttp_server(create_app(settings))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                            base_url=str(server.make_url("/")))
        page = await context.new_page()
        blocked: list[str] = []

        def watch(message: Any) -> None:
            if "Content Security Policy" in message.text:
                blocked.append(message.text)

        page.on("console", watch)
        yield page
        assert blocked == [], "nothing the portal ships may be blocked by its own CSP"
        await browser.close()


async def no_sideways_scroll(page) -> bool:
    return bool(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


async def shoot(page, name: str, tmp_path: Path) -> None:
    target = Path(os.environ.get("BZOPS_SCREENSHOTS", tmp_path))
    target.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(target / f"{name}.png"), full_page=True)


async def test_it_works_on_a_phone(page, world, rt, tmp_path):
    from playwright.async_api import expect

    await add_persons(rt, person_record("C1-A", seq=101), person_record("C1-A", seq=103, leader_kind="unit_chief"))
    await page.goto("/")
    assert "/login" in page.url and await no_sideways_scroll(page)
    await shoot(page, "login", tmp_path)
    await page.fill("input[name=login]", "officer")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=我的机构")
    assert await page.locator(".list li").count() == 4 and await no_sideways_scroll(page)
    await shoot(page, "home", tmp_path)
    await page.fill("input[name=q]", "财政")
    await expect(page.locator(".list li")).to_have_count(1)  # HTMX swapped the list, under the CSP
    await page.click("text=甲县财政局")
    await page.wait_for_selector("text=编制核定与实有")
    assert await no_sideways_scroll(page)
    await shoot(page, "unit", tmp_path)


async def test_a_card_button_on_a_phone_logs_in_confirms_and_shows_the_result(page, world, rt, settings, tmp_path):
    """From a chat card: the 确认 link, logged out, through the login page, back to the confirm page."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from models.core.db import transaction, utcnow
    from models.links.tokens import link_key, mint
    from models.warnings.config import change_rule
    from models.warnings.scan import run_scan
    from models.warnings.tables import Warning

    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)))
    async with transaction(rt.sessions) as session:
        await change_rule(session, code="C3_VACANCY", actor="test", enabled=False)
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
    async with rt.sessions() as session:
        warning = (await session.scalars(select(Warning))).first()
    token = mint(link_key(settings.secret_key.get_secret_value()), sub=f"a{world.steward.id}", act="ack",
                 obj=f"w{warning.id}", now=utcnow(), ttl=timedelta(hours=1))
    await page.goto(f"/a/{token}")
    assert "/login" in page.url
    await page.fill("input[name=login]", "steward")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=确认收到这条预警")
    assert await no_sideways_scroll(page)
    await shoot(page, "card-confirm", tmp_path)
    await page.click("button:has-text('确认收到')")
    await page.wait_for_selector("text=已完成")
    assert "确认 1 条预警" in await page.inner_text("main") and await no_sideways_scroll(page)
    await shoot(page, "card-done", tmp_path)
    async with rt.sessions() as session:
        assert (await session.get(Warning, warning.id)).status == "acknowledged"
