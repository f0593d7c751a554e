"""The unit page's 内设机构 section: count against 内设机构限额, each body's 职数, flags in Chinese."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, update

from models.core.db import transaction
from models.staffing.tables import UNIT
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tests.factories import add_bodies, add_persons, body_record, person_record


def text_of(html: str) -> str:
    section = html.split('id="bodies"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


async def set_limit(rt, unit_id: int, limit: int | None) -> None:
    async with transaction(rt.sessions) as session:
        await session.execute(update(UNIT).where(UNIT.c.id == unit_id).values(internal_limit=limit))


async def test_it_shows_bodies_against_the_limit_and_their_posts(as_user, world, rt):
    await set_limit(rt, world.units["C1-A"], 1)
    await add_bodies(rt, body_record("C1-A", "01", name="办公室<script>", grade="正科", chief_posts=1),
                     body_record("C1-A", "02", name="预算科", chief_posts=None, deputy_posts=2),
                     body_record("C1-A", "03", name="旧科室", status="abolished", approval_doc="县编〔2020〕1号"))
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i, leader_kind="internal_chief", body_code="01")
                            for i in range(2)),
                      person_record("C1-A", seq=111, leader_kind="internal_deputy", body_code="02"))
    client = await as_user("steward")
    html = await (await client.get(f"/units/{world.units['C1-A']}")).text()
    assert "办公室&lt;script&gt;" in html and "办公室<script>" not in html
    shown = text_of(html)
    assert "内设机构 限额 1 个，现有 2 个" in shown
    assert "超限额 ：现有内设机构 2 个，超过核定限额 1 个" in shown
    assert "办公室&lt;script&gt; 正科 1/2 超职数 1/0" in shown
    assert "预算科 正科 —/0 2/1 " in shown and "“—”表示未单独核定职数" in shown
    assert "已撤销的内设机构（1 个） 旧科室 县编〔2020〕1号" in shown


async def test_a_unit_within_its_limit_has_no_flags(as_user, world, rt):
    await set_limit(rt, world.units["C1-A"], 3)
    await add_bodies(rt, body_record("C1-A", "01", name="办公室"))
    client = await as_user("steward")
    shown = text_of(await (await client.get(f"/units/{world.units['C1-A']}")).text())
    assert "限额 3 个，现有 1 个" in shown and "办公室 正科 1/0 1/0" in shown
    assert "超" not in shown and "已撤销" not in shown


async def test_a_unit_without_bodies_says_so(as_user, world):
    client = await as_user("steward")
    shown = text_of(await (await client.get(f"/units/{world.units['C1-A']}")).text())
    assert "现有 0 个" in shown and "尚未录入内设机构" in shown and "限额" not in shown


async def test_a_body_post_warning_lists_the_holders_it_counts(as_user, world, rt):
    await add_bodies(rt, body_record("C1-A", "01", name="办公室", chief_posts=1),
                     body_record("C1-A", "02", name="预算科", chief_posts=1))
    await add_persons(rt, person_record("C1-A", seq=101, name="甲科长", leader_kind="internal_chief", body_code="01"),
                      person_record("C1-A", seq=103, name="乙科长", leader_kind="internal_chief", body_code="01"),
                      person_record("C1-A", seq=105, name="副主任", leader_kind="internal_deputy", body_code="01"),
                      person_record("C1-A", seq=107, name="丙科长", leader_kind="internal_chief", body_code="02"))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
        warning = (await session.scalars(select(Warning).where(Warning.rule_code == "C5_BODY_OVER_POSTS"))).one()
    client = await as_user("steward")
    html = await (await client.get(f"/warnings/{warning.id}")).text()
    assert "内设机构“办公室”正职核定1名，实配2名" in html
    listed = html.split("占编 / 任职人员（2）", 1)[1].split("</ul>", 1)[0]
    assert "甲科长" in listed and "乙科长" in listed and "副主任" not in listed and "丙科长" not in listed
