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
    assert re.search(r"<td>行政编制</td><td>5</td><td>3</td>\s*<td>2</td>", html)
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
