from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models.staffing.tables import Quota, Unit
from tasks.importing.reader import FileError
from tasks.importing.units import import_units
from tests.files import UNIT_HEADERS, unit_row, write_csv, write_xlsx


async def count_units(rt) -> int:
    async with rt.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Unit)) or 0)


async def units_by_code(rt) -> dict[str, Unit]:
    async with rt.sessions() as session:
        return {u.code: u for u in (await session.scalars(select(Unit))).all()}


async def test_it_imports_a_tree_given_children_before_parents(rt, tmp_path: Path):
    rows = [unit_row("A-1-1", 上级机构编码="A-1"), unit_row("A-1", 上级机构编码="A"), unit_row("A", 机构层级="市级")]
    result = await import_units(rt.sessions, write_xlsx(tmp_path / "units.xlsx", UNIT_HEADERS, rows))
    assert result.committed and result.counts.inserted == 3 and not result.problems
    units = await units_by_code(rt)
    assert units["A-1-1"].path == f"/{units['A'].id}/{units['A-1'].id}/{units['A-1-1'].id}/"
    assert units["A-1-1"].depth == 2 and units["A"].level == "40"
    async with rt.sessions() as session:
        quotas = {(q.est_type, q.approved) for q in (await session.scalars(
            select(Quota).where(Quota.unit_id == units["A"].id))).all()}
    assert quotas == {("XZ", 5), ("GQ", 1)}


async def test_it_refuses_the_whole_file_when_one_row_is_bad(rt, tmp_path: Path):
    rows = [unit_row("A"), unit_row("B", 机构层级="区级"), unit_row("C", 行政编制="-3"),
            unit_row("D", 上级机构编码="ZZZ")]
    source = write_csv(tmp_path / "units.csv", UNIT_HEADERS, rows)
    result = await import_units(rt.sessions, source)
    assert not result.committed and result.counts.inserted == 0
    assert await count_units(rt) == 0
    found = {(p.row, p.column, p.header) for p in result.problems}
    assert found == {(3, "F", "机构层级"), (4, "L", "行政编制"), (5, "C", "上级机构编码")}
    report = load_workbook(result.report).active
    assert [c.value for c in report[1]] == ["行号", "列", "列名", "值", "错误原因"]
    assert report.cell(row=2, column=1).value == 3 and "省级/市级/县级/乡镇级" in report.cell(row=2, column=5).value


async def test_it_keeps_valid_rows_with_partial(rt, tmp_path: Path):
    rows = [unit_row("A"), unit_row("B", 机构类别="公司")]
    result = await import_units(rt.sessions, write_csv(tmp_path / "u.csv", UNIT_HEADERS, rows), partial=True)
    assert result.committed and result.counts.inserted == 1 and result.bad_rows == 1
    assert set(await units_by_code(rt)) == {"A"}


async def test_it_refuses_cycles_and_duplicate_codes(rt, tmp_path: Path):
    rows = [unit_row("A", 上级机构编码="B"), unit_row("B", 上级机构编码="A"), unit_row("C"), unit_row("C")]
    result = await import_units(rt.sessions, write_csv(tmp_path / "u.csv", UNIT_HEADERS, rows))
    reasons = sorted(p.reason for p in result.problems)
    assert reasons == ["上级关系形成循环", "上级关系形成循环", "机构编码与第4行重复"]
    assert await count_units(rt) == 0


async def test_it_updates_on_reimport_and_moves_subtrees(rt, tmp_path: Path):
    first = [unit_row("A"), unit_row("B"), unit_row("A-1", 上级机构编码="A"), unit_row("A-1-1", 上级机构编码="A-1")]
    await import_units(rt.sessions, write_csv(tmp_path / "1.csv", UNIT_HEADERS, first))
    second = [unit_row("A-1", 上级机构编码="B", 机构名称="改名后"), unit_row("B")]
    result = await import_units(rt.sessions, write_csv(tmp_path / "2.csv", UNIT_HEADERS, second))
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged) == (0, 1, 1)
    units = await units_by_code(rt)
    assert units["A-1"].name == "改名后" and units["A-1"].version == 2
    assert units["A-1-1"].path.startswith(units["B"].path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
async def test_it_reads_the_csv_encodings_excel_writes(rt, tmp_path: Path, encoding: str):
    source = write_csv(tmp_path / "u.csv", UNIT_HEADERS, [unit_row("A", 机构名称="杭州市西湖区财政局")], encoding)
    result = await import_units(rt.sessions, source)
    assert result.committed
    assert (await units_by_code(rt))["A"].name == "杭州市西湖区财政局"


async def test_it_names_missing_required_columns(rt, tmp_path: Path):
    headers = [h for h in UNIT_HEADERS if h != "机构类别"]
    with pytest.raises(FileError, match="缺少必填列：机构类别"):
        await import_units(rt.sessions, write_csv(tmp_path / "u.csv", headers, [unit_row("A")]))


async def test_it_matches_headers_by_name_in_any_order(rt, tmp_path: Path):
    headers = [*reversed(UNIT_HEADERS), "备注"]
    result = await import_units(rt.sessions, write_csv(tmp_path / "u.csv", headers, [unit_row("A", 备注="x")]))
    assert result.committed and result.ignored_headers == ["备注"]
