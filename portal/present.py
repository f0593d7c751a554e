"""Turning stored values into what an officer reads: evidence labels and values in Chinese."""

from __future__ import annotations

from datetime import date
from typing import Any

from models.core.enums import EstType, PersonStatus, Sex, UnitKind, label
from models.payroll.tables import month_label
from models.warnings.rules.establishment import POST_LABELS

EVIDENCE_LABELS = {
    "name": "姓名", "id": "身份证号", "status": "状态", "missing": "缺少信息", "approved": "核定数",
    "actual": "实有数", "held": "实配数", "type": "编制类型", "post": "职数", "retire_on": "法定退休日期",
    "exit": "离岗日期", "birth": "出生日期", "entry": "入编日期", "uscc": "统一社会信用代码", "records": "在编记录数",
    "id_birth": "身份证中的出生日期", "sex": "登记性别", "id_sex": "身份证中的性别", "kind": "机构类别",
    "post_unit": "任职机构", "approved_on": "职数核定日期",
    "month": "工资统发名单月份", "category": "工资类别", "units": "发薪单位数", "est_unit": "在编单位",  # D4
}
VALUE_LABELS = {"type": EstType, "kind": UnitKind, "sex": Sex, "id_sex": Sex}


def evidence_rows(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, value in evidence.items():
        if key == "post_unit":
            continue  # shown as a link by the template when needed
        rows.append((EVIDENCE_LABELS.get(key, key), _value(key, value)))
    return rows


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if key in VALUE_LABELS:
        return label(VALUE_LABELS[key], str(value))
    if key == "status":
        return label(PersonStatus, str(value)) if str(value) in {s.value for s in PersonStatus} else str(value)
    if key == "post":
        return POST_LABELS.get(str(value), str(value))
    if key == "missing":
        return str(value).rstrip("、")
    if key == "month":  # a payroll month is stored as its first day
        return month_label(date.fromisoformat(str(value))) if _is_date(value) else str(value)
    return str(value)


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True
