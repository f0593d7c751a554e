from __future__ import annotations

import re
from datetime import date

import pytest
from aiohttp import FormData
from sqlalchemy import select

from models.core.db import transaction
from models.warnings.config import change_rule
from models.warnings.scan import run_scan
from models.warnings.tables import Warning, WarningEvent
from tests.factories import add_persons, person_record
from tests.portal.conftest import csrf_token, login

LINK = re.compile(r'href="/warnings/(\d+)"')


@pytest.fixture
async def warned(rt, world):
    """C1-A over quota (steward's unit) plus an incomplete record in C2-A (outsider's unit)."""
    await add_persons(rt, *(person_record("C1-A", seq=101 + 2 * i) for i in range(6)),
                      person_record("C2-A", seq=201, education=None))
    async with transaction(rt.sessions) as session:
        await change_rule(session, code="C3_VACANCY", actor="test", enabled=False)  # the world is mostly vacant
        await run_scan(session, as_of=date(2026, 11, 23), full=True)
    async with rt.sessions() as session:
        return {w.rule_code: w.id for w in (await session.scalars(select(Warning))).all()}


async def post(client, path: str, **fields):
    data = {"_csrf": await csrf_token(client), **fields}
    return await client.post(path, data=data, allow_redirects=False)


async def shown_after(client, response) -> str:
    """The page a redirect leads to, as the browser shows it next."""
    return await (await client.get(response.headers["Location"].split("#")[0])).text()


async def warning_row(rt, warning_id: int) -> Warning:
    async with rt.sessions() as session:
        return await session.get(Warning, warning_id)


@pytest.mark.parametrize(("persona", "visible"), [
    ("steward", {"C1_OVER_QUOTA"}), ("officer", {"C1_OVER_QUOTA"}), ("outsider", {"A10_INCOMPLETE"}),
    ("admin", {"C1_OVER_QUOTA", "A10_INCOMPLETE"})])
async def test_it_shows_each_persona_only_the_warnings_in_scope(as_user, warned, persona, visible):
    client = await as_user(persona)
    listed = {int(i) for i in LINK.findall(await (await client.get("/warnings")).text())}
    assert listed == {warned[code] for code in visible}
    for code, warning_id in warned.items():
        response = await client.get(f"/warnings/{warning_id}")
        assert response.status == (200 if code in visible else 404)


async def test_it_shows_evidence_and_occupants(as_user, warned):
    client = await as_user("steward")
    html = await (await client.get(f"/warnings/{warned['C1_OVER_QUOTA']}")).text()
    assert "行政编制核定5名，实有6名" in html and "占编 / 任职人员（6）" in html and "3301**********" in html


async def test_a_double_tap_acknowledges_once(as_user, warned, rt):
    client = await as_user("steward")
    path = f"/warnings/{warned['C1_OVER_QUOTA']}/acknowledge"
    first, second = await post(client, path), await post(client, path)
    assert first.status == second.status == 303 and second.headers["Location"] == path.rsplit("/", 1)[0]
    assert "该预警的当前状态不能执行此操作" in await shown_after(client, second)
    row = await warning_row(rt, warned["C1_OVER_QUOTA"])
    assert row.status == "acknowledged" and row.acknowledged_by == "steward"
    async with rt.sessions() as session:
        kinds = [e.kind for e in (await session.scalars(select(WarningEvent).where(
            WarningEvent.warning_id == row.id))).all()]
    assert kinds == ["detected", "acknowledged"]


async def test_only_officers_snooze(as_user, warned, rt, client):
    steward = await as_user("steward")
    await post(steward, f"/warnings/{warned['C1_OVER_QUOTA']}/snooze", until="2027-01-10", reason="机构改革中")
    assert (await warning_row(rt, warned["C1_OVER_QUOTA"])).status == "open"
    await post(client, "/logout")
    assert (await login(client, "officer")).status == 303
    await post(client, f"/warnings/{warned['C1_OVER_QUOTA']}/snooze", until="2027-01-10", reason="机构改革中")
    row = await warning_row(rt, warned["C1_OVER_QUOTA"])
    assert row.status == "snoozed" and row.snoozed_until == date(2027, 1, 10)


async def test_a_steward_explains_and_an_officer_accepts(as_user, warned, rt, client):
    steward = await as_user("steward")
    form = FormData()
    form.add_field("_csrf", await csrf_token(steward))
    form.add_field("text", "两名人员已于11月办理调出，系统尚未同步")
    form.add_field("attachment", b"%PDF-1.4 test", filename="调出通知.pdf", content_type="application/pdf")
    response = await steward.post(f"/warnings/{warned['C1_OVER_QUOTA']}/dispute", data=form, allow_redirects=False)
    assert response.status == 303 and 'role="alert"' not in await shown_after(steward, response)
    html = await (await steward.get(f"/warnings/{warned['C1_OVER_QUOTA']}")).text()
    file_link = re.search(r'href="(/warnings/\d+/files/[^"]+)"', html).group(1)
    await post(client, "/logout")
    await login(client, "officer")
    assert await (await client.get(file_link)).read() == b"%PDF-1.4 test"
    await post(client, f"/warnings/{warned['C1_OVER_QUOTA']}/accept", note="已核实")
    assert (await warning_row(rt, warned["C1_OVER_QUOTA"])).status == "exception"
    await post(client, "/logout")
    await login(client, "outsider")
    assert (await client.get(file_link)).status == 404


