"""D. Consistency and timeliness (domain §9 D)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import add_persons, add_units, person_record, unit_record
from tests.models.rules.support import DAY, Seen, configure, evidence, scan, seen

LATE_POST = "单位领导职数核定后"


@pytest.fixture
async def units(rt):
    return await add_units(rt, unit_record("U1"), unit_record("U2"))


async def test_it_flags_a_post_in_another_unit_for_persons_in_service(rt, units):
    elsewhere = {"post_unit_code": "U2"}
    await add_persons(rt, person_record("U1", seq=101, name="借调", **elsewhere),
                      person_record("U1", seq=103, name="本单位"),
                      person_record("U1", seq=105, name="无任职机构", post_unit_code=None),
                      person_record("U1", seq=107, name="已退休", status="retired", in_est=False,
                                    exit_date=date(2025, 3, 3), **elsewhere),
                      person_record("U1", seq=109, name="调出未出编", status="transferred",
                                    exit_date=date(2026, 11, 2), **elsewhere))
    await scan(rt)
    due = date(2026, 12, 7)  # 10 working days after DAY
    assert await seen(rt) == {
        Seen("D1_POST_UNIT", "U1/借调", due, "S2", "编制所在单位与任职单位不一致"),
        Seen("A10_INCOMPLETE", "U1/无任职机构", date(2026, 11, 30), "S2", "缺少：任职机构"),
        Seen("B6_EXIT_IN_EST", "U1/调出未出编", due, "S1", "已于2026-11-02调出，编制未核销"),
    }
    assert await evidence(rt, "D1_POST_UNIT") == [{"post_unit": units["U2"]}]


def leaders(unit: str = "U1"):
    return (person_record(unit, seq=101, name="缺文号", leader_kind="unit_chief", appoint_date=date(2026, 9, 1)),
            person_record(unit, seq=103, name="缺日期", leader_kind="unit_deputy", appoint_doc="县委〔2026〕9号"),
            person_record(unit, seq=105, name="齐全", leader_kind="unit_deputy", appoint_date=date(2026, 9, 1),
                          appoint_doc="县委〔2026〕9号"),
            person_record(unit, seq=107, name="非领导"),
            person_record(unit, seq=109, name="已退休领导", leader_kind="internal_chief", status="retired",
                          in_est=False, exit_date=date(2026, 3, 2)))


def late(name: str, due: date, approved: str) -> Seen:
    return Seen("D2_POST_INFO", f"U1/{name}", due, "S2", f"职数核定于{approved}，任职信息未完善")


async def test_it_asks_leaders_for_appointment_details_from_the_day_posts_are_approved(rt, units):
    await add_units(rt, unit_record("U1", approved_on=date(2026, 10, 8)))
    await add_persons(rt, *leaders())
    await scan(rt, date(2026, 10, 8))
    due = date(2026, 11, 18)  # 30 working days after 2026-10-08 (10-10 is a make-up Saturday)
    assert await seen(rt) == {late("缺文号", due, "2026-10-08"), late("缺日期", due, "2026-10-08")}
    assert await evidence(rt, "D2_POST_INFO") == [{"approved_on": "2026-10-08"}] * 2


async def test_approved_posts_found_late_count_from_the_effective_date_when_one_is_set(rt, units):
    await add_units(rt, unit_record("U1", approved_on=date(2026, 10, 8)))
    await add_persons(rt, *leaders())
    await configure(rt, "D2_POST_INFO", params={"effective_from": "2026-01-01"})
    await scan(rt, DAY)
    due = date(2026, 11, 18)  # from the approval, which is after the effective date
    assert await seen(rt) == {late("缺文号", due, "2026-10-08"), late("缺日期", due, "2026-10-08")}


async def test_an_incremental_scan_sees_the_approval_date_pass(rt, units):
    await add_units(rt, unit_record("U1", approved_on=date(2026, 9, 1)))
    await add_persons(rt, *leaders(), person_record("U2", seq=111, name="他处领导", leader_kind="unit_chief"))
    await scan(rt, date(2026, 8, 31))
    assert await seen(rt) == set()
    outcome = await scan(rt, date(2026, 9, 1), full=False)
    assert (outcome.kind, outcome.scoped_units) == ("incremental", 1)
    due = date(2026, 10, 19)  # 30 working days after 2026-09-01
    assert await seen(rt) == {late("缺文号", due, "2026-09-01"), late("缺日期", due, "2026-09-01")}
