"""事项 on a phone (headless Chromium, 375×812): a steward files a 用编申请 seeing the room first, the
officer approves at 科室初审, the leader at 分管领导终审, the steward sees 已批准 — big tap targets,
no sideways scroll, the decision buttons within the thumb's reach."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.staffing.tables import Person
from tests.factories import add_persons, person_record
from tests.portal.items_support import leader
from tests.portal.test_browser import no_sideways_scroll, page, shoot
from tests.portal.test_browser_corrections import log_in, small_targets

__all__ = ["leader", "page"]
pytestmark = pytest.mark.browser


async def log_out_and_in(page, name: str, url: str) -> None:
    await page.click("button.link:has-text('退出')")
    await page.goto(url)
    await log_in(page, name)
    assert page.url.endswith(url), "back where the link pointed, after login"


async def check_phone(page, name: str, tmp_path: Path) -> None:
    assert await no_sideways_scroll(page), f"{name}: sideways scroll"
    assert await small_targets(page) == [], f"{name}: tap targets under 44 px"
    await shoot(page, name, tmp_path)


async def test_a_use_of_quota_is_filed_and_approved_on_phones(page, world, leader, tmp_path: Path):
    await page.goto("/items")
    await log_in(page, "steward")
    await check_phone(page, "items-empty", tmp_path)
    await page.click("a.button:has-text('新建事项')")
    await check_phone(page, "items-new", tmp_path)
    await page.click("a.row:has-text('用编申请')")
    assert "可用 5 名" in (await page.inner_text("#room")).replace("\n", "")
    await page.select_option("select[name=est_type]", "GQ")  # the room follows the type (HTMX)
    await page.locator("#room", has_text="工勤编制").wait_for()
    await page.select_option("select[name=est_type]", "XZ")
    await page.locator("#room", has_text="行政编制").wait_for()
    await page.fill("input[name=count]", "2")
    await page.fill("textarea[name=reason]", "补充两名退休人员的空缺")
    await check_phone(page, "item-form", tmp_path)
    await page.click("button.primary:has-text('提交用编申请')")
    assert "已提交，进入科室初审" in await page.inner_text("main")
    await check_phone(page, "item-filed", tmp_path)
    item_url = page.url.split("portal.test")[-1]
    item_path = "/" + item_url.split("/", 3)[3]
    await log_out_and_in(page, "officer", "/items")
    assert "申请使用行政编制2名" in await page.inner_text("main")
    await check_phone(page, "items-todo", tmp_path)
    await page.click("a.row:has-text('申请使用行政编制2名')")
    await check_phone(page, "item-decide", tmp_path)
    await page.fill("textarea[name=note]", "人数与退休空缺一致")
    await page.click(".decide-bar button.primary:has-text('同意')")
    assert "转入分管领导终审" in await page.inner_text("main")
    await log_out_and_in(page, "leader", item_path)
    await page.fill("input[name=doc_no]", "安编办〔2026〕12号")
    await check_phone(page, "item-final", tmp_path)
    await page.click(".decide-bar button.primary:has-text('同意')")
    await log_out_and_in(page, "steward", item_path)
    text = await page.inner_text("main")
    assert "已批准" in text and "安编办〔2026〕12号" in text and "批准后" in text
    await check_phone(page, "item-approved", tmp_path)


async def test_the_other_item_pages_fit_a_phone(page, rt, world, leader, tmp_path: Path):
    await add_persons(rt, person_record("C1-A", seq=101, name="张三"))
    async with rt.sessions() as session:
        zhang = (await session.scalars(select(col(Person.id)).where(col(Person.name) == "张三"))).one()
    unit = world.units["C1-A"]
    await page.goto("/items/new/enter")
    await log_in(page, "steward")
    await check_phone(page, "form-enter", tmp_path)
    forms = {"form-posts": f"/items/new/posts?unit={unit}", "form-appoint": f"/items/new/appoint?unit={unit}",
             "form-exit": f"/items/new/exit?person={zhang}", "form-unlock": f"/items/new/unlock?unit={unit}"}
    for name, path in forms.items():
        await page.goto(path)
        await check_phone(page, name, tmp_path)
    await page.click("button.link:has-text('退出')")
    await page.goto("/admin/flows")
    await log_in(page, "admin")
    await check_phone(page, "flows", tmp_path)
    await page.click("a.row:has-text('用编申请')")
    await page.click("button:has-text('添加环节')")
    await check_phone(page, "flow-edit", tmp_path)
    await page.goto("/items/stats")
    await check_phone(page, "item-stats", tmp_path)
