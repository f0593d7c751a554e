"""Importing internal bodies (内设机构): validate, upsert by (单位编码, 机构编码), all-or-nothing.

The units must already exist. In an .xlsx the sheet named 内设机构 is read (so one workbook may
hold the units and their bodies), otherwise the first sheet. Bodies are few, so the whole file is
checked before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.staffing.body_writer import write_bodies
from models.staffing.records import BodyRecord
from models.staffing.unit_writer import unit_code_map
from tasks.importing.columns import BODY_COLUMNS, Column
from tasks.importing.progress import Progress, Silent
from tasks.importing.reader import open_table
from tasks.importing.result import ImportResult, Refused, run_batch
from tasks.importing.rows import ParsedRow, RowParser

SHEET = "内设机构"


class BodyRowChecker(RowParser):
    def __init__(self, columns: list[tuple[int, Column]], unit_ids: dict[str, int]) -> None:
        super().__init__(columns)
        self.unit_ids = unit_ids
        self.first: dict[tuple[str, str], int] = {}

    def check(self, number: int, cells: list[object]) -> ParsedRow:
        row = self.parse(number, cells)
        unit, code = row.values.get("unit_code"), row.values.get("code")
        if unit and unit not in self.unit_ids:
            self.fail(row, "unit_code", "单位编码在系统中不存在，请先导入机构")
        if unit and code and self.first.setdefault((unit, code), number) != number:
            self.fail(row, "code", f"同一单位的机构编码与第{self.first[(unit, code)]}行重复")
        return row


def to_record(row: ParsedRow) -> BodyRecord:
    values = {k: v for k, v in row.values.items() if v is not None}
    return BodyRecord(**values)


async def import_bodies(sessions: async_sessionmaker[AsyncSession], path: Path, *, partial: bool = False,
                        actor: str = "cli", progress: Progress | None = None) -> ImportResult:
    """Import a file of internal bodies; a refused import changes nothing and leaves an error report."""
    result = ImportResult("bodies", path, partial)

    async def work() -> None:
        async with sessions() as session, session.begin():
            unit_ids = await unit_code_map(session)
            records = _read(result, unit_ids, progress or Silent())
            if result.problems and not result.partial:
                raise Refused
            result.counts = await write_bodies(session, records, unit_ids)
            result.committed = True
    return await run_batch(sessions, result, actor, work)


def _read(result: ImportResult, unit_ids: dict[str, int], progress: Progress) -> list[BodyRecord]:
    good: list[BodyRecord] = []
    with open_table(result.source, BODY_COLUMNS, sheet=SHEET) as table:
        result.ignored_headers = table.ignored
        checker = BodyRowChecker(table.columns, unit_ids)
        for number, cells in table.rows:
            result.total += 1
            progress.update(1)
            row = checker.check(number, cells)
            result.add_problems(row.problems)
            if not row.problems:
                good.append(to_record(row))
    progress.close()
    return good
