"""更正 and 二人复核 on a phone (headless Chromium, 375×812): big tap targets, no sideways scroll."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.core.db import transaction
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tests.factories import PASSWORD, add_persons, person_record
from tests.portal.test_browser import no_sideways_scroll, page, shoot
from tests.portal.test_corrections import DAY

__all__ = ["page"]
pytestmark = pytest.mark.browser


async def log_in(page, name: str) -> None:
    await page.fill("input[name=login]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")


async def small_targets(page) -> list[str]:
    """Inputs, selects, buttons and choice labels (a radio is tapped through its label) lower than 44 px."""
    found = await page.evaluate("""[...document.querySelectorAll('main input:not([type=hidden]):not([type=radio]),'
        + 'main select, main button, main a.button, main label.check')]
        .filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML)""")
    return list(found)


async def test_a_steward_corrects_from_a_phone_and_an_officer_confirms(page, rt, world, tmp_path: Path):
    await add_persons(rt, person_record("C1-A", seq=101, name="张三", post_unit_code="C1-B"),
                      person_record("C1-A", seq=105, name="王五", status="retired", exit_date=DAY))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=DAY, full=True)
    async with rt.sessions() as session:
        ids = dict((await session.execute(select(col(Warning.rule_code), col(Warning.id)))).all())
    await page.goto(f"/warnings/{ids['D1_POST_UNIT']}/correct?via=card")
    await log_in(page, "steward")
    assert page.url.endswith("/correct?via=card"), "back where the card pointed, after login"
    assert await no_sideways_scroll(page) and await small_targets(page) == []
    await shoot(page, "correct-form", tmp_path)
    await page.select_option("select[name=post_unit_code]", "C1-A")
    await page.click("button.primary")
    assert "预警已消除" in await page.inner_text("main") and await no_sideways_scroll(page)
    await shoot(page, "correct-done", tmp_path)
    await page.goto(f"/warnings/{ids['B5_RETIRED_IN_EST']}/correct")
    await page.select_option("select[name=in_est]", "出编")
    await shoot(page, "correct-sensitive", tmp_path)
    await page.click("button.primary")
    assert "已提交复核" in await page.inner_text("main")
    await page.click("text=查看复核进度")
    change_url = page.url
    await page.click("button.link:has-text('退出')")
    await page.goto(change_url)
    await log_in(page, "officer")
    assert await no_sideways_scroll(page) and await small_targets(page) == []
    await shoot(page, "change-review", tmp_path)
    await page.click("text=核对无误，确认生效")
    assert "已复核生效" in await page.inner_text("main")
    await shoot(page, "change-applied", tmp_path)


async def test_the_other_forms_fit_a_phone_too(page, rt, world, tmp_path: Path):
    await add_persons(rt, *(person_record("C1-A", seq=121 + 2 * i) for i in range(6)),  # 6 on 5 行政编制: 超编
                      person_record("C1-A", seq=141, name="钱七"), person_record("C1-B", seq=141, name="钱七"))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=DAY, full=True)
    async with rt.sessions() as session:
        ids = dict((await session.execute(select(col(Warning.rule_code), col(Warning.id))
                                          .where(col(Warning.unit_id) == world.units["C1-A"]))).all())
    await page.goto(f"/warnings/{ids['A6_DUPLICATE']}")
    await log_in(page, "steward")
    assert await page.locator("a.button:has-text('更正记录')").count() == 1
    await shoot(page, "warning-with-correct", tmp_path)
    for name, rule in (("correct-pick", "A6_DUPLICATE"), ("correct-quota", "C1_OVER_QUOTA")):
        await page.goto(f"/warnings/{ids[rule]}/correct")
        assert await no_sideways_scroll(page) and await small_targets(page) == []
        await shoot(page, name, tmp_path)
    assert await page.locator("input[name='quotas.XZ']").input_value() == "5"
