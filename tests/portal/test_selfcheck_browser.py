"""A steward runs a whole self-check on a phone (375×812): entry, six screens of 查看 and 确认, the summary."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, add_persons, person_record
from tests.portal.test_browser import no_sideways_scroll, page, shoot  # noqa: F401  (the phone fixture)

pytestmark = pytest.mark.browser


async def test_a_steward_runs_a_whole_self_check_on_a_phone(page, world, rt, tmp_path):  # noqa: F811
    await add_persons(rt, person_record("C1-A", seq=101, name="李四", education=None))
    await page.goto("/login")
    await page.fill("input[name=login]", "steward")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.click("nav.tabs >> text=自查")
    await page.wait_for_selector("text=本月已完成")
    await page.click("text=开始自查")
    for n in range(1, 7):
        await page.wait_for_selector(f"text=第 {n}/6 项")
        await page.click("button:has-text('查看')")
        if n == 2:
            await page.wait_for_selector("text=缺少：学历")
            assert await no_sideways_scroll(page)
            await shoot(page, "selfcheck-section", tmp_path)
            await page.check("input[value=fixed]")
            await page.fill("input[name=fixed]", "1")
            await page.fill("textarea[name=note]", "已补录学历")
        await page.click("form button.primary")
    await page.wait_for_selector("text=自查项目")
    await page.click("text=完成自查")
    await page.wait_for_selector("text=计入本月自查")
    assert await page.locator("text=已完成 1/2 次").count() == 1 and await no_sideways_scroll(page)
    await shoot(page, "selfcheck-summary", tmp_path)
