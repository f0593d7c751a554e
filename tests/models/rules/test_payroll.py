"""D4 吃空饷 risk: 财政's payroll roster against the 在编 records (domain §9 D4)."""

from __future__ import annotations

from datetime import date

import pytest

from models.staffing.ids import mask_id
from tests.factories import add_persons, add_units, make_id, person_record, unit_record
from tests.models.rules.support import DAY, Seen, evidence, scan, seen
from tests.payroll_helpers import add_roster

NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)
DUE = date(2026, 11, 30)  # 5 working days after DAY
GHOST = make_id(seq=201)


def pid(seq: int) -> str:
    return make_id(seq=seq)


@pytest.fixture
async def books(rt):
    await add_units(rt, unit_record("U1"), unit_record("U2"), unit_record("U3"))
    await add_persons(
        rt,
        person_record("U1", seq=101, name="在册"),
        person_record("U1", seq=103, name="未发薪"),
        person_record("U1", seq=105, name="新入编", entry_date=date(2026, 11, 5)),
        person_record("U1", seq=107, name="已退休", status="retired", in_est=False, exit_date=date(2026, 3, 2)),
        person_record("U1", seq=109, name="本月退休", status="retired", in_est=False, exit_date=date(2026, 11, 10)),
        person_record("U1", seq=111, name="编外", in_est=False),
        person_record("U1", seq=113, name="双薪"),
        person_record("U2", seq=115, name="调入未转"),
        person_record("U2", seq=117, name="乙在册"),
        person_record("U3", seq=119, name="非统发单位"))


def paid_everywhere_right() -> list[tuple[str, str, str]]:
    return [("U1", pid(101), "在册"), ("U1", pid(113), "双薪"), ("U2", pid(115), "调入未转"),
            ("U2", pid(117), "乙在册")]


async def test_without_a_roster_nothing_is_compared(rt, books):
    outcome = await scan(rt)
    assert await seen(rt, "D4") == set()
    assert all(outcome.per_rule[code] == 0 for code in outcome.per_rule if code.startswith("D4"))


async def test_a_roster_that_matches_the_books_raises_nothing(rt, books):
    await add_roster(rt, NOV, [*paid_everywhere_right(), ("U1", pid(103), "未发薪"),
                               ("U1", pid(109), "本月退休")])
    await scan(rt)
    assert await seen(rt, "D4") == set()


async def test_each_mismatch_is_found_in_its_unit(rt, books):
    await add_roster(rt, NOV, [
        ("U1", pid(101), "在册"), ("U1", pid(113), "双薪"), ("U2", pid(117), "乙在册"),
        ("U1", pid(107), "已退休"), ("U1", pid(109), "本月退休"), ("U1", pid(111), "编外"),
        ("U1", GHOST, "查无此人"), ("U1", pid(115), "调入未转"), ("U2", pid(113), "双薪")])
    await scan(rt)
    hashes = {seq: rt.cipher.lookup_hash(pid(seq)) for seq in (111, 113, 115)}
    ghost = rt.cipher.lookup_hash(GHOST)
    not_booked = "列入2026年11月工资统发名单，本单位无其在编记录"
    assert await seen(rt, "D4") == {
        Seen("D4_EST_UNPAID", "U1/未发薪", DUE, "S1", "在编在职，未列入2026年11月工资统发名单"),
        Seen("D4_EST_UNPAID", "U2/调入未转", DUE, "S1", "在编在职，未列入2026年11月工资统发名单"),
        Seen("D4_PAID_AFTER_EXIT", "U1/已退休", DUE, "S1", "已于2026-03-02退休，仍列入2026年11月工资统发名单"),
        Seen("D4_PAID_NO_EST", f"U1:{hashes[111]}", DUE, "S1", not_booked),
        Seen("D4_PAID_NO_EST", f"U1:{ghost}", DUE, "S1", not_booked),
        Seen("D4_PAID_NO_EST", f"U1:{hashes[115]}", DUE, "S1", not_booked + "（在编于机构U2）"),
        Seen("D4_PAID_NO_EST", f"U2:{hashes[113]}", DUE, "S1", not_booked + "（在编于机构U1）"),
        Seen("D4_PAID_TWICE", f"U1:{hashes[113]}", DUE, "S1", "同一身份证号在2个单位同时发薪（2026年11月）"),
        Seen("D4_PAID_TWICE", f"U2:{hashes[113]}", DUE, "S1", "同一身份证号在2个单位同时发薪（2026年11月）"),
    }
    paid = await evidence(rt, "D4_PAID_TWICE")
    assert paid == [{"month": "2026-11-01", "category": "公务员", "units": 2}] * 2
    ghost_row = next(e for e in await _full_evidence(rt, "D4_PAID_NO_EST") if e["name"] == "查无此人")
    assert ghost_row == {"name": "查无此人", "id": mask_id(GHOST), "month": "2026-11-01", "category": "公务员",
                         "est_unit": None}


async def _full_evidence(rt, rule: str) -> list[dict]:
    from tests.models.rules.support import live

    return [w.evidence for w in await live(rt) if w.rule_code == rule]


async def test_no_pay_for_a_month_entered_in_and_no_unit_the_roster_does_not_pay(rt, books):
    await add_roster(rt, NOV, paid_everywhere_right())
    await scan(rt)
    found = {s.subject for s in await seen(rt, "D4")}
    assert found == {"U1/未发薪"}  # not 新入编 (entered in November), not U3 (no one paid there)


async def test_only_the_latest_month_counts_and_a_corrected_roster_resolves(rt, books):
    await add_roster(rt, OCT, [("U1", GHOST, "查无此人"), *paid_everywhere_right()])
    await scan(rt)
    assert {s.rule for s in await seen(rt, "D4")} == {"D4_PAID_NO_EST", "D4_EST_UNPAID"}
    await add_roster(rt, NOV, [*paid_everywhere_right(), ("U1", pid(103), "未发薪")])
    await scan(rt)
    assert await seen(rt, "D4") == set()  # October's ghost is history
    await add_roster(rt, NOV, paid_everywhere_right())  # November again, without 未发薪: it replaces
    await scan(rt)
    assert {s.subject for s in await seen(rt, "D4")} == {"U1/未发薪"}


async def test_a_new_roster_puts_every_unit_in_the_next_incremental_scan(rt, books):
    await scan(rt)
    await add_roster(rt, NOV, paid_everywhere_right())
    outcome = await scan(rt, DAY, full=False)
    assert (outcome.kind, outcome.scoped_units) == ("incremental", 3)
    assert {s.subject for s in await seen(rt, "D4")} == {"U1/未发薪"}
    quiet = await scan(rt, DAY, full=False)
    assert quiet.scoped_units == 0  # the roster is not new any more


async def test_a_death_recorded_later_turns_the_pay_into_a_warning(rt, books):
    await add_roster(rt, NOV, [*paid_everywhere_right(), ("U1", pid(103), "未发薪")])
    await scan(rt)
    await add_persons(rt, person_record("U1", seq=103, name="未发薪", status="deceased", in_est=False,
                                        exit_date=date(2026, 10, 20)))
    outcome = await scan(rt, DAY, full=False)
    assert outcome.scoped_units == 1
    assert await seen(rt, "D4") == {
        Seen("D4_PAID_AFTER_EXIT", "U1/未发薪", DUE, "S1", "已于2026-10-20死亡，仍列入2026年11月工资统发名单")}
