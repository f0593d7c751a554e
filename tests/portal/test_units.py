from __future__ import annotations

import re

import pytest

from tests.factories import add_persons, person_record

UNIT_LINK = re.compile(r'href="/units/(\d+)"')

VISIBLE = {
    "steward": {"C1-A"},
    "officer": {"C1", "C1-A", "C1-B", "C1-B-1"},
    "outsider": {"C2-A"},
    "admin": {"C1", "C1-A", "C1-B", "C1-B-1", "C2", "C2-A"},
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
async def test_it_lists_exactly_the_units_in_scope(as_user, world, persona):
    client = await as_user(persona)
    html = await (await client.get("/")).text()
    shown = {int(i) for i in UNIT_LINK.findall(html)}
    assert shown == {world.units[c] for c in VISIBLE[persona]}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
async def test_it_opens_only_units_in_scope(as_user, world, persona):
    client = await as_user(persona)
    for code, unit_id in world.units.items():
        response = await client.get(f"/units/{unit_id}")
        expected = 200 if code in VISIBLE[persona] else 404
        assert response.status == expected, (persona, code)


async def test_it_shows_quota_against_actual_and_posts(as_user, world, rt):
    await add_persons(rt, person_record("C1-A", seq=101), person_record("C1-A", seq=103, leader_kind="unit_chief"),
                      person_record("C1-A", seq=105, leader_kind="unit_chief"),
                      person_record("C1-A", seq=107, status="retired", exit_date=None))
    client = await as_user("steward")
    html = await (await client.get(f"/units/{world.units['C1-A']}")).text()
    # The retired person's 编制 is not released: it is still occupied (domain §9 C1).
    assert re.search(r"<td>行政编制</td><td>5</td><td>4</td>\s*<td>1</td>", html)
    assert re.search(r"<td>单位领导正职</td><td>1</td>\s*<td>2 <strong>超职数</strong>", html)


async def test_it_searches_units_with_an_htmx_partial(as_user, world):
    client = await as_user("officer")
    response = await client.get("/?q=教育", headers={"HX-Request": "true"})
    html = await response.text()
    assert "<html" not in html and "甲县教育局" in html and "甲县财政局" not in html


async def test_it_fits_a_phone_screen(as_user, world):
    client = await as_user("officer")
    html = await (await client.get("/")).text()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


async def test_home_puts_units_with_problems_first_with_labelled_figures(as_user, world, rt):
    from datetime import date

    from models.core.db import transaction
    from models.warnings.scan import run_scan

    await add_persons(rt, *(person_record("C1-B", seq=101 + 2 * i) for i in range(6)))  # C1-B: 5 XZ approved
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
    client = await as_user("officer")
    html = await (await client.get("/")).text()
    listed = [int(i) for i in UNIT_LINK.findall(html)]
    assert listed[0] == world.units["C1-B"], "the unit with open problems comes first"
    assert "实有 6 / 核定 6 · 超编" not in html and "实有 6 / 核定 6" in html
    assert re.search(r"预警 \d+", html) and "无预警" in html
    county = await (await client.get(f"/units/{world.units['C1']}")).text()
    assert "下属单位" in county and f'href="/units/{world.units["C1-A"]}"' in county
    inbox = await (await client.get("/warnings")).text()
    assert ">S1<" not in inbox and ">S2<" not in inbox and (">严重<" in inbox or ">一般<" in inbox)
