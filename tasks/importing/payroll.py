"""Importing 财政's payroll roster (工资统发名单) of one month: all of it, or nothing.

The file is read and checked first (in a thread: a large .xlsx takes seconds), with the units the
importer's scope allows. Any bad row refuses the whole file: a ``refused`` batch records the
error count and the first problems, the CLI also writes the usual error report beside the file,
and nothing else is written. A good file replaces the month's roster in one transaction
(:func:`models.payroll.store.replace_month`); the next scan (every few minutes) checks it.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.core.crypto import FieldCipher
from models.core.db import transaction
from models.payroll.store import RosterConflict, RosterUnits, Upload, record_refused, replace_month, roster_units
from models.payroll.tables import month_label
from models.staffing.scope import Scope
from tasks.importing.payroll_rows import Roster, read_roster
from tasks.importing.reader import FileError
from tasks.importing.report import Problem, report_path, write_report

MONTH = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)?\s*(\d{1,2})\s*月?$")
FIRST_MONTH = date(2000, 1, 1)
MONTH_FORMAT = "月份应写成 YYYY-MM，如 2026-11"


class MonthError(ValueError):
    """The month given for a roster is not acceptable; ``str()`` is the Chinese reason."""


def parse_month(text: str, today: date) -> date:
    """The first day of the month ``text`` names (2026-11, 2026/11, 202611, 2026年11月); no future month."""
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise MonthError(MONTH_FORMAT)
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if month > today.replace(day=1):
        raise MonthError(f"不能导入未来月份（{month_label(month)}）的名单")
    if month < FIRST_MONTH:
        raise MonthError(f"月份过早：{month_label(month)}")
    return month


@dataclass
class RosterResult:
    month: date
    source: str  # the file's name as the uploader named it
    status: str = "refused"  # active / unchanged / refused / conflict
    total: int = 0
    rows: int = 0
    bad_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    batch_id: int | None = None
    replaced_rows: int | None = None
    report: Path | None = None
    message: str = ""  # the reason of a conflict, or a file that could not be read as a whole

    @property
    def imported(self) -> bool:
        return self.status in ("active", "unchanged")

    def summary(self) -> str:
        month = month_label(self.month)
        if self.status == "active":
            replaced = "" if self.replaced_rows is None else f"，已替换此前导入的名单（{self.replaced_rows}行）"
            return f"{month}工资统发名单已导入：共{self.rows}人{replaced}。下次扫描（几分钟内）按新名单核对。"
        if self.status == "unchanged":
            return f"该文件与已导入的{month}名单相同，未重复导入（共{self.rows}人）"
        if self.status == "conflict" or self.message:
            return self.message if self.status == "conflict" else f"无法导入：{self.message}；未导入任何数据"
        return f"{month}名单共{self.total}行，其中{self.bad_rows}行有错误：未导入任何数据"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


async def import_roster(sessions: async_sessionmaker[AsyncSession], cipher: FieldCipher, path: Path, *,
                        month: date, actor: str, scope: Scope, today: date, source_name: str | None = None,
                        ip: str | None = None, report: bool = False) -> RosterResult:
    """Import ``path`` as the roster of ``month`` (see the module docstring); ``report`` writes the
    error report beside the file when rows are refused."""
    result = RosterResult(month, (source_name or path.name)[:260])
    async with sessions() as session:
        units = await roster_units(session, scope=scope)
    roster = await _read(path, units, cipher, today, result)
    upload = Upload(month, result.source, file_digest(path), actor, roster.total, ip)
    if roster.problems:
        await _refuse(sessions, result, roster, upload, report, path)
        return result
    try:
        async with transaction(sessions) as session:
            done = await replace_month(session, upload=upload, entries=roster.entries, scope=scope)
    except RosterConflict as error:
        result.status, result.message = "conflict", str(error)
        return result
    result.status = "unchanged" if done.unchanged else "active"
    result.batch_id, result.replaced_rows, result.rows = done.batch_id, done.replaced_rows, len(roster.entries)
    return result


async def _read(path: Path, units: RosterUnits, cipher: FieldCipher, today: date, result: RosterResult) -> Roster:
    try:
        roster = await asyncio.to_thread(read_roster, path, units, cipher, today)
    except FileError as error:
        result.message = str(error)
        return Roster(problems=[Problem(error.row, None, "", "", str(error))])
    if not roster.total:
        result.message = "文件中没有数据行（第1行为表头，人员从第2行起）"
        roster.problems.append(Problem(1, None, "", "", result.message))
    result.total, result.ignored_headers = roster.total, roster.ignored_headers
    return roster


async def _refuse(sessions: async_sessionmaker[AsyncSession], result: RosterResult, roster: Roster,
                  upload: Upload, report: bool, path: Path) -> None:
    result.problems, result.bad_rows = roster.problems, roster.bad_rows
    if report:
        try:
            result.report = write_report(report_path(path), roster.problems)
        except OSError:  # a read-only folder: the problems are still listed and recorded
            result.report = None
    async with transaction(sessions) as session:
        result.batch_id = await record_refused(session, upload=upload, errors=roster.bad_rows,
                                               problems=[p.describe() for p in roster.problems[:50]])
