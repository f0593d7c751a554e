"""Writing small import files for tests, in the formats users actually send."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tasks.importing.columns import BODY_COLUMNS, PERSON_COLUMNS, UNIT_COLUMNS

UNIT_HEADERS = [c.header for c in UNIT_COLUMNS]
PERSON_HEADERS = [c.header for c in PERSON_COLUMNS]
BODY_HEADERS = [c.header for c in BODY_COLUMNS]


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[dict[str, Any]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
    return path


def write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[dict[str, Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path


def unit_row(code: str, **overrides: Any) -> dict[str, Any]:
    row = {"机构编码": code, "机构名称": f"测试机构{code}", "机构层级": "县级", "机构类别": "政府",
           "行政区划代码": "330106", "是否参公": "否", "行政编制": "5", "工勤编制": "1",
           "单位领导正职职数": "1", "单位领导副职职数": "2", "核定日期": "2023-05-10", "核定文号": "县委编〔2023〕8号"}
    row.update(overrides)
    return row


def person_row(id_number: str, unit_code: str, **overrides: Any) -> dict[str, Any]:
    birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
    row = {"身份证号": id_number, "姓名": "李四", "性别": "男" if int(id_number[16]) % 2 else "女",
           "出生日期": birth, "编制所在机构编码": unit_code, "编制类型": "行政编制", "人员身份": "干部",
           "人员状态": "在职", "在编状态": "在编", "入编日期": "2012-08-01", "任职机构编码": unit_code,
           "现任职务": "科员", "领导职务类别": "无", "学历": "本科", "手机号": "13900001111"}
    row.update(overrides)
    return row


def body_row(unit_code: str, code: str, **overrides: Any) -> dict[str, Any]:
    row = {"单位编码": unit_code, "机构编码": code, "名称": f"科室{code}", "规格": "正科", "正职职数": "1",
           "副职职数": "1", "批准文号": "县委编〔2023〕9号", "批准日期": "2023-05-10"}
    row.update(overrides)
    return row
