"""What a rule is: :class:`RuleDef` (catalogue data + query) and :class:`RuleContext` (one evaluation)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select

from models.warnings.rules.sql import in_scope

SEVERITIES = {"S1": "严重", "S2": "一般", "S3": "提示"}
# How a rule's deadline is counted: from the day it was first detected, from the row's anchor date
# (e.g. 入编日期), or from the end of the anchor's month (retirement: the month the age is reached).
DUE_FROM = ("detected", "anchor", "anchor_month_end")
# Anchor-based deadlines never start before the problem was first found, or before this optional
# effective date of the rule ("YYYY-MM-DD"; "" for none): see models.warnings.deadlines.
EFFECTIVE_FROM = "effective_from"
EFFECTIVE_LABEL = "生效日期（YYYY-MM-DD；期限起算不早于此日，留空则不早于首次发现之日）"


def floor_note(event: str) -> str:
    """The sentence each anchor-based rule's basis carries, saying where its deadline starts."""
    return f"期限自{event}起按工作日计算，但不早于系统首次发现该问题之日；规则设定了生效日期的，不早于生效日期。"


@dataclass(frozen=True)
class RuleContext:
    as_of: date
    params: dict[str, Any]
    scan_id: int | None = None  # set for an incremental scan: restrict to scan_scope
    prev_as_of: date | None = None

    def scoped(self, query: Select[Any], unit_column: Any) -> Select[Any]:
        condition = in_scope(unit_column, self.scan_id)
        return query if condition is None else query.where(condition)


Window = tuple[Any, date, date]  # (date column, low exclusive, high inclusive)


def no_windows(_ctx: RuleContext) -> list[Window]:
    return []


@dataclass(frozen=True)
class RuleDef:
    code: str
    title: str
    severity: str
    basis: str
    category: str  # A identity / B retirement / C establishment / D consistency
    query: Callable[[RuleContext], Select[Any]]
    summary: Callable[[dict[str, Any]], str]
    deadline_days: int | None = None
    due_from: str = "detected"
    params: dict[str, Any] = field(default_factory=dict)
    param_labels: dict[str, str] = field(default_factory=dict)
    windows: Callable[[RuleContext], list[Window]] = no_windows
    enabled: bool = True
    subject: str = "person"  # person / unit


def window(column: Any, low: date, high: date) -> Window:
    return (column, low, high)
