"""免登 in headless Chromium at a phone's size: static/sso.js with the vendored JSAPI outside DingTalk,
and with a stand-in for DingTalk's native bridge inside it (the code itself comes from the fake platform)."""

from __future__ import annotations

from typing import Any

import pytest

from models.accounts.platform_ids import link
from models.core.db import transaction
from portal.app import create_app
from tests.factories import PASSWORD
from tests.fakes.fixtures import fakes
from tests.portal.test_browser import CHROMIUM, FLAGS, PHONE, no_sideways_scroll, shoot
from tests.portal.test_sso import DINGTALK_UA, sso_settings

__all__ = ["fakes", "sso_settings"]
pytestmark = pytest.mark.browser

# What DingTalk's client answers requestAuthCode with, for the corp the page asks about.
BRIDGE = """window.dd = {env: {platform: "android"}, ready: function (f) { f(); }, error: function () {},
  runtime: {permission: {requestAuthCode: function (o) {
    return o.corpId === "ding-corp" ? Promise.resolve({code: "%s"}) : Promise.reject(new Error("corp"));
  }}}};"""


@pytest.fixture
async def browser(aiohttp_server, sso_settings, redis, rt, world):
    from playwright.async_api import async_playwright

    async with transaction(rt.sessions) as session:
        await link(session, login="steward", platform="dingtalk", user_id="ding-steward", actor="test")
    server = await aiohttp_server(create_app(sso_settings))
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium, str(server.make_url("/"))
        await chromium.close()


async def open_page(browser: Any, user_agent: str | None = None, code: str | None = None) -> tuple[Any, list[str]]:
    chromium, base_url = browser
    context = await chromium.new_context(viewport=PHONE, is_mobile=True, base_url=base_url, user_agent=user_agent)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if "Content Security" in message.text else None)
    if code is not None:
        await page.route("**/static/vendor/dingtalk-jsapi.min.js", lambda route: route.fulfill(
            body=BRIDGE % code, content_type="application/javascript"))
    return page, problems


async def test_outside_dingtalk_the_script_falls_back_to_the_password_login(browser):
    page, problems = await open_page(browser)
    await page.goto("/auth/dingtalk?next=%2Fwarnings%3Fstate%3Dopen")
    await page.wait_for_url("**/login?next=*")
    assert await page.input_value("input[name=next]") == "/warnings?state=open"
    await page.fill("input[name=login]", "steward")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/warnings?state=open")
    assert problems == [], "the vendored JSAPI and sso.js run under the CSP without errors"


async def test_inside_dingtalk_a_tap_logs_in_and_lands_where_it_pointed(browser, fakes, tmp_path):
    page, problems = await open_page(browser, DINGTALK_UA, fakes.dingtalk_sso.issue_code("ding-steward"))
    await page.goto("/warnings?state=open")  # logged out: to_login sends DingTalk visitors to 免登
    await page.wait_for_url("**/warnings?state=open")
    await page.wait_for_selector("text=王专员")
    assert fakes.dingtalk_sso.codes.used == ["ding-steward"] and problems == []
    assert await no_sideways_scroll(page)
    await shoot(page, "sso-landed", tmp_path)


async def test_inside_dingtalk_an_unlinked_person_is_told_and_offered_the_password_login(browser, fakes, tmp_path):
    page, problems = await open_page(browser, DINGTALK_UA, fakes.dingtalk_sso.issue_code("nobody"))
    await page.goto("/units/1")
    await page.wait_for_selector("text=您的钉钉账号尚未关联 BZOps 账号，请联系管理员")
    assert await no_sideways_scroll(page) and problems == []
    await shoot(page, "sso-unlinked", tmp_path)
    await page.click("text=使用密码登录")
    await page.wait_for_url("**/login?next=*")
    assert await page.input_value("input[name=next]") == "/units/1"


async def test_a_refused_code_shows_why_with_a_retry_and_the_password_login(browser, fakes, tmp_path):
    code = fakes.dingtalk_sso.issue_code("ding-steward")
    fakes.clock.advance(301)
    page, problems = await open_page(browser, DINGTALK_UA, code)
    await page.goto("/auth/dingtalk?next=%2Fwarnings")
    await page.wait_for_selector("#sso-error:has-text('已使用或已过期')")
    assert await page.is_visible("#sso-retry") and await page.is_visible("text=使用密码登录")
    assert problems == [] and await no_sideways_scroll(page)
    await shoot(page, "sso-refused", tmp_path)
