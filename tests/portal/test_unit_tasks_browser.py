"""任务流转 on a phone (headless Chromium, 375×812): the officer publishes from the form, the steward
receives and feeds back, the officer evaluates — every choice a thumb can hit (44 px), no sideways scroll."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from models.core.db import local_today
from tests.portal.test_browser import no_sideways_scroll, page, shoot
from tests.portal.test_browser_corrections import log_in, small_targets

__all__ = ["page"]
pytestmark = pytest.mark.browser
# The long unit list (.pick) scrolls inside its own box, with smaller rows on purpose; it starts closed.
CHOICES_OUTSIDE_THE_PICK_LIST = """[...document.querySelectorAll('main label.check')]
    .filter(e => !e.closest('.pick') && e.getBoundingClientRect().height < 44).map(e => e.outerHTML)"""


async def switch(page, name: str, url: str) -> None:
    await page.click("button.link:has-text('退出')")
    await page.goto(url)
    await log_in(page, name)


async def test_a_task_is_published_fed_back_and_evaluated_on_phones(page, rt, world, tmp_path: Path):
    await page.goto("/tasks/new")
    await log_in(page, "officer")
    assert await page.evaluate(CHOICES_OUTSIDE_THE_PICK_LIST) == [], "task form: choices under 44 px"
    await page.fill("input[name=title]", "11 月底前完成人员学历信息核对")
    await page.fill("input[name=deadline]", (local_today(rt.settings.tz) + timedelta(days=10)).isoformat())
    await page.select_option("select[name=root]", str(world.units["C1"]))
    await page.click("button.primary:has-text('发布')")
    assert "任务已发布" in await page.inner_text("main")
    await switch(page, "steward", "/tasks")
    await page.click("main a:has-text('学历信息核对')")
    target_url = page.url
    await page.click("button.primary:has-text('接收任务')")
    await page.fill("textarea[name=text]", "已核对 21 人，更正 2 人。")
    await page.click("button.primary:has-text('提交反馈')")
    assert "反馈已提交" in await page.inner_text("main")
    await switch(page, "officer", "/" + target_url.split("/", 3)[3])
    assert await no_sideways_scroll(page), "evaluation: sideways scroll"
    assert await small_targets(page) == [], "evaluation: tap targets under 44 px"
    await shoot(page, "task-evaluate", tmp_path)
    await page.click("label.check:has-text('优')")
    await page.click("button.primary:has-text('保存评价')")
    assert "评价已保存" in await page.inner_text("main")
