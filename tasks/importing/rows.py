"""Turning raw rows into field values, collecting every problem of a row rather than the first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tasks.importing.cells import CellError, as_text
from tasks.importing.columns import Column, assign
from tasks.importing.report import Problem

MASKED_HEADERS = {"身份证号", "手机号"}


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    raw: dict[str, Any]  # field -> raw cell, for error messages
    problems: list[Problem] = field(default_factory=list)


class RowParser:
    """Parses the cells of the matched columns; row-level checks add problems via :meth:`fail`."""

    def __init__(self, columns: list[tuple[int, Column]]) -> None:
        self.columns = columns
        self.position = {column.field: index for index, column in columns}
        self.header = {column.field: column.header for _, column in columns}
        # Resolved once: plain fields are stored directly, quota and post counts go through assign().
        self._plan = [(index, column, column.parse, None if "." in column.field else column.field)
                      for index, column in columns]

    def parse(self, number: int, cells: list[Any]) -> ParsedRow:
        row = ParsedRow(number, {}, {})
        values, raws, size = row.values, row.raw, len(cells)
        for index, column, parse, plain in self._plan:
            raw = cells[index] if index < size else None
            raws[column.field] = raw
            try:
                value = parse(raw)
            except CellError as error:
                row.problems.append(self._problem(number, index, column.header, raw, error.reason))
                continue
            if value is None and column.required:
                row.problems.append(self._problem(number, index, column.header, raw, "必填项为空"))
            if plain is None:
                assign(values, column, value)
            else:
                values[plain] = value
        return row

    def fail(self, row: ParsedRow, field_name: str, reason: str) -> None:
        """Add a problem on ``field_name``'s cell (a whole-row problem if the column is absent)."""
        index = self.position.get(field_name)
        header = self.header.get(field_name, "")
        row.problems.append(self._problem(row.number, index, header, row.raw.get(field_name), reason))

    @staticmethod
    def _problem(number: int, index: int | None, header: str, raw: Any, reason: str) -> Problem:
        return Problem(number, index, header, shown_value(raw, header), reason)


def shown_value(raw: Any, header: str) -> str:
    """The cell as typed, shortened; ID numbers and mobiles are masked so reports can be shared."""
    text = as_text(raw)
    if header in MASKED_HEADERS and len(text) > 8:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return text if len(text) <= 40 else text[:37] + "..."
