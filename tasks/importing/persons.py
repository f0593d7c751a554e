"""Importing persons: validate every row, upsert by (身份证号, 编制所在机构), all-or-nothing by default.

Rows are streamed and written in chunks inside one transaction (the next chunk is checked while
the previous one is written, see :func:`_stream`). In the default mode the first bad row stops
the writing (validation goes on, to report every problem) and the transaction is rolled back;
with ``partial`` the valid rows are kept. Memory stays bounded: only a 64-bit hash per (ID, unit)
pair is kept to find duplicates within the file (and, importing into an empty table, one per
written row by the writer, see :class:`models.person_store.PersonWriter`).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.core.crypto import FieldCipher
from models.staffing.bodies import body_ids_of
from models.staffing.ids import check_id
from models.staffing.person_writer import PersonWriter, PreparedRows, WriteContext, WriteCounts
from models.staffing.records import PersonRecord
from models.staffing.retirement import parse_age_override
from models.staffing.unit_writer import unit_code_map
from tasks.importing.columns import PERSON_COLUMNS
from tasks.importing.progress import Progress, Silent
from tasks.importing.reader import Table, open_table
from tasks.importing.result import ImportResult, Refused, run_batch
from tasks.importing.rows import ParsedRow, RowParser


class PersonRowChecker(RowParser):
    """Cell parsing plus the checks that involve several cells or the known units."""

    def __init__(self, table: Table, unit_ids: dict[str, int], today: date,
                 body_ids: dict[tuple[int, str], int] | None = None) -> None:
        super().__init__(table.columns)
        self.unit_ids = unit_ids
        self.today = today
        self.first_row: dict[int, int] = {}
        self.body_ids = body_ids  # None: bodies are not checked (a form that cannot change them)

    def check(self, number: int, cells: list[object]) -> ParsedRow:
        row = self.parse(number, cells)
        if row.values.get("id_number"):
            self._check_id(row)
        self._check_units(row)
        self._check_body(row)
        self._check_dates(row)
        self._check_retire_age(row)
        return row

    def _check_id(self, row: ParsedRow) -> None:
        ident = check_id(row.values["id_number"], today=self.today)
        if ident.status != "ok":
            self.fail(row, "id_number", ident.message)
            return
        row.values["id_number"] = ident.number
        self._check_id_matches(row, ident.sex, ident.birth)
        self._check_duplicate(row, ident.number)

    def _check_id_matches(self, row: ParsedRow, sex: str | None, birth: date | None) -> None:
        if row.values.get("sex") and row.values["sex"] != sex:
            self.fail(row, "sex", "性别与身份证号第17位不符（奇数为男，偶数为女）")
        if row.values.get("birth_date") and row.values["birth_date"] != birth:
            self.fail(row, "birth_date", f"出生日期与身份证号不符，身份证号中为{birth}")

    def _check_duplicate(self, row: ParsedRow, number: str) -> None:
        key = hash((number, row.values.get("unit_code")))
        first = self.first_row.setdefault(key, row.number)
        if first != row.number:
            self.fail(row, "id_number", f"与第{first}行重复：同一人员在同一机构只能有一行")

    def _check_units(self, row: ParsedRow) -> None:
        for name in ("unit_code", "post_unit_code"):
            code = row.values.get(name)
            if code and code not in self.unit_ids:
                self.fail(row, name, "机构编码在系统中不存在，请先导入机构")

    def _check_body(self, row: ParsedRow) -> None:
        """The body must be one of the post unit's (the own unit's when there is no post unit)."""
        code, values = row.values.get("body_code"), row.values
        unit_id = self.unit_ids.get(values.get("post_unit_code") or values.get("unit_code") or "")
        if code and self.body_ids is not None and unit_id and (unit_id, code) not in self.body_ids:
            self.fail(row, "body_code", "任职机构中没有该内设机构编码，请先导入内设机构")

    def _check_dates(self, row: ParsedRow) -> None:
        values = row.values
        if values.get("in_est") and not values.get("entry_date"):
            self.fail(row, "entry_date", "在编人员须填写入编日期")
        if values.get("status") not in (None, "active") and not values.get("exit_date"):
            self.fail(row, "exit_date", "非在职人员须填写离岗日期")
        for name in ("entry_date", "exit_date", "appoint_date"):
            if values.get(name) and values[name] > self.today:
                self.fail(row, name, "日期晚于今天")

    def _check_retire_age(self, row: ParsedRow) -> None:
        text = row.values.pop("retire_age", None)
        try:
            months, _basis = parse_age_override(text or "")
        except ValueError as error:
            self.fail(row, "retire_age", str(error))
            return
        row.values["retire_age_months"], row.values["retire_basis"] = months, text


def to_record(row: ParsedRow) -> PersonRecord:
    values = {k: v for k, v in row.values.items() if v is not None}
    values.setdefault("leader_kind", "none")
    return PersonRecord(**values)


async def import_persons(sessions: async_sessionmaker[AsyncSession], cipher: FieldCipher, path: Path, *,
                         partial: bool = False, actor: str = "cli", chunk_rows: int = 5000,
                         progress: Progress | None = None, today: date | None = None) -> ImportResult:
    """Import a persons file; see the module docstring for the all-or-nothing contract."""
    result = ImportResult("persons", path, partial)

    async def work() -> None:  # Refused rolls the transaction back; the problems stay in ``result``
        async with sessions() as session:
            await _run(session, cipher, result, actor, chunk_rows, progress or Silent(), today or date.today())
    return await run_batch(sessions, result, actor, work)


async def _run(session: AsyncSession, cipher: FieldCipher, result: ImportResult, actor: str,
               chunk_rows: int, progress: Progress, today: date) -> None:
    async with session.begin():
        unit_ids = await unit_code_map(session)
        body_ids = await body_ids_of(session)
        with open_table(result.source, PERSON_COLUMNS) as table:
            keeps_body = all(column.field != "body_code" for _position, column in table.columns)
            ctx = WriteContext(cipher, unit_ids, "import", actor, result.batch_id, body_ids, keeps_body)
            writer = PersonWriter(session, ctx)
            result.ignored_headers = table.ignored
            checker = PersonRowChecker(table, unit_ids, today, body_ids)
            await _stream(table, checker, writer, result, chunk_rows, progress)
        if result.problems and not result.partial:
            raise Refused
        await writer.finish()
    result.counts, result.committed = writer.counts, True


async def _stream(table: Table, checker: PersonRowChecker, writer: PersonWriter, result: ImportResult,
                  chunk_rows: int, progress: Progress) -> None:
    """Check and prepare chunk N+1 in a worker thread while the database takes chunk N, so that the
    Python work (parsing, hashing, encryption) and the database's work overlap. Writes stay one at
    a time, in file order, in the one transaction; a failed write surfaces at the next chunk."""
    rows = iter(table.rows)
    pending: asyncio.Task[WriteCounts] | None = None
    more = True
    with _prompt_handover():
        try:
            while more:
                chunk, more = await asyncio.to_thread(_next_chunk, rows, checker, writer, result, chunk_rows, progress)
                if pending is not None:
                    await pending
                pending = asyncio.create_task(writer.write_prepared(chunk)) if chunk else None
            if pending is not None:
                await pending
        except BaseException:
            await _settle(pending)
            raise
    progress.close()


@contextmanager
def _prompt_handover() -> Iterator[None]:
    """Let threads take turns with the GIL every millisecond instead of every five while a chunk is
    parsed in the worker thread: the event loop, woken by the database, gets it back sooner and
    sends the next chunk, so the database waits less (about 7% of a large import)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, 0.001))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


Rows = Iterator[tuple[int, list[Any]]]


def _next_chunk(rows: Rows, checker: PersonRowChecker, writer: PersonWriter, result: ImportResult,
                chunk_rows: int, progress: Progress) -> tuple[PreparedRows | None, bool]:
    """The next ``chunk_rows`` valid rows, prepared for writing, and whether rows may remain.

    In all-or-nothing mode nothing is prepared once the import is known to be refused."""
    buffer: list[PersonRecord] = []
    more = False
    for number, cells in rows:
        result.total += 1
        progress.update(1)
        row = checker.check(number, cells)
        result.add_problems(row.problems)
        if not row.problems:
            buffer.append(to_record(row))
            if len(buffer) >= chunk_rows:
                more = True
                break
    wanted = bool(buffer) and (result.partial or not result.problems)
    return (writer.prepare(buffer) if wanted else None), more


async def _settle(task: asyncio.Task[WriteCounts] | None) -> None:
    """Let an in-flight write end before the transaction is rolled back; the first error wins."""
    if task is None:
        return
    await asyncio.wait([task])
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not report it as lost