async def test_it_refuses_attachments_of_other_types(as_user, warned):
    steward = await as_user("steward")
    form = FormData()
    form.add_field("_csrf", await csrf_token(steward))
    form.add_field("text", "附件测试说明文字")
    form.add_field("attachment", b"MZ", filename="run.exe", content_type="application/octet-stream")
    response = await steward.post(f"/warnings/{warned['C1_OVER_QUOTA']}/dispute", data=form, allow_redirects=False)
    assert 'role="alert"' in await shown_after(steward, response)


async def test_admins_change_rules_and_others_cannot(as_user, warned, rt, client):
    officer = await as_user("officer")
    assert (await officer.get("/admin/rules")).status == 200
    denied = await post(officer, "/admin/rules/C3_VACANCY", enabled="on", severity="S3",
                        **{"param.vacancy_percent": "30"})
    assert denied.status == 403
    await post(client, "/logout")
    await login(client, "admin")
    done = await post(client, "/admin/rules/C3_VACANCY", enabled="on", severity="S2",
                      **{"param.vacancy_percent": "30", "param.min_approved": "5"})
    assert done.status == 303 and 'role="alert"' not in await shown_after(client, done)
    html = await (await client.get("/admin/rules")).text()
    assert "第3版" in html  # the fixture made version 2
    bad = await post(client, "/admin/rules/C3_VACANCY", enabled="on", **{"param.vacancy_percent": '"x"'})
    assert 'role="alert"' in await shown_after(client, bad)
    assert 'role="alert"' not in await (await client.get("/admin/rules")).text(), "a message shows once"


async def test_no_link_can_put_words_into_an_alert(as_user, warned):
    client = await as_user("officer")
    for path in (f"/warnings/{warned['C1_OVER_QUOTA']}", "/admin/rules"):
        html = await (await client.get(path + "?error=账号已冻结，请致电13800000000")).text()
        assert "13800000000" not in html and 'role="alert"' not in html
    client.session.cookie_jar.update_cookies({"bzops_flash": "6LSm5Y+35bey5Ya757uT.0000"})
    assert 'role="alert"' not in await (await client.get("/admin/rules")).text(), "a forged message is ignored"


async def test_the_unit_page_lists_its_warnings_and_quality(as_user, warned, world):
    client = await as_user("steward")
    html = await (await client.get(f"/units/{world.units['C1-A']}")).text()
    assert "超编" in html and "完整性" in html and "数据质量" in html


async def test_the_person_page_shows_masked_data_and_history(as_user, warned, rt, world):
    client = await as_user("outsider")
    async with rt.sessions() as session:
        warning = await session.get(Warning, warned["A10_INCOMPLETE"])
    html = await (await client.get(f"/persons/{warning.person_id}")).text()
    assert "信息不全：学历" in html and "*******8000" in html and "建档" in html
    other = await as_user("steward")
    assert (await other.get(f"/persons/{warning.person_id}")).status == 404


async def test_a_snooze_is_capped_and_an_officer_can_lift_it(as_user, warned, rt):
    officer = await as_user("officer")
    path = f"/warnings/{warned['C1_OVER_QUOTA']}"
    too_far = await post(officer, f"{path}/snooze", until="9999-12-31", reason="再说")
    assert "暂缓最长90天" in await shown_after(officer, too_far)
    assert (await warning_row(rt, warned["C1_OVER_QUOTA"])).status == "open"
    await post(officer, f"{path}/snooze", until="2027-02-20", reason="机构改革中")  # 89 days after 2026-11-23
    assert (await warning_row(rt, warned["C1_OVER_QUOTA"])).status == "snoozed"
    await post(officer, f"{path}/unsnooze", reason="改革方案已批复")
    row = await warning_row(rt, warned["C1_OVER_QUOTA"])
    assert (row.status, row.snoozed_until) == ("open", None)
    assert "取消暂缓" in await (await officer.get(path)).text()


async def test_a_rejection_needs_a_reason_that_the_reviewer_saw_next_to_the_explanation(as_user, warned, rt,
                                                                                         client):
    steward = await as_user("steward")
    await post(steward, f"/warnings/{warned['C1_OVER_QUOTA']}/dispute", text="两人已调出，手续在办")
    await post(client, "/logout")
    await login(client, "officer")
    page = await (await client.get(f"/warnings/{warned['C1_OVER_QUOTA']}")).text()
    assert page.index("两人已调出，手续在办") < page.index("情况属实，例外关闭"), "the explanation comes first"
    assert "王专员" in page and ">steward<" not in page, "people are named, logins never shown"
    bare = await post(client, f"/warnings/{warned['C1_OVER_QUOTA']}/reject", note="")
    assert "退回时请填写理由" in await shown_after(client, bare)
    await post(client, f"/warnings/{warned['C1_OVER_QUOTA']}/reject", note="调出文件未附")
    assert (await warning_row(rt, warned["C1_OVER_QUOTA"])).status == "open"
    await post(client, "/logout")
    await login(client, "steward")
    assert "调出文件未附" in await (await client.get(f"/warnings/{warned['C1_OVER_QUOTA']}")).text()
