"""Importing 财政's payroll roster: the console script, bad rows, replacing a month, scope."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from models.accounts.store import ScopeSpec
from models.core.runtime import runtime
from models.core.tables import AuditLog
from models.payroll.tables import PayrollBatch, PayrollEntry
from models.staffing.ids import mask_id
from models.staffing.scope import Scope
from portal.cli import cli
from tasks.importing.payroll import MonthError, import_roster, parse_month
from tasks.importing.payroll_rows import PAYROLL_COLUMNS
from tests.factories import add_account, make_id, make_world
from tests.files import write_csv, write_xlsx

HEADERS = [c.header for c in PAYROLL_COLUMNS]
NOV = date(2026, 11, 1)
TODAY = date(2026, 11, 23)
EVERYTHING = Scope(everything=True)


def pay(seq: int, unit_code: str | None = "C1-A", **overrides: str) -> dict[str, str]:
    row = {"身份证号": make_id(seq=seq), "姓名": f"人员{seq}", "单位编码": unit_code or "", "工资类别": "公务员"}
    row.update(overrides)
    return row


def invoke(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings, catch_exceptions=False)


async def entries(rt) -> list[PayrollEntry]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(PayrollEntry).order_by(PayrollEntry.source_row))).all())


async def batches(rt) -> list[PayrollBatch]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(PayrollBatch).order_by(PayrollBatch.id))).all())


async def load(rt, path: Path, scope: Scope = EVERYTHING, actor: str = "finance", month: date = NOV):
    return await import_roster(rt.sessions, rt.cipher, path, month=month, actor=actor, scope=scope, today=TODAY)


@pytest.fixture
async def world(rt):
    return await make_world(rt)


def read(settings, query):
    """Run ``query(rt)`` on a runtime of its own: console-script tests are synchronous, like the script."""
    async def _go():
        async with runtime(settings) as rt:
            return await query(rt)
    return asyncio.run(_go())


def test_the_console_script_imports_a_month_and_lists_it(settings, rt, world, tmp_path):
    rows = [pay(101, 应发金额="8,123.45"), pay(103, unit_code=None, 单位名称="甲县教育局"),
            pay(105, "C1-B-1", 工资类别="事业人员", 应发金额="6000")]
    source = write_xlsx(tmp_path / "十一月.xlsx", HEADERS, rows)
    result = invoke(settings, "payroll", "import", str(source), "--month", "2026-11")
    assert result.exit_code == 0, result.output
    assert "2026年11月工资统发名单已导入：共3人" in result.output
    found = read(settings, entries)
    def expected(unit: str, seq: int, category: str, cents: int | None):
        number = make_id(seq=seq)
        return world.units[unit], rt.cipher.lookup_hash(number), mask_id(number), category, cents, NOV

    assert [(e.unit_id, e.id_hash, e.id_masked, e.pay_category, e.amount_cents, e.month) for e in found] == [
        expected("C1-A", 101, "公务员", 812345), expected("C1-B", 103, "公务员", None),
        expected("C1-B-1", 105, "事业人员", 600000)]
    assert not any(make_id(seq=101) in str(value) for value in vars(found[0]).values())  # no clear ID stored
    listing = invoke(settings, "payroll", "list")
    assert listing.exit_code == 0 and "2026年11月  当前名单  3行  错误0行  管理命令" in listing.output
    assert "十一月.xlsx" in listing.output


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(settings, rt, world, tmp_path):
    wrong_check = make_id(seq=103)[:-1] + ("1" if make_id(seq=103)[-1] != "1" else "2")
    rows = [pay(101), pay(103, 身份证号=wrong_check), pay(105, "NOPE"), pay(101), pay(107, 应发金额="12.345"),
            pay(109, unit_code=None), pay(111, 工资类别="")]
    source = write_csv(tmp_path / "名单.csv", HEADERS, rows, encoding="gb18030")
    result = invoke(settings, "payroll", "import", str(source), "--month", "2026-11")
    assert result.exit_code == 1
    for line in ("第3行 A列（身份证号） 值“3301**************”：身份证号校验位错误",
                 "第4行 C列（单位编码） 值“NOPE”：单位在系统中不存在，或不在您的管辖范围内",
                 "第5行 A列（身份证号）", "与第2行重复",
                 "第6行 F列（应发金额） 值“12.345”：金额最多保留两位小数",
                 "第7行 C列（单位编码）", "单位编码和单位名称都为空",
                 "第8行 E列（工资类别）", "必填项为空",
                 "2026年11月名单共7行，其中6行有错误：未导入任何数据"):
        assert line in result.output, result.output
    assert (tmp_path / "名单.错误报告.xlsx").exists()
    assert read(settings, entries) == []
    (batch,) = read(settings, batches)
    assert (batch.status, batch.active_month, batch.rows, batch.errors) == ("refused", None, 7, 6)
    assert batch.problems[0].startswith("第3行 A列（身份证号）")
    (audit,) = read(settings, refusals)
    assert audit.object_id == str(batch.id) and audit.detail["rows"] == 7 and audit.actor == "cli"


async def refusals(rt) -> list[AuditLog]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(AuditLog).where(AuditLog.action == "payroll.refused"))).all())


async def test_a_file_without_a_unit_column_or_rows_is_refused_whole(rt, world, tmp_path):
    no_unit = write_csv(tmp_path / "a.csv", ["身份证号", "姓名", "工资类别"], [pay(101)])
    result = await load(rt, no_unit)
    assert result.status == "refused" and "缺少单位列" in result.summary()
    empty = write_csv(tmp_path / "b.csv", HEADERS, [])
    assert "文件中没有数据行" in (await load(rt, empty)).summary()
    damaged = tmp_path / "c.xlsx"
    damaged.write_text("身份证号,姓名", encoding="utf-8")
    assert "无法打开Excel文件" in (await load(rt, damaged)).summary()
    assert await entries(rt) == [] and [b.status for b in await batches(rt)] == ["refused"] * 3


async def test_a_reimport_replaces_the_month_whole_and_a_refused_one_changes_nothing(rt, world, tmp_path):
    first = await load(rt, write_csv(tmp_path / "v1.csv", HEADERS, [pay(101), pay(103), pay(105)]))
    assert first.status == "active" and first.replaced_rows is None
    bad = await load(rt, write_csv(tmp_path / "v2.csv", HEADERS, [pay(107), pay(109, "NOPE")]))
    assert bad.status == "refused"
    assert [e.name for e in await entries(rt)] == ["人员101", "人员103", "人员105"]
    third = await load(rt, write_csv(tmp_path / "v3.csv", HEADERS, [pay(107), pay(109)]))
    assert (third.status, third.replaced_rows) == ("active", 3)
    assert "已替换此前导入的名单（3行）" in third.summary()
    assert [(e.name, e.batch_id) for e in await entries(rt)] == [("人员107", third.batch_id),
                                                                 ("人员109", third.batch_id)]
    assert [(b.status, b.active_month, b.replaced_by) for b in await batches(rt)] == [
        ("replaced", None, "finance"), ("refused", None, None), ("active", NOV, None)]


async def test_the_same_file_uploaded_twice_is_imported_once(rt, world, tmp_path):
    source = write_csv(tmp_path / "v1.csv", HEADERS, [pay(101), pay(103)])
    first, again = await load(rt, source), await load(rt, source)
    assert (again.status, again.batch_id, again.imported) == ("unchanged", first.batch_id, True)
    assert len(await batches(rt)) == 1 and len(await entries(rt)) == 2


async def test_two_uploads_of_one_month_at_once_leave_exactly_one_whole_roster(rt, world, tmp_path):
    files = [write_csv(tmp_path / f"v{n}.csv", HEADERS, [pay(101 + 2 * i + 20 * n) for i in range(n + 2)])
             for n in range(4)]
    results = await asyncio.gather(*(load(rt, f) for f in files))
    assert all(r.status in ("active", "conflict") for r in results)
    (active,) = [b for b in await batches(rt) if b.status == "active"]
    assert {e.batch_id for e in await entries(rt)} == {active.id} and len(await entries(rt)) == active.rows
    conflicts = [r for r in results if r.status == "conflict"]
    assert all("刚刚被他人导入或替换" in r.summary() for r in conflicts)


async def test_a_scoped_importer_names_only_its_units_and_replaces_only_its_own_month(rt, world, tmp_path):
    await add_account(rt, "finance", "finance", [ScopeSpec("C1", True)])
    county = Scope(False, (), (f"/{world.units['C1']}/",))
    outside = await load(rt, write_csv(tmp_path / "a.csv", HEADERS, [pay(101), pay(103, "C2-A")]), county)
    assert outside.status == "refused"
    assert [p.describe() for p in outside.problems] == [
        "第3行 C列（单位编码） 值“C2-A”：单位在系统中不存在，或不在您的管辖范围内"]
    city = await load(rt, write_csv(tmp_path / "b.csv", HEADERS, [pay(101), pay(103, "C2-A")]), actor="admin")
    assert city.status == "active"
    mine = await load(rt, write_csv(tmp_path / "c.csv", HEADERS, [pay(105)]), county)
    assert mine.status == "conflict" and "您管辖范围以外单位" in mine.summary()
    assert len(await entries(rt)) == 2
    october = await load(rt, write_csv(tmp_path / "d.csv", HEADERS, [pay(105)]), county, month=date(2026, 10, 1))
    assert october.status == "active"
    again = await load(rt, write_csv(tmp_path / "e.csv", HEADERS, [pay(107)]), county, month=date(2026, 10, 1))
    assert (again.status, again.replaced_rows) == ("active", 1)


def test_months_are_read_in_the_usual_spellings_and_never_in_the_future():
    for text in ("2026-11", "2026/11", "202611", "2026年11月", " 2026-11 "):
        assert parse_month(text, TODAY) == NOV
    for text, reason in (("2026-13", "YYYY-MM"), ("11月", "YYYY-MM"), ("2026-12", "不能导入未来月份（2026年12月）"),
                         ("1999-12", "月份过早")):
        with pytest.raises(MonthError, match=reason):
            parse_month(text, TODAY)


def test_the_console_script_refuses_a_future_month(settings):
    result = CliRunner().invoke(cli, ["payroll", "import", __file__, "--month", "2999-01"], obj=settings)
    assert result.exit_code == 1 and "不能导入未来月份" in result.output


def test_the_installed_console_script_knows_the_command():
    script = Path(sys.executable).parent / "bzops"
    done = subprocess.run([str(script), "payroll", "import", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "工资统发名单" in done.stdout and "--month" in done.stdout
