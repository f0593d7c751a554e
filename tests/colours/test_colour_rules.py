"""三色管理 rules each way (pure), the month-end job on a real database (idempotent, refuses an
unfinished month, CLI) and the red hold on a real 用编 item."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models.approvals.engine import submit
from models.approvals.hold import hold_reason
from models.approvals.kind import kind_of
from models.colours.compute import compute_month
from models.colours.query import latest_colours, red_hold, unit_history
from models.colours.rules import ColourRules, UnitFigures, classify, way_out
from models.colours.tables import UNIT_COLOUR
from models.core.db import transaction
from models.core.settings import Settings
from models.warnings.tables import Warning
from tasks.colours import colour_month
from tests.approvals.engine_fixtures import TODAY, county
from tests.approvals.kinds_support import use_quota

__all__ = ["county"]
RULES = ColourRules.from_settings(Settings(env="test"))


def colour_of(**figures: float) -> tuple[str, list[str]]:
    colour, reasons = classify(RULES, UnitFigures(7, **figures))
    return colour, [r["code"] for r in reasons]


@pytest.mark.parametrize(("figures", "expected"), [
    ({"overdue_s1": 1, "open_s1": 1, "approved": 10, "actual": 9}, ("red", ["overdue_s1", "open_s1"])),
    ({"over_posts": 1, "open_s1": 1, "approved": 10, "actual": 12},
     ("red", ["over_limits", "open_s1", "use_high"])),
    ({"score": 59.5, "approved": 10, "actual": 9}, ("red", ["low_score"])),
    ({"score": 60, "approved": 10, "actual": 9}, ("green", ["all_clear"])),
    ({"open_s1": 2, "approved": 10, "actual": 9}, ("yellow", ["open_s1"])),
    ({"approved": 10, "actual": 7}, ("yellow", ["use_low"])),
    ({"approved": 10, "actual": 8}, ("green", ["all_clear"])),
    ({"approved": 0, "actual": 0}, ("green", ["all_clear"])),  # no 核定: no 使用率 to judge
])
def test_each_rule_decides_the_colour_it_names(figures, expected):
    assert colour_of(**figures) == expected


def test_reasons_explain_in_chinese_with_links_and_the_way_out():
    colour, reasons = classify(RULES, UnitFigures(7, overdue_s1=2, open_s1=3, approved=10, actual=5))
    assert [r["text"] for r in reasons] == ["2 条严重预警逾期未整改", "3 条严重预警尚未整改",
                                            "编制使用率 50%（实有 5 / 核定 10），低于 80%，空编闲置"]
    assert reasons[0]["link"] == "/warnings?unit=7&severity=S1&overdue=1"
    out = way_out(colour, reasons)
    assert out["yellow"] == ["完成逾期严重预警的整改并申请整改销号"] and len(out["green"]) == 3
    assert way_out("green", []) == {"yellow": [], "green": []}


def test_the_rule_version_changes_with_any_rule():
    other = ColourRules.from_settings(Settings(env="test", colour_use_low=0.7))
    assert other.version != RULES.version and len(RULES.version) == 12


async def severe(rt, unit_id: int, n: int, *, due: date, rule: str = "B3_OVERDUE_RETIRE") -> None:
    async with transaction(rt.sessions) as session:
        for i in range(n):
            session.add(Warning(fingerprint=f"{rule}:{unit_id}:{i}", rule_code=rule, severity="S1", unit_id=unit_id,
                                subject=f"{unit_id}-{i}", detected_on=date(2026, 10, 1), due_date=due))


async def test_the_month_end_job_is_idempotent_and_judges_overdue_at_month_end(rt, county):
    unit, school = county.units["C1-A"], county.units["C1"]
    await severe(rt, unit, 1, due=date(2026, 10, 30))  # overdue by 31 October
    await severe(rt, school, 1, due=date(2026, 11, 2))  # due after the month: open, not overdue
    first = await colour_month(rt, month="2026-10", as_of=date(2026, 11, 1))
    again = await colour_month(rt, month="2026-10", as_of=date(2026, 11, 3))
    assert first.counts == again.counts and first.units == again.units == 3
    async with rt.sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(UNIT_COLOUR))
        colours = await latest_colours(session, unit_ids=county.units.values())
        history = await unit_history(session, unit_id=unit)
        hold = await red_hold(session, unit_id=unit, today=date(2026, 11, 30))
        over = await red_hold(session, unit_id=unit, today=date(2026, 12, 1))
    assert rows == 3 and colours[unit].colour == "red" and colours[school].colour == "yellow"
    assert [h.month_label for h in history] == ["2026年10月"] and history[0].label == "红色"
    assert hold is not None and hold.hold_until == date(2026, 11, 30) and over is None


async def test_an_unfinished_month_or_a_bad_month_is_refused(rt, county):
    with pytest.raises(ValueError, match="2026年11月尚未结束"):
        await colour_month(rt, month="2026-11", as_of=date(2026, 11, 29))
    with pytest.raises(ValueError, match="月份格式"):
        await colour_month(rt, month="2026-13", as_of=date(2026, 11, 29))
    async with transaction(rt.sessions) as session:
        run = await compute_month(session, month="2026-11", as_of=date(2026, 11, 30), rules=RULES)
    assert run.units == 3  # the month's last day itself is allowed


async def test_a_red_unit_holds_a_new_use_quota_item_with_the_reason(rt, county):
    unit = county.units["C1-A"]
    await severe(rt, unit, 1, due=date(2026, 10, 20), rule="C1_OVER_QUOTA")
    await colour_month(rt, month="2026-10", as_of=date(2026, 11, 1))
    async with transaction(rt.sessions) as session:
        outcome = await submit(session, use_quota(unit, 1), county.actor("steward"), today=TODAY)
        exit_reason = await hold_reason(session, unit, TODAY, kind=kind_of("posts"))
    assert outcome.status == "held"
    assert "2026年10月被评为红色单位（1 条严重预警逾期未整改；1 条超编、超职数预警未整改）" in outcome.message
    assert "暂缓审批至 2026年11月30日" in outcome.message
    assert "严重预警逾期未整改（超编" in outcome.message  # the overdue-S1 hold still speaks too
    assert exit_reason is None  # 核职 is neither holdable nor a 用编/用职 item


async def test_a_green_unit_files_use_quota_as_usual(rt, county):
    await colour_month(rt, month="2026-10", as_of=date(2026, 11, 1))
    async with transaction(rt.sessions) as session:
        outcome = await submit(session, use_quota(county.units["C1-A"], 1), county.actor("steward"), today=TODAY)
    assert outcome.status == "pending"
