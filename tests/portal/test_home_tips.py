"""The home page per persona (to-dos, lock status, tips and their links, escaped), the colour on
the unit page and as a labelled dot in lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from models.accounts.store import ScopeSpec
from models.core.db import local_today, transaction
from models.staffing.tables import PERSON
from models.warnings.tables import Warning
from tasks.colours import colour_month
from tests.factories import add_account, add_persons, person_record

TIPS = ('href="/warnings?rule=B3_OVERDUE_RETIRE"', "任职已超过 30 天，尚未录入任免文号")


async def seed_problems(rt, world) -> None:
    unit = world.units["C1-A"]
    await add_persons(rt, person_record("C1-A", seq=301, name="<b>赵</b>", leader_kind="unit_chief",
                                        appoint_date=date(2020, 1, 1)))
    async with transaction(rt.sessions) as session:
        await session.execute(update(PERSON).values(appoint_doc=None))
        session.add(Warning(fingerprint="B3:x", rule_code="B3_OVERDUE_RETIRE", severity="S1", unit_id=unit,
                            subject="x", detected_on=date(2026, 1, 1), due_date=date(2026, 1, 20)))


@pytest.mark.parametrize("persona", ["steward", "officer", "leader", "admin"])
async def test_home_shows_each_persona_its_tips_linked_to_where_they_are_fixed(as_user, world, rt, persona):
    await seed_problems(rt, world)
    if persona == "leader":
        await add_account(rt, "leader", "leader", [ScopeSpec("C1", True)], display_name="孙局长")
    html = await (await (await as_user(persona)).get("/")).text()
    assert all(tip in html for tip in TIPS), persona
    assert "&lt;b&gt;赵&lt;/b&gt;任职已超过" in html and "<b>赵</b>" not in html  # escaped
    assert 'href="/persons/' in html and "有 1 人已到退休年龄仍未办理退休" in html
    owes = "甲县财政局 本月已完成自查 0 次，还需 2 次" in html
    assert owes == (persona == "steward")  # self-checks due: the steward's own unit only


async def test_the_outsider_sees_no_tip_about_units_outside_its_scope(as_user, world, rt):
    await seed_problems(rt, world)
    html = await (await (await as_user("outsider")).get("/")).text()
    assert not any(tip in html for tip in TIPS) and "应退休未退休" not in html


async def test_the_colour_shows_on_the_unit_page_and_as_a_labelled_dot_in_lists(as_user, world, rt):
    async with transaction(rt.sessions) as session:
        session.add(Warning(fingerprint="C1:y", rule_code="C1_OVER_QUOTA", severity="S1", unit_id=world.units["C1-A"],
                            subject="y", detected_on=date(2026, 1, 1), due_date=date(2026, 1, 20)))
    today = local_today(rt.settings.tz)
    month = f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"
    await colour_month(rt, month=month, as_of=today)
    client = await as_user("officer")
    home = await (await client.get("/")).text()
    assert '<span class="dot" aria-hidden="true">●</span>红色</span>' in home
    page = await (await client.get(f"/units/{world.units['C1-A']}")).text()
    assert "红色单位" in page and "新的用编、用职事项暂缓审批" in page and "如何转为黄色" in page
    assert 'href="/warnings?unit=' in page and "1 条超编、超职数预警未整改" in page
    child = await (await client.get(f"/units/{world.units['C1']}")).text()
    assert "红色</span>" in child  # the 下属单位 list carries the dot too
