"""The unit page's 内设机构 section on a phone (375×812): readable, no sideways scrolling."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from models.core.db import transaction
from models.staffing.tables import UNIT
from tests.factories import PASSWORD, add_bodies, add_persons, body_record, person_record
from tests.portal.test_browser import no_sideways_scroll, page, shoot  # noqa: F401  (page is a fixture)

pytestmark = pytest.mark.browser
LONG = "党风廉政建设和纪检监察综合协调与信息化管理科"


async def test_the_bodies_section_fits_a_phone(page, world, rt, tmp_path):  # noqa: F811
    async with transaction(rt.sessions) as session:
        await session.execute(update(UNIT).where(UNIT.c.id == world.units["C1-A"]).values(internal_limit=1))
    await add_bodies(rt, body_record("C1-A", "01", name=LONG, grade="正科", chief_posts=1, deputy_posts=None),
                     body_record("C1-A", "02", name="办公室"))
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i, leader_kind="internal_chief", body_code="01")
                            for i in range(2)))
    await page.goto("/login")
    await page.fill("input[name=login]", "steward")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.goto(f"/units/{world.units['C1-A']}#bodies")
    section = page.locator("#bodies")
    text = await section.inner_text()
    assert "超限额" in text and "超职数" in text and LONG in text
    assert await no_sideways_scroll(page)
    box = await section.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    await shoot(page, "unit-bodies", tmp_path)
