"""``bzops holidays list|set|unset|import|year`` as an admin runs them (sync: the CLI runs its own loop).

``rt`` is requested for its clean-up and to read what the commands wrote."""

from __future__ import annotations

import asyncio
from datetime import date

from click.testing import CliRunner
from sqlalchemy import select

from models.core.calendar import load_calendar
from models.core.runtime import runtime
from models.core.tables import AuditLog, HolidayOverride
from models.warnings.tables import Warning
from portal.cli import cli
from tests.factories import add_persons, add_units, person_record, unit_record

NOTICE = """# 国务院办公厅关于2027年部分节假日安排的通知（测试用）
日期,类型,备注
2026-12-31,班,元旦调休
2027-01-01,休,元旦
2027-02-05~2027-02-11,休,春节   # 除夕至初六
2027/2/14，班，春节调休
2027年2月20日\t班
"""


def invoke(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings)


def read(settings, work):
    async def _go():
        async with runtime(settings) as rt, rt.sessions() as session:
            return await work(session)
    return asyncio.run(_go())


def overrides(settings) -> dict[date, tuple[bool, str, str]]:
    async def _rows(session):
        rows = (await session.scalars(select(HolidayOverride))).all()
        return {r.day: (r.is_workday, r.note, r.updated_by) for r in rows}
    return read(settings, _rows)


def audits(settings) -> list[AuditLog]:
    async def _rows(session):
        query = select(AuditLog).where(AuditLog.action.startswith("calendar.")).order_by(AuditLog.id)
        return list((await session.scalars(query)).all())
    return read(settings, _rows)


def test_it_lists_a_year_with_the_source_of_each_day(settings, rt):
    estimated = invoke(settings, "holidays", "list", "--year", "2027")
    assert estimated.exit_code == 0, estimated.output
    assert "2027年：国务院安排尚未录入" in estimated.output
    assert "2027-02-08 星期一 休 估算" in estimated.output and "春节" in estimated.output
    library = invoke(settings, "holidays", "list", "--year", "2026").output
    assert "2026-02-14 星期六 班 法定(库)" in library and "2026-02-17 星期二 休 法定(库)" in library


def test_it_sets_and_unsets_a_day_with_an_audit_row(settings, rt):
    done = invoke(settings, "holidays", "set", "2027-03-01", "--holiday", "--note", "地方假日")
    assert done.exit_code == 0 and "已将 2027-03-01（星期一）设为休息日" in done.output
    assert overrides(settings) == {date(2027, 3, 1): (False, "地方假日", "cli")}
    assert "2027-03-01 星期一 休 管理员设置 地方假日" in invoke(settings, "holidays", "list", "--year", "2027").output
    assert invoke(settings, "holidays", "unset", "2027-03-01").exit_code == 0
    assert overrides(settings) == {}
    rows = audits(settings)
    assert [(a.action, a.actor, a.object_id) for a in rows] == [("calendar.set", "cli", "2027-03-01"),
                                                                ("calendar.unset", "cli", "2027-03-01")]
    assert rows[0].detail == {"deadlines_moved": 0, "set": [["2027-03-01", "休", "地方假日"]]}


def test_set_needs_a_kind_and_a_real_date(settings, rt):
    missing = invoke(settings, "holidays", "set", "2027-03-01")
    assert missing.exit_code == 1 and "--workday" in missing.output
    bad = invoke(settings, "holidays", "set", "2027-02-30", "--holiday")
    assert bad.exit_code == 2
    assert overrides(settings) == {} and audits(settings) == []


def test_it_imports_a_notice_and_marks_its_year_entered(settings, rt, tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text(NOTICE, encoding="utf-8")
    done = invoke(settings, "holidays", "import", str(path))
    assert done.exit_code == 0, done.output
    assert "已导入 11 天，2027年标记为已录入国务院安排" in done.output
    days = overrides(settings)
    assert len(days) == 11 and days[date(2027, 2, 14)] == (True, "春节调休", "cli")
    assert days[date(2026, 12, 31)] == (True, "元旦调休", "cli") and days[date(2027, 2, 20)] == (True, "", "cli")
    calendar = read(settings, load_calendar)
    assert calendar.entered_years == {2027}
    assert calendar.add_workdays(date(2027, 2, 4), 1) == (date(2027, 2, 12), False)  # no longer 估算
    listing = invoke(settings, "holidays", "list", "--year", "2027").output
    assert "2027年：国务院安排已录入" in listing and "估算" not in listing.splitlines()[1]
    (audit,) = audits(settings)
    assert (audit.action, audit.actor, audit.object_id) == ("calendar.import", "cli", "2026,2027")
    detail = audit.detail or {}
    assert detail["entered"] == {"2027": True} and len(detail["set"]) == 11


def test_a_bad_file_is_refused_with_its_line_numbers_and_nothing_is_written(settings, rt, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("2027-01-01,休,元旦\n2027-02-30,休\n# 注释\n2027-02-06,放假\n2027-02-07,加班\n"
                    "2027-02-10~2027-02-08,休\n2027-02-06,班\n", encoding="utf-8")
    refused = invoke(settings, "holidays", "import", str(path))
    assert refused.exit_code == 1
    assert "第 2 行：没有这一天：2027-02-30" in refused.output
    assert "第 5 行：第二项应为“休”或“班”，不是“加班”" in refused.output
    assert "第 6 行：范围的结束日期早于开始日期" in refused.output
    assert "第 7 行：2027-02-06 与第 4 行矛盾" in refused.output
    assert "第 1 行" not in refused.output and "第 4 行：" not in refused.output
    assert overrides(settings) == {} and audits(settings) == []
    assert read(settings, load_calendar).entered_years == frozenset()


def test_an_import_recomputes_the_deadlines_it_moves(settings, rt, tmp_path):
    async def _world():
        async with runtime(settings) as value:
            await add_units(value, unit_record("U1", quotas={"XZ": 1}))
            await add_persons(value, person_record("U1", seq=101), person_record("U1", seq=103))
    asyncio.run(_world())
    assert invoke(settings, "scan", "--as-of", "2026-12-21").exit_code == 0

    async def _due(session):
        row = (await session.scalars(select(Warning).where(Warning.rule_code == "C1_OVER_QUOTA"))).one()
        return row.due_date, row.due_estimated
    assert read(settings, _due) == (date(2027, 1, 19), True)
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01,休,元旦\n2027-01-05,休,测试\n", encoding="utf-8")
    done = invoke(settings, "holidays", "import", str(path))
    assert "1 条预警的整改期限已重算" in done.output
    assert read(settings, _due) == (date(2027, 1, 20), False)
    assert (audits(settings)[-1].detail or {})["deadlines_moved"] == 1


def test_it_marks_and_unmarks_a_year(settings, rt):
    assert invoke(settings, "holidays", "year", "2027").exit_code == 1
    done = invoke(settings, "holidays", "year", "2027", "--official", "--actor", "张管理员")
    assert done.exit_code == 0 and "2027年标记为已录入国务院安排" in done.output
    assert read(settings, load_calendar).entered_years == {2027}
    assert invoke(settings, "holidays", "year", "2027", "--estimated").exit_code == 0
    assert read(settings, load_calendar).entered_years == frozenset()
    assert [(a.action, a.actor, (a.detail or {})["entered"]) for a in audits(settings)] == [
        ("calendar.year", "张管理员", {"2027": True}), ("calendar.year", "cli", {"2027": False})]
