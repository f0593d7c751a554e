"""Export (一键导出) of persons and units to .xlsx or .csv, in the template's own columns,
so an exported file can be corrected and imported again."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tasks.importing.columns import Column, read_back


class TableWriter:
    """Writes rows to .xlsx (write-only mode, constant memory) or .csv (UTF-8 with BOM for Excel)."""

    def __init__(self, out: Path, title: str, columns: tuple[Column, ...]) -> None:
        self.out, self.columns = out, columns
        self._csv = out.suffix.lower() == ".csv"
        if self._csv:
            self._handle = out.open("w", encoding="utf-8-sig", newline="")
            self._writer: Any = csv.writer(self._handle)
        else:
            self._book = Workbook(write_only=True)
            self._writer = self._book.create_sheet(title)
        self._append([c.header for c in columns])

    def _append(self, values: list[Any]) -> None:
        if self._csv:
            self._writer.writerow(values)
        else:
            self._writer.append(values)

    def add(self, record: Any) -> None:
        self._append([column.fmt(read_back(record, column)) for column in self.columns])

    def close(self) -> None:
        if self._csv:
            self._handle.close()
        else:
            self._book.save(self.out)


async def export_records(records: AsyncIterator[Any], out: Path, title: str, columns: tuple[Column, ...],
                         on_row: Callable[[], None] | None = None) -> int:
    writer = TableWriter(out, title, columns)
    count = 0
    try:
        async for record in records:
            writer.add(record)
            count += 1
            if on_row:
                on_row()
    finally:
        writer.close()
    return count
