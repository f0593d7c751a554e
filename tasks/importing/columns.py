"""The canonical columns of the unit and person templates: header, record field, parser, formatter.

One table drives the template, the import and the export, so they cannot drift apart. Headers are
matched by name on import (order free). ``field`` is a record attribute, or ``quotas.XZ`` /
``posts.unit.chief`` for the per-type counts of a unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from models.core.enums import LABELS, EstType, Identity, LeaderKind, Level, PersonStatus, Sex, UnitKind
from tasks.importing import cells
from tasks.importing.cells import Formatter, Parser

FUNDING = ("全额拨款", "差额拨款", "自收自支")
IN_EST = {"在编": True, "出编": False}
BODY_STATUS = {"存续": "active", "已撤销": "abolished"}


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Parser
    fmt: Formatter = cells.fmt_text
    required: bool = False
    note: str = ""
    options: tuple[str, ...] = ()


def _enum_column(header: str, name: str, enum_type: type[StrEnum], required: bool = False,
                 note: str = "") -> Column:
    return Column(header, name, cells.enum(enum_type), cells.fmt_enum(enum_type), required, note,
                  tuple(LABELS[enum_type].values()))


def _count_column(header: str, name: str) -> Column:
    return Column(header, name, cells.count, cells.fmt_text, note="非负整数，空白视为0")


def in_est(raw: Any) -> bool | None:
    value = cells.as_text(raw)
    if not value:
        return None
    if value not in IN_EST:
        raise cells.CellError("取值不在允许范围内，应为：在编/出编")
    return IN_EST[value]


def body_status(raw: Any) -> str | None:
    value = cells.as_text(raw)
    if not value:
        return None
    if value not in BODY_STATUS:
        raise cells.CellError("取值不在允许范围内，应为：存续/已撤销")
    return BODY_STATUS[value]


def fmt_body_status(value: Any) -> str:
    return next((label for label, code in BODY_STATUS.items() if code == value), "")


UNIT_COLUMNS: tuple[Column, ...] = (
    Column("机构编码", "code", cells.text(40), required=True, note="唯一编码，重复导入时按此更新"),
    Column("机构名称", "name", cells.text(200), required=True),
    Column("上级机构编码", "parent_code", cells.text(40), note="上级须已在系统中或在同一文件中"),
    Column("统一社会信用代码", "uscc", cells.uscc, note="18位"),
    Column("行政区划代码", "region_code", cells.region_code, note="6位数字"),
    _enum_column("机构层级", "level", Level, required=True),
    _enum_column("机构类别", "kind", UnitKind, required=True),
    Column("是否参公", "is_cangong", cells.yes_no, cells.fmt_yes_no, note="是/否，仅事业单位可参公",
           options=("是", "否")),
    Column("经费形式", "funding", cells.one_of(FUNDING), options=FUNDING),
    Column("机构规格", "grade", cells.text(20), note="如 正科级"),
    _count_column("内设机构限额", "internal_limit"),
    _count_column("行政编制", "quotas.XZ"),
    _count_column("政法专项编制", "quotas.ZF"),
    _count_column("事业编制", "quotas.SY"),
    _count_column("工勤编制", "quotas.GQ"),
    _count_column("单位领导正职职数", "posts.unit.chief"),
    _count_column("单位领导副职职数", "posts.unit.deputy"),
    _count_column("内设机构领导正职职数", "posts.internal.chief"),
    _count_column("内设机构领导副职职数", "posts.internal.deputy"),
    Column("核定日期", "approved_on", cells.parse_date, cells.fmt_date, note="如 2024-03-01"),
    Column("核定文号", "approval_doc", cells.text(100)),
)

# 内设机构: one row per body, keyed by (单位编码, 机构编码). An empty 职数 means not separately
# approved (only the unit's internal total applies), unlike a unit's counts, where empty is 0.
BODY_COLUMNS: tuple[Column, ...] = (
    Column("单位编码", "unit_code", cells.text(40), required=True, note="所属单位的机构编码，单位须已导入"),
    Column("机构编码", "code", cells.text(40), required=True, note="在本单位内唯一，重复导入时按此更新"),
    Column("名称", "name", cells.text(200), required=True),
    Column("规格", "grade", cells.text(20), note="如 正科、副科"),
    Column("正职职数", "chief_posts", cells.count, note="非负整数；留空表示未单独核定（按单位内设机构领导职数总额）"),
    Column("副职职数", "deputy_posts", cells.count, note="非负整数；留空表示未单独核定"),
    Column("批准文号", "approval_doc", cells.text(100)),
    Column("批准日期", "approved_on", cells.parse_date, cells.fmt_date, note="如 2024-03-01"),
    Column("状态", "status", body_status, fmt_body_status, note="存续/已撤销，留空为存续",
           options=tuple(BODY_STATUS)),
)

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("身份证号", "id_number", cells.id_number, required=True, note="18位，请设为文本格式"),
    Column("姓名", "name", cells.text(60), required=True),
    _enum_column("性别", "sex", Sex, required=True),
    Column("出生日期", "birth_date", cells.parse_date, cells.fmt_date, required=True,
           note="须与身份证号一致"),
    Column("编制所在机构编码", "unit_code", cells.text(40), required=True),
    _enum_column("编制类型", "est_type", EstType, required=True),
    _enum_column("人员身份", "identity", Identity, required=True),
    _enum_column("人员状态", "status", PersonStatus, required=True),
    Column("在编状态", "in_est", in_est, lambda v: "在编" if v else "出编", required=True,
           options=tuple(IN_EST)),
    Column("入编日期", "entry_date", cells.parse_date, cells.fmt_date, note="在编人员必填"),
    Column("离岗日期", "exit_date", cells.parse_date, cells.fmt_date, note="退休、调出等非在职人员必填"),
    Column("任职机构编码", "post_unit_code", cells.text(40)),
    Column("现任职务", "post_title", cells.text(100)),
    _enum_column("领导职务类别", "leader_kind", LeaderKind),
    Column("任职日期", "appoint_date", cells.parse_date, cells.fmt_date),
    Column("任职文号", "appoint_doc", cells.text(100)),
    Column("学历", "education", cells.text(40)),
    Column("职称", "pro_title", cells.text(60)),
    Column("手机号", "mobile", cells.mobile),
    Column("退休年龄特殊规定", "retire_age", cells.text(200), note="如 60岁（依据文件）；一般留空"),
    # Last, so files written before it existed keep their column letters.
    Column("任职内设机构", "body_code", cells.text(40), note="任职机构（未填则编制所在机构）的内设机构编码"),
)


def assign(values: dict[str, Any], column: Column, value: Any) -> None:
    """Put a parsed value where the record expects it (plain field, quota or post count)."""
    parts = column.field.split(".")
    if parts[0] == "quotas":
        values.setdefault("quotas", {})[parts[1]] = value or 0
    elif parts[0] == "posts":
        values.setdefault("posts", {})[(parts[1], parts[2])] = value or 0
    else:
        values[column.field] = value


def read_back(record: Any, column: Column) -> Any:
    """The value of ``column`` in a record (inverse of :func:`assign`), for export."""
    parts = column.field.split(".")
    if parts[0] == "quotas":
        return record.quotas.get(parts[1], 0)
    if parts[0] == "posts":
        return record.posts.get((parts[1], parts[2]), 0)
    if column.field == "retire_age":
        return record.retire_basis
    return getattr(record, column.field)
