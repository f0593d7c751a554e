"""评分 pages on the real app: who sees which list, a unit's breakdown with links, 申诉 through the
form (reason required, double tap acts once), the officer's 接受/驳回, 发布 refused while an appeal
is pending and then allowed, 重新计算草稿, and unit names escaped everywhere."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select, update

from models.core.db import local_today, transaction
from models.scores.period import previous_month
from models.scores.query import runs_of
from models.scores.runs import draft_scores
from models.scores.tables import APPEAL, SCORE_LINE
from models.staffing.tables import UNIT
from portal.app import create_app
from tests.factories import add_persons, person_record
from tests.portal.conftest import csrf_token, login
from tests.portal.scores_support import appeal, deductions_of_unit, draft_now

EVIL = '<img src=x onerror="alert(1)">甲县财政局'


@pytest.fixture
async def ranked(rt, world):
    """Three persons in each county bureau, so they are ranked rather than listed apart."""
    for n, code in enumerate(("C1-A", "C1-B", "C2-A")):
        await add_persons(rt, *[person_record(code, seq=200 + 10 * n + k) for k in range(3)])
    return world


async def last_month(rt) -> str:
    """Draft last month as of today: the runs are in preview (公示中) and appeals are open."""
    today = local_today(rt.settings.tz)
    async with transaction(rt.sessions) as session:
        await draft_scores(session, settings=rt.settings, month=previous_month(today), as_of=today)
    return previous_month(today)


async def signed_in(aiohttp_client, settings, name: str) -> TestClient:
    client = await aiohttp_client(create_app(settings))
    assert (await login(client, name)).status == 303
    return client


async def post(client: TestClient, path: str, **data) -> tuple[str, str]:
    """Post a form; (where it ended, the page there)."""
    response = await client.post(path, data={"_csrf": await csrf_token(client), **data})
    return str(response.url.path), await response.text()


async def score_of(rt, unit_id: int, run_id: int) -> float:
    async with rt.sessions() as session:
        return float(await session.scalar(select(SCORE_LINE.c.score).where(
            SCORE_LINE.c.unit_id == unit_id, SCORE_LINE.c.run_id == run_id)))


async def run_of(rt, month: str, unit_id: int):
    """The run of ``month`` that ranks the unit."""
    async with rt.sessions() as session:
        runs = {r.id: r for r in await runs_of(session, month=month)}
        found = await session.scalars(select(SCORE_LINE.c.run_id).where(SCORE_LINE.c.unit_id == unit_id))
        return next(runs[run_id] for run_id in found if run_id in runs)


async def test_drafts_are_for_the_office_and_a_steward_sees_its_own(aiohttp_client, settings, redis, rt, ranked):
    month = await draft_now(rt)
    officer = await signed_in(aiohttp_client, settings, "officer")
    page = await (await officer.get("/scores")).text()
    assert "红榜" in page and "草稿" in page and "甲县财政局" in page and "参评单位" in page
    assert f"{month[:4]}年" in page and "region" not in page and "None" not in page
    steward = await signed_in(aiohttp_client, settings, "steward")
    page = await (await steward.get("/scores")).text()
    assert "该月的榜单尚未发布" in page and "本单位得分" in page and "甲县教育局" not in page
    run = await run_of(rt, month, ranked.units["C1-A"])
    detail = await (await steward.get(f"/scores/runs/{run.id}/units/{ranked.units['C1-A']}")).text()
    assert "自查次数不足" in detail and 'href="/selfcheck"' in detail and "申诉</a>" in detail
    outsider = await signed_in(aiohttp_client, settings, "outsider")
    assert (await outsider.get(f"/scores/runs/{run.id}/units/{ranked.units['C1-A']}")).status == 404
    leader = await aiohttp_client(create_app(settings))
    assert (await leader.get("/scores", allow_redirects=False)).status in (302, 303)


async def test_an_appeal_through_the_form_acts_once_and_the_officer_accepts_it(aiohttp_client, settings, redis,
                                                                               rt, ranked):
    await last_month(rt)
    unit = ranked.units["C1-A"]
    (first, run_id), (second, _) = (await deductions_of_unit(rt, unit))[:2]
    before = await score_of(rt, unit, run_id)
    steward = await signed_in(aiohttp_client, settings, "steward")
    form = await (await steward.get(f"/scores/deductions/{first}/appeal")).text()
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    where, page = await post(steward, f"/scores/deductions/{first}/appeal", version=version, reason="  ")
    assert "请填写理由" in page and where.endswith("/appeal")
    for _ in range(2):  # a double tap: the second finds the appeal filed
        where, page = await post(steward, f"/scores/deductions/{first}/appeal", version=version, reason="已补做自查")
    assert where == f"/scores/runs/{run_id}/units/{unit}" and "该扣分已经申诉过" in page and "待处理" in page
    async with rt.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(APPEAL)) == 1
    officer = await signed_in(aiohttp_client, settings, "officer")
    inbox = await (await officer.get("/scores/appeals")).text()
    assert "已补做自查" in inbox and "王专员" in inbox and "待处理（1）" in inbox
    appeal_id = re.search(r'/scores/appeals/(\d+)/accept', inbox).group(1)
    _, page = await post(officer, f"/scores/appeals/{appeal_id}/accept", version="1", note="   ")
    assert "请填写理由" in page
    _, page = await post(officer, f"/scores/appeals/{appeal_id}/accept", version="1", note="核实属实")
    assert "已接受申诉" in page and await score_of(rt, unit, run_id) > before
    _, page = await post(officer, f"/scores/appeals/{appeal_id}/reject", version="1", note="重复点击")
    assert "已由他人处理" in page or "已处理" in page  # the second tap acts on nothing
    other = await appeal(rt, ranked, second)
    _, page = await post(officer, f"/scores/appeals/{other}/reject", version="1", note="自查记录不完整")
    assert "已驳回申诉" in page
    detail = await (await steward.get(f"/scores/runs/{run_id}/units/{unit}")).text()
    assert "已采纳" in detail and "已驳回" in detail and "自查记录不完整" in detail and "已撤销此项扣分" in detail


async def test_publish_is_refused_while_an_appeal_waits_then_everyone_reads_the_list(aiohttp_client, settings, redis,
                                                                                   rt, ranked):
    month = await last_month(rt)
    unit = ranked.units["C1-A"]
    run = await run_of(rt, month, unit)
    appeal_id = await appeal(rt, ranked, (await deductions_of_unit(rt, unit))[0][0])
    admin = await signed_in(aiohttp_client, settings, "admin")
    page = await (await admin.get(f"/scores?month={month}")).text()
    assert "公示中" in page and "申诉截止" in page and "待处理申诉 1 条" in page
    _, page = await post(admin, f"/scores/runs/{run.id}/publish", version=str(run.version))
    assert "尚有1条申诉未处理" in page
    _, page = await post(admin, f"/scores/appeals/{appeal_id}/reject", version="1", note="依据不足")
    _, page = await post(admin, f"/scores/runs/{run.id}/publish", version=str(run.version))
    assert "已发布" in page and "红黑榜（" in page and "待处理申诉" not in page
    _, again = await post(admin, f"/scores/runs/{run.id}/publish", version=str(run.version))
    assert "已由他人发布" in again or "只有月份结束后" in again  # a double tap publishes once
    steward = await signed_in(aiohttp_client, settings, "steward")
    page = await (await steward.get(f"/scores?month={month}")).text()
    assert "已发布" in page and "红榜" in page and "甲县财政局" in page
    detail = await (await steward.get(f"/scores/runs/{run.id}/units/{unit}")).text()
    assert "申诉</a>" not in detail  # frozen: no more appeals
    home = await (await steward.get("/")).text()
    assert f"{month[:4]}年{int(month[5:])}月 红黑榜" in home and "红榜" in home, "every home page shows the list"


async def test_recompute_a_draft_and_unit_names_are_escaped(aiohttp_client, settings, redis, rt, ranked):
    month = await draft_now(rt)
    async with transaction(rt.sessions) as session:
        await session.execute(update(UNIT).where(UNIT.c.id == ranked.units["C1-A"]).values(name=EVIL))
    admin = await signed_in(aiohttp_client, settings, "admin")
    run = await run_of(rt, month, ranked.units["C1-A"])
    _, page = await post(admin, f"/scores/runs/{run.id}/recompute", version=str(run.version))
    assert "已重新计算" in page and "重新计算草稿" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    detail = await (await admin.get(f"/scores/runs/{run.id}/units/{ranked.units['C1-A']}")).text()
    assert "<img src=x" not in detail and "&lt;img src=x" in detail
    deduction = (await deductions_of_unit(rt, ranked.units["C1-A"]))[0][0]
    form = await (await admin.get(f"/scores/deductions/{deduction}/appeal")).text()
    assert "<img src=x" not in form and "&lt;img src=x" in form
    officer = await signed_in(aiohttp_client, settings, "officer")
    await appeal(rt, ranked, deduction)
    inbox = await (await officer.get("/scores/appeals")).text()
    assert "<img src=x" not in inbox and "&lt;img src=x" in inbox
