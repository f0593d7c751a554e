"""The canonical import templates (.xlsx): one data sheet with dropdowns, one sheet of instructions."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tasks.importing.columns import BODY_COLUMNS, PERSON_COLUMNS, UNIT_COLUMNS, Column
from tasks.importing.safe_cells import xlsx_row

KINDS: dict[str, tuple[str, tuple[Column, ...]]] = {
    "units": ("机构", UNIT_COLUMNS),
    "persons": ("人员", PERSON_COLUMNS),
    "bodies": ("内设机构", BODY_COLUMNS),
}
TEXT_COLUMNS = {"身份证号", "手机号", "机构编码", "上级机构编码", "编制所在机构编码", "任职机构编码",
                "统一社会信用代码", "行政区划代码", "单位编码", "任职内设机构"}
DATA_ROWS = 5000


def write_template(kind: str, out: Path) -> Path:
    title, columns = KINDS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for index, column in enumerate(columns, start=1):
        _header_cell(sheet, index, column)
    sheet.freeze_panes = "A2"
    _instructions(book.create_sheet("填写说明"), columns)
    book.save(out)
    return out


def _header_cell(sheet: Worksheet, index: int, column: Column) -> None:
    cell = sheet.cell(row=1, column=index, value=column.header)  # our own constant headers
    cell.font = Font(bold=True, color="C00000" if column.required else "000000")
    cell.fill = PatternFill("solid", fgColor="FFF2CC" if column.required else "F2F2F2")
    if column.note:
        cell.comment = Comment(column.note, "BZOps")
    letter = get_column_letter(index)
    sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 2)
    if column.header in TEXT_COLUMNS:  # Excel would turn an 18-digit ID into a rounded number
        for row in range(2, DATA_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = "@"
    if column.options:
        rule = DataValidation(type="list", formula1='"' + ",".join(column.options) + '"', allow_blank=True)
        rule.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
        sheet.add_data_validation(rule)


def _instructions(sheet: Worksheet, columns: tuple[Column, ...]) -> None:
    sheet.append(("列名", "是否必填", "说明", "可选值"))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in columns:
        sheet.append(xlsx_row(sheet, (column.header, "必填" if column.required else "", column.note,
                                      "/".join(column.options))))
    sheet.append(())
    sheet.append(("日期可写作 2024-03-01、2024/3/1、20240301，或使用Excel日期格式。",))
    sheet.append(("表头按名称匹配，列的顺序可以调整；红色列为必填。",))
    for letter, width in zip("ABCD", (22, 10, 40, 60), strict=True):
        sheet.column_dimensions[letter].width = width
