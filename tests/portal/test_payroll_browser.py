"""财政 on a phone (375×812): upload a month's roster from the form, read the result, no sideways scroll."""

from __future__ import annotations

import pytest

from models.accounts.store import ScopeSpec
from tests.factories import PASSWORD, add_account, add_persons, make_id, person_record
from tests.portal.test_browser import no_sideways_scroll, page, shoot

__all__ = ["page"]
pytestmark = pytest.mark.browser


async def test_finance_uploads_a_roster_on_a_phone(page, world, rt, tmp_path):
    await add_account(rt, "finance", "finance", [ScopeSpec("C1", True)], display_name="县财政局张科长")
    await add_persons(rt, person_record("C1-A", seq=101, name="甲在编"), person_record("C1-A", seq=103, name="乙在编"))
    source = tmp_path / "名单.csv"
    source.write_text(f"身份证号,姓名,单位编码,工资类别\n{make_id(seq=101)},甲在编,C1-A,公务员\n"
                      f"{make_id(seq=105)},某某某某某某某某某某某某某某某某某某某某,C1-A,公务员\n", encoding="utf-8")
    await page.goto("/login")
    await page.fill("input[name=login]", "finance")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.click("nav >> text=发薪")
    await page.wait_for_selector("text=尚未导入工资统发名单")
    await page.set_input_files("input[name=file]", str(source))
    await page.click("text=导入（同一月份再次导入即替换）")
    await page.wait_for_selector("text=名单已导入：共2人")
    assert await no_sideways_scroll(page)
    await shoot(page, "payroll", tmp_path)
