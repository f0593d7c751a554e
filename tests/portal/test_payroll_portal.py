"""/payroll: 财政 uploads a month's roster from the portal, reads what it found, inside its scope."""

from __future__ import annotations

import io
import re
from datetime import date

import aiohttp
from sqlalchemy import select

from models.accounts.store import ScopeSpec
from models.core.db import local_today
from models.core.tables import AuditLog
from models.payroll.tables import PayrollBatch
from tests.factories import add_account, add_persons, make_id, person_record
from tests.models.rules.support import scan
from tests.payroll_helpers import add_roster
from tests.portal.conftest import csrf_token, login

HEADER = "身份证号,姓名,单位编码,工资类别\n"


def csv_of(*rows: tuple[int, str, str]) -> bytes:
    lines = [f"{make_id(seq=seq)},{name},{unit},公务员\n" for seq, name, unit in rows]
    return (HEADER + "".join(lines)).encode("utf-8")


async def upload(client, content: bytes, *, month: str | None = None, filename: str = "十一月名单.csv"):
    form = aiohttp.FormData()
    form.add_field("_csrf", await csrf_token(client))
    form.add_field("month", month or local_today("Asia/Shanghai").strftime("%Y-%m"))
    form.add_field("file", io.BytesIO(content), filename=filename, content_type="text/csv")
    return await client.post("/payroll/import", data=form, allow_redirects=False)


async def as_finance(client, rt, login_name: str = "finance", unit: str = "C1"):
    await add_account(rt, login_name, "finance", [ScopeSpec(unit, True)], display_name=f"{unit}财政局张科长")
    assert (await login(client, login_name)).status == 303
    return client


async def batches(rt) -> list[PayrollBatch]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(PayrollBatch).order_by(PayrollBatch.id))).all())


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


async def test_finance_uploads_a_month_and_sees_it_imported(client, rt, world):
    await as_finance(client, rt)
    page = await (await client.get("/payroll")).text()
    assert "尚未导入工资统发名单" in page and 'action="/payroll/import"' in page and 'href="/payroll"' in page
    done = await upload(client, csv_of((101, "张三", "C1-A"), (103, "李四", "C1-B")))
    (batch,) = await batches(rt)
    assert done.status == 303 and done.headers["Location"] == f"/payroll?batch={batch.id}"
    shown = text_of(await (await client.get(done.headers["Location"])).text())
    month = local_today("Asia/Shanghai")
    assert f"{month.year}年{month.month}月名单已导入：共2人" in shown
    assert f"正在核对 {month.year}年{month.month}月 的名单" in shown
    assert "C1财政局张科长" in shown and "十一月名单.csv" in shown and "当前名单" in shown
    assert "finance" not in shown.replace("finance.", "")  # the uploader by name, never the login
    async with rt.sessions() as session:
        audit = (await session.scalars(select(AuditLog).where(AuditLog.action == "payroll.import"))).one()
    assert (audit.actor, audit.object_id, audit.ip is not None) == ("finance", str(batch.id), True)
    assert not list((rt.settings.var_dir / "uploads").iterdir())  # the uploaded file is gone


async def test_a_bad_file_shows_every_problem_by_row_and_column_escaped(client, rt, world):
    await as_finance(client, rt)
    content = csv_of((101, "张三", "C1-A"), (103, "李四", "C2-A"), (105, "王五", ""), (107, "赵六", "<b>C1</b>"))
    done = await upload(client, content, filename="<script>x</script>.csv")
    page = await (await client.get(done.headers["Location"])).text()
    assert "<b>C1" not in page and "&lt;b&gt;C1&lt;/b&gt;" in page and "<script>x" not in page
    shown = text_of(page)
    assert "共4行，其中3行有错误：未导入任何数据" in shown
    assert "第3行 C列（单位编码） 值“C2-A”：单位在系统中不存在，或不在您的管辖范围内" in shown
    assert "第4行 C列（单位编码）" in shown and "单位编码和单位名称都为空" in shown
    assert [(b.status, b.errors) for b in await batches(rt)] == [("refused", 3)]


async def test_bad_requests_are_told_plainly_and_change_nothing(client, rt, world):
    await as_finance(client, rt)
    for content, month, name, message in (
            (b"", "2026-11", "a.csv", "请选择要上传的名单文件"),
            (csv_of((101, "张三", "C1-A")), "2999-01", "a.csv", "不能导入未来月份"),
            (csv_of((101, "张三", "C1-A")), "11月", "a.csv", "月份应写成 YYYY-MM"),
            (b"%PDF-1.4", "2026-11", "a.pdf", "只能上传 .xlsx 或 .csv 文件")):
        done = await upload(client, content, month=month, filename=name) if content else \
            await client.post("/payroll/import", data={"_csrf": await csrf_token(client), "month": month},
                              allow_redirects=False)
        assert (done.status, done.headers["Location"]) == (303, "/payroll")
        assert message in await (await client.get("/payroll")).text()
    assert await batches(rt) == []


async def test_a_reader_sees_only_the_months_and_warnings_of_their_units(client, rt, world):
    await add_persons(rt, person_record("C1-A", seq=101, name="甲在编"), person_record("C2-A", seq=103, name="乙在编"))
    await add_roster(rt, date(2026, 10, 1), [("C1-A", make_id(seq=201), "甲查无此人"),
                                             ("C2-A", make_id(seq=203), "乙查无此人"),
                                             ("C2-A", make_id(seq=205), "乙又一人")])
    await scan(rt)
    await as_finance(client, rt, "finance2", "C2")
    shown = text_of(await (await client.get("/payroll")).text())
    assert "2026年10月 当前名单 共3行 · 您管辖范围内2人" in shown
    assert "发薪但无在编记录 2 条" in shown and "在编未发薪 1 条" in shown  # 乙's two ghosts and 乙在编
    batch_id = (await batches(rt))[0].id
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    await add_persons(rt, person_record("C2-A", seq=107, name="外"))
    await as_finance(client, rt, "finance3", "C2-A")
    assert "发薪但无在编记录 2 条" in text_of(await (await client.get("/payroll")).text())
    await add_account(rt, "c1b", "finance", [ScopeSpec("C1-B", True)])
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    assert (await login(client, "c1b")).status == 303
    page = text_of(await (await client.get(f"/payroll?batch={batch_id}")).text())
    assert "还没有导入过名单" in page and "当前名单" not in page  # pays no one in C1-B: not shown
    assert "发薪但无在编记录 0 条" in page


async def test_officers_read_but_cannot_upload_and_stewards_are_refused(as_user, rt, world):
    client = await as_user("officer")
    page = await (await client.get("/payroll")).text()
    assert "工资统发名单" in page and 'action="/payroll/import"' not in page
    assert (await upload(client, csv_of((101, "张三", "C1-A")))).status == 403
    await client.post("/logout", data={"_csrf": await csrf_token(client)})
    steward = await as_user("steward")
    assert (await steward.get("/payroll")).status == 403
    assert 'href="/payroll"' not in await (await steward.get("/")).text()
