"""Turning raw rows into field values, collecting every problem of a row rather than the first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.staffing.ids import mask_id, mask_mobile
from tasks.importing.cells import CellError, as_text, screen, suspect
from tasks.importing.columns import Column, assign
from tasks.importing.report import Problem
from tasks.importing.safe_cells import visible

MASKS = {"身份证号": mask_id, "手机号": mask_mobile}  # the same masks the pages show
SHOWN_CHARS = 40

Plan = list[tuple[int, Column, Any, str | None]]


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
        self._plan: Plan = [(index, column, column.parse, None if "." in column.field else column.field)
                            for index, column in columns]

    def parse(self, number: int, cells: list[Any]) -> ParsedRow:
        row = ParsedRow(number, {}, {})
        plan = self._plan
        if suspect(cells):
            cells, plan = self._screen(row, cells)
        values, raws, size = row.values, row.raw, len(cells)
        for index, column, parse, plain in plan:
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

    def _screen(self, row: ParsedRow, cells: list[Any]) -> tuple[list[Any], Plan]:
        """The cells the parsers may see, and the plan without the columns refused outright."""
        cells, plan = list(cells), []
        for step in self._plan:
            index, column = step[0], step[1]
            if index >= len(cells):
                plan.append(step)
                continue
            cells[index], reason = screen(cells[index])
            if reason is None:
                plan.append(step)
            else:
                row.raw[column.field] = cells[index]
                row.problems.append(self._problem(row.number, index, column.header, cells[index], reason))
        return cells, plan

    def fail(self, row: ParsedRow, field_name: str, reason: str) -> None:
        """Add a problem on ``field_name``'s cell (a whole-row problem if the column is absent)."""
        index = self.position.get(field_name)
        header = self.header.get(field_name, "")
        row.problems.append(self._problem(row.number, index, header, row.raw.get(field_name), reason))

    @staticmethod
    def _problem(number: int, index: int | None, header: str, raw: Any, reason: str) -> Problem:
        return Problem(number, index, header, shown_value(raw, header), reason)


def shown_value(raw: Any, header: str) -> str:
    """The cell as typed, shortened and with control characters made visible; ID numbers and
    mobiles get the masks the pages use, so a report can be shared and reveals no more than they do."""
    text = visible(as_text(raw)[:SHOWN_CHARS * 4])
    if header in MASKS:
        return MASKS[header](text) if text else ""
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."
