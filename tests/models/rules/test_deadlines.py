"""Deadlines counted from an event never start before the problem was first found (or before the
rule's configured effective date): old data gets a fresh deadline, not "1992-06-18（估算）已逾期"."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from models.core.db import transaction
from models.warnings.config import RuleConfigError
from models.warnings.deadlines import effective_from, month_end, start_day
from models.warnings.rules.base import EFFECTIVE_FROM
from models.warnings.rules.catalogue import CATALOGUE
from models.warnings.tables import Warning
from tests.factories import add_persons, add_units, person_record, unit_record
from tests.models.rules.support import DAY, Seen, configure, live, scan, seen

ANCHORED = ("A10_INCOMPLETE", "B3_OVERDUE_RETIRE", "B5_RETIRED_IN_EST", "B6_EXIT_IN_EST", "D2_POST_INFO")
FRESH = date(2026, 11, 30)  # 5 working days after DAY (2026-11-23)
BORN = date(1970, 5, 20)


def incomplete(due: date, name: str = "老同志") -> Seen:
    return Seen("A10_INCOMPLETE", f"U1/{name}", due, "S2", "缺少：学历")


def old(**overrides):
    return person_record("U1", seq=101, name="老同志", birth=BORN, entry_date=date(1992, 6, 11), **overrides)


@pytest.fixture
async def old_record(rt):
    await add_units(rt, unit_record("U1"))
    await add_persons(rt, old(education=None))


async def first_detection(rt) -> list[tuple[date, date | None, bool]]:
    return [(w.detected_on, w.due_date, w.due_estimated) for w in await live(rt)]


async def test_old_data_gets_a_fresh_deadline_from_first_detection(rt, old_record):
    await scan(rt)
    assert await seen(rt) == {incomplete(FRESH)}
    assert await first_detection(rt) == [(DAY, FRESH, False)]  # not 1992-06-18, estimated


async def test_the_deadline_stays_where_first_detection_put_it(rt, old_record):
    await scan(rt)
    await scan(rt, date(2026, 12, 7), full=False)
    await scan(rt, date(2026, 12, 8), full=True)
    assert await first_detection(rt) == [(DAY, FRESH, False)]


async def test_a_reopened_warning_keeps_its_first_detection(rt, old_record):
    await scan(rt)
    await add_persons(rt, old())
    assert (await scan(rt, date(2026, 11, 24), full=False)).resolved == 1
    await add_persons(rt, old(education=None))
    assert (await scan(rt, date(2026, 12, 14), full=False)).reopened == 1
    assert await first_detection(rt) == [(DAY, FRESH, False)]


async def test_warnings_dated_before_this_rule_get_the_floor_of_their_own_detection(rt, old_record):
    await scan(rt)
    async with transaction(rt.sessions) as session:  # as an earlier version computed it
        await session.execute(update(Warning).values(detected_on=date(2026, 11, 2), due_date=date(1992, 6, 18),
                                                     due_estimated=True))
    assert (await scan(rt, full=True)).updated == 1  # the nightly full scan
    assert await first_detection(rt) == [(date(2026, 11, 2), date(2026, 11, 9), False)]


async def test_a_configured_effective_date_replaces_first_detection_as_the_floor(rt, old_record):
    await add_persons(rt, person_record("U1", seq=103, name="新同志", entry_date=date(2026, 11, 16), education=None))
    await configure(rt, "A10_INCOMPLETE", params={EFFECTIVE_FROM: "2026-11-02"})
    await scan(rt)
    assert await seen(rt) == {incomplete(date(2026, 11, 9)), incomplete(date(2026, 11, 23), "新同志")}
    await configure(rt, "A10_INCOMPLETE", params={EFFECTIVE_FROM: ""})
    await scan(rt, date(2026, 11, 24), full=False)  # a changed rule: full, floors from first detection
    assert await seen(rt) == {incomplete(FRESH), incomplete(FRESH, "新同志")}


@pytest.mark.parametrize(("code", "value"), [
    ("A10_INCOMPLETE", "2026-13-01"), ("A10_INCOMPLETE", "20261101"), ("B5_RETIRED_IN_EST", "明年"),
    ("B6_EXIT_IN_EST", 20261101), ("C1_OVER_QUOTA", "2026-11-01"), ("A1_ID_INVALID", "2026-11-01"),
])
async def test_it_refuses_an_effective_date_that_is_not_one(rt, code, value):
    with pytest.raises(RuleConfigError):
        await configure(rt, code, params={EFFECTIVE_FROM: value})


@pytest.mark.parametrize("code", ANCHORED)
def test_every_rule_counting_from_an_event_says_where_its_deadline_starts(code):
    rule = CATALOGUE[code]
    assert rule.due_from != "detected" and rule.params[EFFECTIVE_FROM] == "" and EFFECTIVE_FROM in rule.param_labels
    assert rule.basis.endswith("但不早于系统首次发现该问题之日；规则设定了生效日期的，不早于生效日期。")


def test_rules_counting_from_detection_need_no_effective_date():
    counted_from_events = {code for code, rule in CATALOGUE.items() if rule.due_from != "detected"}
    assert counted_from_events == set(ANCHORED)
    assert all(EFFECTIVE_FROM not in CATALOGUE[c].params for c in CATALOGUE.keys() - counted_from_events)


async def test_a_rule_counting_from_detection_counts_a_reopened_warning_from_the_reopening(rt):
    await add_units(rt, unit_record("U1", quotas={"XZ": 1}))
    await add_persons(rt, person_record("U1", seq=101), person_record("U1", seq=103))
    await scan(rt)
    await add_persons(rt, person_record("U1", seq=103, status="transferred", in_est=False, exit_date=DAY))
    await scan(rt, date(2026, 11, 24), full=False)
    await add_persons(rt, person_record("U1", seq=105))
    assert (await scan(rt, date(2026, 12, 1), full=False)).reopened == 1
    # The problem came back: 20 working days from the reopening, first detection unchanged.
    assert await first_detection(rt) == [(DAY, date(2026, 12, 29), False)]


@pytest.mark.parametrize(("due_from", "anchor", "floor", "start"), [
    ("detected", date(2026, 12, 4), date(2026, 11, 23), date(2026, 11, 23)),  # an anchor is never used
    ("detected", None, date(2026, 11, 23), date(2026, 11, 23)),
    ("anchor", None, date(2026, 11, 23), date(2026, 11, 23)),                 # a record without the date
    ("anchor", date(2026, 12, 4), date(2026, 11, 23), date(2026, 12, 4)),
    ("anchor", date(2026, 11, 23), date(2026, 11, 23), date(2026, 11, 23)),
    ("anchor", date(1992, 6, 11), date(2026, 11, 23), date(2026, 11, 23)),
    ("anchor_month_end", date(2026, 7, 15), date(2026, 1, 1), date(2026, 7, 31)),
    ("anchor_month_end", date(2026, 7, 15), date(2026, 8, 3), date(2026, 8, 3)),
    ("anchor_month_end", date(2026, 7, 15), date(2026, 7, 31), date(2026, 7, 31)),
])
def test_the_count_starts_at_the_anchor_but_never_before_the_floor(due_from, anchor, floor, start):
    assert start_day(due_from, anchor, floor) == start


@pytest.mark.parametrize(("day", "end"), [
    (date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 14), date(2026, 2, 28)),
    (date(2028, 2, 29), date(2028, 2, 29)), (date(2028, 2, 1), date(2028, 2, 29)),
    (date(2026, 4, 30), date(2026, 4, 30)), (date(2026, 12, 31), date(2026, 12, 31)),
    (date(2026, 11, 1), date(2026, 11, 30)),
])
def test_month_end(day, end):
    assert month_end(day) == end


@pytest.mark.parametrize(("params", "expected"), [
    ({}, None), ({EFFECTIVE_FROM: ""}, None), ({EFFECTIVE_FROM: "2026-11-02"}, date(2026, 11, 2)),
])
def test_an_empty_effective_date_means_none(params, expected):
    assert effective_from(params) == expected
