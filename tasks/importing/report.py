"""Import problems: one per bad cell (or row), written as an .xlsx report beside the input file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from tasks.importing.safe_cells import xlsx_row

REPORT_HEADERS = ("行号", "列", "列名", "值", "错误原因")


@dataclass(frozen=True)
class Problem:
    row: int
    position: int | None  # zero-based column position in the file; None for a whole-row problem
    header: str
    value: str
    reason: str

    @property
    def column(self) -> str:
        return get_column_letter(self.position + 1) if self.position is not None else ""

    def describe(self) -> str:
        where = f"第{self.row}行"
        if self.position is not None:
            where += f" {self.column}列（{self.header}）"
        value = f"“{self.value}”" if self.value else "（空）"
        return f"{where} 值{value}：{self.reason}"


def report_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.错误报告.xlsx")


def write_report(path: Path, problems: list[Problem]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "错误报告"
    sheet.append(REPORT_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in problems:  # values come from the user's file: "=HYPERLINK(…)" must stay text
        sheet.append(xlsx_row(sheet, (p.row, p.column, p.header, p.value, p.reason)))
    for letter, width in zip("ABCDE", (8, 6, 18, 24, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    book.save(path)
    return path
