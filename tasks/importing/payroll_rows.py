"""Reading a payroll roster (工资统发名单) file: its columns, the checks of each row, the entries.

The columns are matched by name like every import (:mod:`reader`); a row names its unit by
单位编码 or, when the name is unique, by 单位名称. Every problem of every row is collected with
its row and column (:class:`report.Problem`), ID numbers shown masked. A good row becomes an entry
holding the keyed hash and the masked form of the ID number, never the number itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from models.core.crypto import FieldCipher
from models.payroll.store import RosterUnits
from models.staffing.ids import check_id, mask_id
from tasks.importing import cells
from tasks.importing.columns import Column
from tasks.importing.reader import FileError, Table, open_table
from tasks.importing.report import Problem
from tasks.importing.result import MAX_REPORTED
from tasks.importing.rows import ParsedRow, RowParser

MAX_YUAN = Decimal("10000000")  # one month's pay of one person: anything above is a typing error
UNKNOWN_UNIT = "单位在系统中不存在，或不在您的管辖范围内"


def amount(raw: Any) -> int | None:
    """应发金额 in yuan (1234.56, 1,234.56 or an Excel number) as 分."""
    text = cells.as_text(raw).replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise cells.CellError("应为金额（元），如 5432.10") from None
    if not value.is_finite() or value < 0 or value >= MAX_YUAN:
        raise cells.CellError("金额应为0至一千万元之间的数")
    if value != value.quantize(Decimal("0.01")):
        raise cells.CellError("金额最多保留两位小数")
    return int(value * 100)


PAYROLL_COLUMNS: tuple[Column, ...] = (
    Column("身份证号", "id_number", cells.id_number, required=True, note="18位，请设为文本格式"),
    Column("姓名", "name", cells.text(60), required=True),
    Column("单位编码", "unit_code", cells.text(40), note="即机构编码；也可只填单位名称"),
    Column("单位名称", "unit_name", cells.text(200), note="名称唯一时可代替单位编码"),
    Column("工资类别", "pay_category", cells.text(40), required=True, note="如 公务员、参公人员、事业人员、工勤人员"),
    Column("应发金额", "amount_cents", amount, note="元，可留空"),
)


@dataclass
class Roster:
    """What a file holds: the entries of its good rows, and every problem of the others."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    bad_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)


class RosterRowChecker(RowParser):
    """Cell parsing plus the checks across cells: the ID number, the unit, a person listed twice."""

    def __init__(self, table: Table, units: RosterUnits, cipher: FieldCipher, today: date) -> None:
        super().__init__(table.columns)
        self.units, self.cipher, self.today = units, cipher, today
        self.first_row: dict[tuple[str, int], int] = {}

    def check(self, number: int, cells_: list[Any]) -> tuple[ParsedRow, dict[str, Any] | None]:
        row = self.parse(number, cells_)
        ident = self._id_number(row)
        unit_id = self._unit(row)
        if row.problems or ident is None or unit_id is None:
            return row, None
        first = self.first_row.setdefault((ident, unit_id), number)
        if first != number:
            self.fail(row, "id_number", f"与第{first}行重复：同一人员在同一单位只能列一行")
            return row, None
        return row, self._entry(row, ident, unit_id)

    def _id_number(self, row: ParsedRow) -> str | None:
        text = row.values.get("id_number")
        if not text:
            return None
        ident = check_id(text, today=self.today)
        if not ident.ok:
            self.fail(row, "id_number", ident.message)
            return None
        return ident.number

    def _unit(self, row: ParsedRow) -> int | None:
        code, name = row.values.get("unit_code"), row.values.get("unit_name")
        if code:
            unit_id = self.units.codes.get(code)
            if unit_id is None:
                self.fail(row, "unit_code", UNKNOWN_UNIT)
            elif name and unit_id not in self.units.names.get(name, []):
                self.fail(row, "unit_name", "单位名称与单位编码不是同一个单位")
            return unit_id
        return self._unit_by_name(row, name)

    def _unit_by_name(self, row: ParsedRow, name: str | None) -> int | None:
        if not name:
            self.fail(row, "unit_code" if "unit_code" in self.position else "unit_name", "单位编码和单位名称都为空")
            return None
        found = self.units.names.get(name, [])
        if len(found) != 1:
            self.fail(row, "unit_name", UNKNOWN_UNIT if not found else "有多个单位同名，请填写单位编码")
            return None
        return found[0]

    def _entry(self, row: ParsedRow, ident: str, unit_id: int) -> dict[str, Any]:
        values = row.values
        return {"unit_id": unit_id, "id_hash": self.cipher.lookup_hash(ident), "id_masked": mask_id(ident),
                "name": values["name"], "pay_category": values["pay_category"],
                "amount_cents": values.get("amount_cents"), "source_row": row.number}


def read_roster(path: Path, units: RosterUnits, cipher: FieldCipher, today: date) -> Roster:
    """Every row of the file checked (blocking: run it in a thread); raises FileError for the whole file."""
    roster = Roster()
    with open_table(path, PAYROLL_COLUMNS) as table:
        if not {"unit_code", "unit_name"} & {column.field for _, column in table.columns}:
            raise FileError("缺少单位列：须有“单位编码”或“单位名称”列（表头须在第1行）")
        roster.ignored_headers = table.ignored
        checker = RosterRowChecker(table, units, cipher, today)
        for number, row_cells in table.rows:
            roster.total += 1
            row, entry = checker.check(number, row_cells)
            if entry is not None:
                roster.entries.append(entry)
            elif row.problems:
                roster.bad_rows += 1  # a file wrong everywhere still gets a report of bounded size
                roster.problems.extend(row.problems[:max(MAX_REPORTED - len(roster.problems), 0)])
    return roster
