"""Export (一键导出) of persons and units to .xlsx or .csv, in the template's own columns,
so an exported file can be corrected and imported again.

Files hold full ID numbers and mobiles, so they are written to a temporary file that only the
owner can read (``mkstemp``: created 0600 and exclusively, no moment with wider permissions) and
renamed into place when complete; a failed export leaves nothing behind. A persons export is
audited (who, which file, which selection, how many rows) before the file appears. Every cell goes
through :mod:`tasks.importing.safe_cells`.
"""

from __future__ import annotations

import contextlib
import csv
import getpass
import io
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.core import audit
from models.core.crypto import FieldCipher
from models.core.db import transaction
from models.staffing.bodies import stream_bodies
from models.staffing.persons import stream_persons
from tasks.importing.columns import BODY_COLUMNS, PERSON_COLUMNS, Column, read_back
from tasks.importing.safe_cells import csv_row, xlsx_row

EXPORT_ACTION = "export.persons"


class TableWriter:
    """Writes rows to .xlsx (write-only mode, constant memory) or .csv (UTF-8 with BOM for Excel)."""

    def __init__(self, out: Path, title: str, columns: tuple[Column, ...]) -> None:
        self.out, self.columns = out, columns
        self._csv = out.suffix.lower() == ".csv"
        fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        self._temp = Path(name)
        self._file = os.fdopen(fd, "wb")
        if self._csv:
            self._handle = io.TextIOWrapper(self._file, encoding="utf-8-sig", newline="")
            self._writer: Any = csv.writer(self._handle)
        else:
            self._book = Workbook(write_only=True)
            self._writer = self._book.create_sheet(title)
        self._append([c.header for c in columns])

    def _append(self, values: list[Any]) -> None:
        if self._csv:
            self._writer.writerow(csv_row(values))
        else:
            self._writer.append(xlsx_row(self._writer, values))

    def add(self, record: Any) -> None:
        self._append([column.fmt(read_back(record, column)) for column in self.columns])

    def finish(self) -> None:
        """Complete the temporary file (not yet visible under its name)."""
        if self._csv:
            self._handle.close()
        else:
            self._book.save(self._file)
            self._file.close()

    def publish(self) -> None:
        os.replace(self._temp, self.out)

    def close(self) -> None:
        self.finish()
        self.publish()

    def discard(self) -> None:
        if not self._csv and not self._writer.closed:
            with contextlib.suppress(Exception):  # end openpyxl's row stream and remove its own temporary file
                self._writer.close()
                self._writer._writer.cleanup()
        for handle in (getattr(self, "_handle", None), self._file):
            if handle is not None and not handle.closed:
                handle.close()
        self._temp.unlink(missing_ok=True)


async def _fill(writer: TableWriter, records: AsyncIterator[Any], on_row: Callable[[], None] | None) -> int:
    count = 0
    try:
        async for record in records:
            writer.add(record)
            count += 1
            if on_row:
                on_row()
        writer.finish()
    except BaseException:
        writer.discard()
        raise
    return count


async def export_records(records: AsyncIterator[Any], out: Path, title: str, columns: tuple[Column, ...],
                         on_row: Callable[[], None] | None = None) -> int:
    writer = TableWriter(out, title, columns)
    count = await _fill(writer, records, on_row)
    writer.publish()
    return count


async def export_bodies(sessions: async_sessionmaker[AsyncSession], out: Path,
                        on_row: Callable[[], None] | None = None) -> int:
    """Export every internal body in the 内设机构 template's columns (sheet 内设机构)."""
    async with sessions() as session:
        return await export_records(stream_bodies(session), out, "内设机构", BODY_COLUMNS, on_row)


@dataclass(frozen=True)
class PersonSelection:
    """Which persons an export holds, as the audit row names them."""

    unit_ids: list[int] | None = None
    unit_code: str | None = None
    incomplete: bool = False


async def export_persons(sessions: async_sessionmaker[AsyncSession], cipher: FieldCipher, out: Path, *,
                         selection: PersonSelection, actor: str, on_row: Callable[[], None] | None = None) -> int:
    """Export persons (full ID numbers and mobiles): owner-only file, audited before it appears."""
    writer = TableWriter(out, "人员", PERSON_COLUMNS)
    async with sessions() as session:
        records = stream_persons(session, cipher, unit_ids=selection.unit_ids, incomplete=selection.incomplete)
        count = await _fill(writer, records, on_row)
    try:
        async with transaction(sessions) as session:
            await audit.record(session, actor=actor, action=EXPORT_ACTION, object_type="export", object_id=out.name,
                               detail=_detail(out, selection, count))
    except BaseException:
        writer.discard()
        raise
    writer.publish()
    return count


def _detail(out: Path, selection: PersonSelection, count: int) -> dict[str, Any]:
    return {"file": str(out.resolve()), "rows": count, "unit": selection.unit_code or "全部",
            "incomplete": selection.incomplete, "contains": ["身份证号", "手机号"], "os_user": _os_user()}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return str(os.getuid())
