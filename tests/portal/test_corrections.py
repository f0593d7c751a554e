"""更正 from a warning: the pre-filled form, the importer's checks, the answer in the same response."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from models.core.db import transaction
from models.staffing.tables import PendingChange, Person, PersonEvent
from models.warnings.scan import run_scan
from models.warnings.tables import Warning, WarningEvent
from tests.factories import add_persons, person_record
from tests.portal.conftest import csrf_token

DAY = date(2026, 11, 23)


@pytest.fixture
async def warned(rt, world) -> dict[str, int]:
    """In the steward's unit: a post held elsewhere (D1), a birth date the ID number contradicts (A3),
    a retiree still in establishment (B5); one record in the outsider's county."""
    await add_persons(rt, person_record("C1-A", seq=101, name="张三", post_unit_code="C1-B"),
                      person_record("C1-A", seq=103, name="李四", birth_date=date(1985, 6, 16)),
                      person_record("C1-A", seq=105, name="王五", status="retired", exit_date=date(2026, 10, 8)),
                      person_record("C2-A", seq=107, name="赵六", post_unit_code="C1-A"))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=DAY, full=True)
    async with rt.sessions() as session:
        rows = (await session.execute(select(col(Warning.rule_code), col(Warning.unit_id), col(Warning.id)))).all()
    return {f"{code}@{'C2' if unit == world.units['C2-A'] else 'C1'}": wid for code, unit, wid in rows}


async def person_named(rt, name: str) -> Person:
    async with rt.sessions() as session:
        return (await session.scalars(select(Person).where(Person.name == name))).one()


async def events_of(rt, person_id: int) -> list[PersonEvent]:
    async with rt.sessions() as session:
        query = select(PersonEvent).where(PersonEvent.person_id == person_id, PersonEvent.kind == "update")
        return list((await session.scalars(query)).all())


async def status_of(rt, warning_id: int) -> str:
    async with rt.sessions() as session:
        return (await session.get(Warning, warning_id)).status


async def submit(client, warning_id: int, **fields):
    data = {"_csrf": await csrf_token(client), **fields}
    return await client.post(f"/warnings/{warning_id}/correct", data=data, allow_redirects=False)


async def test_a_correction_resolves_its_warning_and_says_so_in_the_same_response(as_user, rt, warned, world):
    steward = await as_user("steward")
    warning = warned["D1_POST_UNIT@C1"]
    form = await (await steward.get(f"/warnings/{warning}/correct")).text()
    assert "任职机构" in form and 'value="C1-B" selected' in form, "pre-filled with the stored post unit"
    assert "现为：甲县教育局" in form and "现为：C1-B" not in form, "units by name, never by code"
    person = await person_named(rt, "张三")
    response = await submit(steward, warning, post_unit_code="C1-A", post_title="科员", base=str(person.version))
    page = await response.text()
    assert response.status == 200 and "预警已消除" in page
    assert "甲县教育局 → 甲县财政局" in page, "the change in words, units by name"
    assert await status_of(rt, warning) == "resolved"
    after = await person_named(rt, "张三")
    assert after.post_unit_id == world.units["C1-A"] and after.version == person.version + 1
    [event] = await events_of(rt, person.id)
    assert (event.source, event.actor, event.reviewer) == ("portal", "steward", None)
    assert event.changes == {"post_unit_id": [world.units["C1-B"], world.units["C1-A"]]}


async def test_a_correction_from_a_card_is_recorded_as_the_robot_and_names_the_actor(as_user, rt, warned):
    steward = await as_user("steward")
    warning, person = warned["D1_POST_UNIT@C1"], await person_named(rt, "张三")
    page = await (await steward.get(f"/warnings/{warning}/correct?via=card&link=abc.def")).text()
    assert 'name="via" value="card"' in page and 'name="link" value="abc.def"' in page
    await submit(steward, warning, post_unit_code="C1-A", post_title="科员", base=str(person.version), via="card",
                 link="abc.def")
    [event] = await events_of(rt, person.id)
    assert event.source == "bot"
    history = await (await steward.get(f"/persons/{person.id}")).text()
    assert "王专员（机器人）" in history


async def test_a_bad_value_is_shown_with_its_field_and_nothing_is_saved(as_user, rt, warned):
    steward = await as_user("steward")
    warning, person = warned["A3_ID_MISMATCH@C1"], await person_named(rt, "李四")
    response = await submit(steward, warning, birth_date="1985-06-17", sex="男", base=str(person.version))
    page = await response.text()
    assert response.status == 400
    assert "出生日期与身份证号不符" in page and 'value="1985-06-17"' in page, "the reason by the field, as typed"
    response = await submit(steward, warning, birth_date="1985-02-30", sex="男", base=str(person.version))
    assert "不是有效日期" in await response.text()
    response = await submit(steward, warning, id_number="330106198506151230", base=str(person.version))
    assert "校验位错误" in await response.text(), "a typed ID number is checked like an imported one"
    assert (await person_named(rt, "李四")).version == person.version and await events_of(rt, person.id) == []
    assert await status_of(rt, warning) == "open"
    response = await submit(steward, warning, birth_date="1985-06-15", sex="男", base=str(person.version))
    assert "预警已消除" in await response.text()


