"""Importing units: validate, check codes and the parent tree, upsert by 机构编码, all-or-nothing.

A parent must already exist or be in the same file (in any order). The tree formed by the file
together with the database must have no cycles. Units are few, so the whole file is checked
before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.staffing.records import UnitRecord
from models.staffing.unit_writer import parent_code_map, write_units
from tasks.importing.columns import UNIT_COLUMNS
from tasks.importing.progress import Progress, Silent
from tasks.importing.reader import open_table
from tasks.importing.result import ImportResult, Refused, run_batch
from tasks.importing.rows import ParsedRow, RowParser


class UnitRowChecker(RowParser):
    def check(self, number: int, cells: list[object]) -> ParsedRow:
        row = self.parse(number, cells)
        values = row.values
        if values.get("is_cangong") and values.get("kind") != "institution":
            self.fail(row, "is_cangong", "只有事业单位可以参照公务员法管理")
        if values.get("parent_code") and values["parent_code"] == values.get("code"):
            self.fail(row, "parent_code", "上级机构不能是本机构")
        return row


def to_record(row: ParsedRow) -> UnitRecord:
    values = {k: v for k, v in row.values.items() if v is not None}
    values["is_cangong"] = bool(values.get("is_cangong"))
    return UnitRecord(**values)


async def import_units(sessions: async_sessionmaker[AsyncSession], path: Path, *, partial: bool = False,
                       actor: str = "cli", progress: Progress | None = None) -> ImportResult:
    """Import a units file; a refused import changes nothing and leaves an error report."""
    result = ImportResult("units", path, partial)

    async def work() -> None:
        checker, rows = _read(result, progress or Silent())
        async with sessions() as session, session.begin():
            await _write(session, result, checker, rows)
    return await run_batch(sessions, result, actor, work)


Checked = list[tuple[ParsedRow, UnitRecord]]


def _read(result: ImportResult, progress: Progress) -> tuple[UnitRowChecker, Checked]:
    good: Checked = []
    with open_table(result.source, UNIT_COLUMNS) as table:
        result.ignored_headers = table.ignored
        checker = UnitRowChecker(table.columns)
        first: dict[str, int] = {}
        for number, cells in table.rows:
            result.total += 1
            progress.update(1)
            row = checker.check(number, cells)
            code = row.values.get("code")
            if code and first.setdefault(code, number) != number:
                checker.fail(row, "code", f"机构编码与第{first[code]}行重复")
            result.add_problems(row.problems)
            if not row.problems:
                good.append((row, to_record(row)))
    progress.close()
    return checker, good


async def _write(session: AsyncSession, result: ImportResult, checker: UnitRowChecker, rows: Checked) -> None:
    known = await parent_code_map(session)
    parents = {**known, **{record.code: record.parent_code for _, record in rows}}
    kept = []
    for row, record in rows:
        reason = parent_problem(record.code, record.parent_code, parents)
        if reason:
            checker.fail(row, "parent_code", reason)
            result.add_problems(row.problems)
        else:
            kept.append(record)
    if result.problems and not result.partial:
        raise Refused
    result.counts = await write_units(session, kept)
    result.committed = True


def parent_problem(code: str, parent_code: str | None, parents: dict[str, str | None]) -> str | None:
    """Why ``parent_code`` cannot be the parent of ``code`` (unknown, or it would close a cycle)."""
    if parent_code is None:
        return None
    if parent_code not in parents:
        return "上级机构编码在系统和本文件中都不存在"
    seen: set[str] = {code}
    current: str | None = parent_code
    while current is not None:
        if current in seen:
            return "上级关系形成循环"
        seen.add(current)
        current = parents.get(current)
    return None
