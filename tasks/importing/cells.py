"""Cell parsers and formatters. A parser takes a raw cell (str, number, datetime or None) and
returns a typed value or raises :class:`CellError` with a reason in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from models.core.enums import ALIASES, LABELS, choices, label, parse_label
from tasks.importing.safe_cells import CONTROL, unescape

Parser = Callable[[Any], Any]
Formatter = Callable[[Any], str]

MAX_CELL = 2000  # characters; the longest template column allows 200
CONTROL_REASON = "含有不可见的控制字符（如NUL），请删除后重新导入"
# Control characters, or an apostrophe that may escape a formula-like text of our own exports.
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f']")

DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
MOBILE = re.compile(r"^1[3-9]\d{9}$")


class CellError(ValueError):
    """A cell that cannot be accepted; ``reason`` is shown to the user as it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def suspect(cells: list[Any]) -> bool:
    """Whether a row may hold a cell :func:`screen` must look at: one search over the joined row,
    since almost every row is clean (the per-cell work then happens only for the rare rest)."""
    try:
        joined = "".join(cells)
    except TypeError:  # .xlsx rows also hold numbers, dates and None
        joined = "".join([cell for cell in cells if type(cell) is str])
    if len(joined) > MAX_CELL:
        return True
    if joined.isprintable() and "'" not in joined:  # C speed; a false alarm only costs the regex below
        return False
    return _SUSPECT.search(joined) is not None


def screen(raw: Any) -> tuple[Any, str | None]:
    """A raw cell as the parsers may see it, or why it cannot be accepted at all.

    Control characters would be stored (PostgreSQL refuses NUL outright; .xlsx cannot hold it, so
    every later export would fail), and no column needs thousands of characters."""
    if type(raw) is not str:
        return raw, None
    if CONTROL.search(raw):
        return raw, CONTROL_REASON
    if len(raw) > MAX_CELL:
        return raw, f"内容过长（{len(raw)}字），单元格最多{MAX_CELL}字"
    return unescape(raw), None


def as_text(raw: Any) -> str:
    """A cell as trimmed text: whole floats lose their ".0", Excel dates become ISO dates."""
    if type(raw) is str:  # every CSV cell: skip the isinstance ladder (hot path of an import)
        return raw.replace("\u3000", " ").strip()
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    return str(raw).replace("\u3000", " ").strip()


def text(max_len: int) -> Parser:
    def parse(raw: Any) -> str | None:
        value = as_text(raw)
        if len(value) > max_len:
            raise CellError(f"内容过长（{len(value)}字），最多{max_len}字")
        return value or None
    return parse


def parse_date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = as_text(raw)
    if not value:
        return None
    if _is_iso_date(value):  # the common 2024-03-01, same result as the first pattern
        return _real_date(value, int(value[:4]), int(value[5:7]), int(value[8:]))
    for pattern in DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            return _real_date(value, *(int(g) for g in match.groups()))
    raise CellError("日期格式不正确，应为 2024-03-01、2024/3/1 或 20240301")


def _is_iso_date(value: str) -> bool:
    # isdecimal() is exactly what the patterns' \d matches (Unicode decimal digits).
    return (len(value) == 10 and value[4] == "-" and value[7] == "-" and value[:4].isdecimal()
            and value[5:7].isdecimal() and value[8:].isdecimal())


def _real_date(value: str, year: int, month: int, day: int) -> date:
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise CellError(f"不是有效日期：{value}") from None
    if not 1900 <= parsed.year <= 2100:
        raise CellError(f"日期超出合理范围：{value}")
    return parsed


def count(raw: Any) -> int | None:
    value = as_text(raw)
    if not value:
        return None
    if not value.isdigit():
        raise CellError("应为非负整数")
    return int(value)


def enum(enum_type: type[StrEnum]) -> Parser:
    known = _label_lookup(enum_type)

    def parse(raw: Any) -> str | None:
        value = as_text(raw)
        if not value:
            return None
        code = known.get(value)
        if code is None:
            code = parse_label(enum_type, value)
        if code is None:
            raise CellError(f"取值不在允许范围内，应为：{choices(enum_type)}")
        return code
    return parse


def _label_lookup(enum_type: type[StrEnum]) -> dict[str, str]:
    """``parse_label`` of every label, alias and code, computed once (it is called for each cell)."""
    candidates = [*LABELS[enum_type].values(), *ALIASES.get(enum_type, {}), *(m.value for m in enum_type)]
    found = {text: parse_label(enum_type, text) for text in candidates if text}
    return {text: code for text, code in found.items() if code is not None}


def one_of(allowed: tuple[str, ...]) -> Parser:
    def parse(raw: Any) -> str | None:
        value = as_text(raw)
        if value and value not in allowed:
            raise CellError(f"取值不在允许范围内，应为：{'/'.join(allowed)}")
        return value or None
    return parse


def yes_no(raw: Any) -> bool | None:
    value = as_text(raw)
    if not value:
        return None
    if value in ("是", "Y", "y", "1", "true", "TRUE"):
        return True
    if value in ("否", "N", "n", "0", "false", "FALSE"):
        return False
    raise CellError("应为 是 或 否")


def id_number(raw: Any) -> str | None:
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        raise CellError("身份证号被存成了数字，已丢失末位精度；请将该列设为文本格式后重新填写")
    return as_text(raw).replace(" ", "").upper() or None


def mobile(raw: Any) -> str | None:
    value = as_text(raw).replace(" ", "").replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    if value and not MOBILE.match(value):
        raise CellError("手机号应为11位，以1开头")
    return value or None


def region_code(raw: Any) -> str | None:
    value = as_text(raw)
    if value and not re.fullmatch(r"\d{6}", value):
        raise CellError("行政区划代码应为6位数字")
    return value or None


def uscc(raw: Any) -> str | None:
    value = as_text(raw).replace(" ", "").upper()
    if value and len(value) != 18:
        raise CellError(f"统一社会信用代码应为18位，实为{len(value)}位")
    return value or None


def fmt_text(value: Any) -> str:
    return "" if value is None else str(value)


def fmt_date(value: Any) -> str:
    return value.isoformat() if value else ""


def fmt_yes_no(value: Any) -> str:
    return "是" if value else "否"


def fmt_enum(enum_type: type[StrEnum]) -> Formatter:
    return lambda value: label(enum_type, value)