async def test_a_form_read_before_someone_else_saved_is_refused_but_a_double_submit_is_calm(as_user, rt, warned):
    steward = await as_user("steward")
    warning, person = warned["D1_POST_UNIT@C1"], await person_named(rt, "张三")
    fields = {"post_unit_code": "C1-A", "post_title": "科员", "base": str(person.version)}
    assert "预警已消除" in await (await submit(steward, warning, **fields)).text()
    again = await submit(steward, warning, **fields)
    assert again.status == 200 and "无需重复提交" in await again.text()
    stale = await submit(steward, warning, **{**fields, "post_title": "副科长"})
    assert stale.status == 400 and "刚被他人修改" in await stale.text()
    assert len(await events_of(rt, person.id)) == 1


async def test_what_still_fails_is_named(as_user, rt, warned):
    steward = await as_user("steward")
    warning, person = warned["A3_ID_MISMATCH@C1"], await person_named(rt, "李四")
    async with transaction(rt.sessions) as session:  # a second problem with the same record
        await session.execute(Person.__table__.update().where(Person.id == person.id).values(education=None))
    page = await (await submit(steward, warning, birth_date="1985-06-15", sex="男", base=str(person.version))).text()
    assert "预警已消除" in page and "仍有 1 条预警" in page and "入编后信息未及时完善" in page


async def test_outside_the_scope_the_form_does_not_exist(as_user, warned):
    outsider = await as_user("outsider")
    warning = warned["D1_POST_UNIT@C1"]
    assert (await outsider.get(f"/warnings/{warning}/correct")).status == 404
    assert (await submit(outsider, warning, post_unit_code="C2-A")).status == 404


async def test_leaders_and_auditors_may_not_correct(client, rt, warned, world):
    from models.accounts.store import ScopeSpec
    from tests.factories import add_account
    from tests.portal.conftest import login

    await add_account(rt, "leader", "leader", [ScopeSpec("C1", True)])
    await login(client, "leader")
    assert (await client.get(f"/warnings/{warned['D1_POST_UNIT@C1']}/correct")).status == 403
    page = await (await client.get(f"/warnings/{warned['D1_POST_UNIT@C1']}")).text()
    assert "更正记录" not in page, "no button for a role that may not correct"


async def test_the_warning_page_offers_the_correction(as_user, warned):
    steward = await as_user("steward")
    page = await (await steward.get(f"/warnings/{warned['D1_POST_UNIT@C1']}")).text()
    assert f'href="/warnings/{warned["D1_POST_UNIT@C1"]}/correct"' in page


async def test_the_timeline_of_the_warning_names_the_correction(as_user, rt, warned):
    steward = await as_user("steward")
    warning, person = warned["D1_POST_UNIT@C1"], await person_named(rt, "张三")
    await submit(steward, warning, post_unit_code="C1-A", post_title="科员", base=str(person.version))
    async with rt.sessions() as session:
        kinds = (await session.scalars(select(col(WarningEvent.kind)).where(WarningEvent.warning_id == warning)
                                       .order_by(WarningEvent.id))).all()
    assert kinds == ["detected", "corrected", "resolved"]
    page = await (await steward.get(f"/warnings/{warning}")).text()
    assert "已更正记录" in page and "任职机构：甲县教育局 → 甲县财政局" in page


async def test_a_rule_whose_fix_is_not_a_field_explains_where_to_go(as_user, rt, warned):
    async with transaction(rt.sessions) as session:
        session.add(Warning(fingerprint="X9:u1", rule_code="X9_FUTURE", severity="S3", unit_id=1, subject="u1",
                            detected_on=DAY))
    async with rt.sessions() as session:
        wid = await session.scalar(select(col(Warning.id)).where(Warning.rule_code == "X9_FUTURE"))
    admin = await as_user("admin")
    page = await (await admin.get(f"/warnings/{wid}/correct")).text()
    assert "提交情况说明" in page and "批量导入" in page and "保存更正" not in page
    assert (await submit(admin, wid)).status == 400
    async with rt.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PendingChange)) == 0


async def test_a_unit_code_is_corrected_at_once_and_checked_more_strictly_than_an_import(as_user, rt, world):
    from models.staffing.tables import Unit
    from tests.factories import add_units, unit_record

    await add_units(rt, unit_record("C1-A", name="甲县财政局", parent_code="C1", uscc="113301060000000784"))
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=DAY, full=True)
    async with rt.sessions() as session:
        warning = await session.scalar(select(col(Warning.id)).where(col(Warning.rule_code) == "A8_USCC_INVALID"))
        unit = await session.get(Unit, world.units["C1-A"])
    steward = await as_user("steward")
    form = await (await steward.get(f"/warnings/{warning}/correct")).text()
    assert "统一社会信用代码" in form and 'value="113301060000000784"' in form
    refused = await submit(steward, warning, uscc="113301060000000785", base=str(unit.version))
    assert refused.status == 400 and "校验不通过" in await refused.text()
    page = await (await submit(steward, warning, uscc="113301060000000788", base=str(unit.version))).text()
    assert "预警已消除" in page and "113301060000000784 → 113301060000000788" in page
    async with rt.sessions() as session:
        assert (await session.get(Unit, world.units["C1-A"])).uscc == "113301060000000788"
