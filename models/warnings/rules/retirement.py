"""B. Retirement and leaving (domain §9 B). ``person.retire_on`` is derived at write time with the
2024 reform rules (models.retirement), so these are date comparisons against bind parameters."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Select, case, literal

from models.staffing.tables import PERSON
from models.warnings.rules.base import EFFECTIVE_FROM, EFFECTIVE_LABEL, RuleContext, RuleDef, Window, floor_note, window
from models.warnings.rules.common import person_hit
from models.warnings.rules.sql import active

EXITS = ("transferred", "resigned", "dismissed", "expelled", "deceased")


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _approaching(ctx: RuleContext) -> Select[Any]:
    notice, urgent = ctx.params["notice_days"], ctx.params["urgent_days"]
    severity = case((PERSON.c.retire_on <= ctx.as_of + timedelta(days=urgent), literal("S2")), else_=literal("S3"))
    query = person_hit(ctx, PERSON.c.retire_on.label("ev_retire_on"), severity=severity)
    return query.where(active(), PERSON.c.retire_on > ctx.as_of,
                       PERSON.c.retire_on <= ctx.as_of + timedelta(days=notice))


def _approaching_windows(ctx: RuleContext) -> list[Window]:
    if ctx.prev_as_of is None:
        return []
    shifts = (0, ctx.params["urgent_days"], ctx.params["notice_days"])
    return [window(PERSON.c.retire_on, ctx.prev_as_of + timedelta(days=d), ctx.as_of + timedelta(days=d))
            for d in shifts]


def _overdue(ctx: RuleContext) -> Select[Any]:
    # Overdue once the reach month is over: retire_on falls in a month before the as-of month.
    query = person_hit(ctx, PERSON.c.retire_on.label("ev_retire_on"), anchor=PERSON.c.retire_on)
    return query.where(active(), PERSON.c.retire_on < _month_start(ctx.as_of))


def _overdue_windows(ctx: RuleContext) -> list[Window]:
    if ctx.prev_as_of is None:
        return []
    before, now = _month_start(ctx.prev_as_of), _month_start(ctx.as_of)
    return [window(PERSON.c.retire_on, before - timedelta(days=1), now - timedelta(days=1))]


def _left_but_in_establishment(statuses: tuple[str, ...], ctx: RuleContext) -> Select[Any]:
    # Bound with functools.partial (see identity._id_status).
    hit = person_hit(ctx, PERSON.c.status.label("ev_status"), PERSON.c.exit_date.label("ev_exit"),
                     anchor=PERSON.c.exit_date)
    return hit.where(PERSON.c.in_est.is_(True), PERSON.c.status.in_(statuses))


def _since(day: str | None) -> str:
    """The "已于2026-11-02" before an exit, or just "已" when the record lacks the date (never "None")."""
    return f"已于{day}" if day else "已"


# The optional effective date of an anchor-based deadline (models.warnings.deadlines).
EFFECTIVE: dict[str, Any] = {"params": {EFFECTIVE_FROM: ""}, "param_labels": {EFFECTIVE_FROM: EFFECTIVE_LABEL}}
EXIT_LABELS = {"retired": "退休", "transferred": "调出", "resigned": "辞职", "dismissed": "辞退", "expelled": "开除",
               "deceased": "死亡"}

RULES = [
    RuleDef("B2_RETIRE_SOON", "即将达到退休年龄", "S3", "按渐进式延迟法定退休年龄办法计算，提前做好退休和用编计划。",
            "B", _approaching, lambda e: f"将于{e['retire_on']}达到法定退休年龄",
            params={"notice_days": 180, "urgent_days": 90},
            param_labels={"notice_days": "提前提示天数", "urgent_days": "转为一般预警的天数"},
            windows=_approaching_windows),
    RuleDef("B3_OVERDUE_RETIRE", "应退休未退休", "S1",
            "达到法定退休年龄（2024年渐进式延迟退休办法）应按时办理退休，并核销编制。"
            + floor_note("达到退休年龄当月的月末"),
            "B", _overdue, lambda e: f"已于{e['retire_on']}达到法定退休年龄，仍在编在职", deadline_days=10,
            due_from="anchor_month_end", windows=_overdue_windows, **EFFECTIVE),
    RuleDef("B5_RETIRED_IN_EST", "退休未出编", "S1",
            "人员退休后应在规定工作日内办理出编、核销编制。" + floor_note("退休之日"), "B",
            partial(_left_but_in_establishment, ("retired",)), lambda e: f"{_since(e['exit'])}退休，编制未核销",
            deadline_days=10, due_from="anchor", **EFFECTIVE),
    RuleDef("B6_EXIT_IN_EST", "调出辞职等未出编", "S1",
            "人员调出、辞职、辞退、开除、死亡后应及时出编。" + floor_note("调出、辞职等离开之日"), "B",
            partial(_left_but_in_establishment, EXITS),
            lambda e: f"{_since(e['exit'])}{EXIT_LABELS.get(e['status'], '离岗')}，编制未核销",
            deadline_days=10, due_from="anchor", **EFFECTIVE),
]
