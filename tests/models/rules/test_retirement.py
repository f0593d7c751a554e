"""B. Retirement and leaving (domain §9 B), including the time windows of incremental scans."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import add_persons, add_units, person_record, unit_record
from tests.models.rules.support import Seen, configure, scan, seen

BORN = date(1966, 3, 15)  # male: 60 years 4 months under the reform, so the age is reached on 2026-07-15
REACHED = "已于2026-07-15达到法定退休年龄，仍在编在职"


def soon(subject: str, severity: str, retire_on: str) -> Seen:
    return Seen("B2_RETIRE_SOON", subject, None, severity, f"将于{retire_on}达到法定退休年龄")


def overdue(subject: str, due: date, reached: str = "2026-07-15") -> Seen:
    return Seen("B3_OVERDUE_RETIRE", subject, due, "S1", f"已于{reached}达到法定退休年龄，仍在编在职")


def at_age(unit: str, seq: int, name: str, retire_on: date, **overrides):
    """A man whose retirement date is ``retire_on`` (a 60-year override makes it exact)."""
    born = retire_on.replace(year=retire_on.year - 60)
    return person_record(unit, seq=seq, name=name, birth=born, retire_age_months=720, **overrides)


@pytest.fixture
async def units(rt):
    return await add_units(rt, *(unit_record(f"R{i}", quotas={"XZ": 5}) for i in range(1, 5)))


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2026, 7, 14), {soon("R1/甲", "S2", "2026-07-15")}),  # the day before the age is reached
    (date(2026, 7, 15), set()),                                  # reached: the rest of the month is grace
    (date(2026, 7, 31), set()),                                  # last day of the retirement month
    (date(2026, 8, 1), {overdue("R1/甲", date(2026, 8, 14))}),  # the month after: overdue
    (date(2026, 4, 16), {soon("R1/甲", "S2", "2026-07-15")}),  # exactly 90 days ahead
    (date(2026, 4, 15), {soon("R1/甲", "S3", "2026-07-15")}),  # 91 days ahead
    (date(2026, 1, 16), {soon("R1/甲", "S3", "2026-07-15")}),  # exactly 180 days ahead
    (date(2026, 1, 15), set()),                                  # 181 days ahead
])
async def test_it_flags_retirement_by_the_2024_reform_month(rt, units, as_of, expected):
    await add_persons(rt, person_record("R1", seq=101, name="甲", birth=BORN))
    await scan(rt, as_of)
    assert await seen(rt) == expected


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2026, 7, 31), {soon("R1/乙", "S2", "2026-08-01")}),
    (date(2026, 8, 1), set()),   # the birthday, on the 1st, is not "the month after"
    (date(2026, 8, 31), set()),
    (date(2026, 9, 1), {overdue("R1/乙", date(2026, 9, 15), "2026-08-01")}),
])
async def test_a_birthday_on_the_first_is_overdue_only_from_the_next_month(rt, units, as_of, expected):
    await add_persons(rt, person_record("R1", seq=103, name="乙", birth=date(1966, 4, 1)))  # reaches 2026-08-01
    await scan(rt, as_of)
    assert await seen(rt) == expected


async def test_overdue_retirement_counts_from_the_end_of_the_month_or_first_detection(rt, units):
    await add_persons(rt, person_record("R1", seq=101, name="甲", birth=BORN))
    await scan(rt, date(2026, 8, 3))  # first found on the Monday after the month's end
    assert await seen(rt) == {overdue("R1/甲", date(2026, 8, 17))}


async def test_only_persons_in_establishment_and_in_service_are_due_to_retire(rt, units):
    exited = {"exit_date": date(2026, 5, 4)}
    await add_persons(rt, person_record("R1", seq=101, name="在职", birth=BORN),
                      person_record("R1", seq=103, name="已退休", birth=BORN, status="retired", in_est=False,
                                    **exited),
                      person_record("R2", seq=105, name="退休未出编", birth=BORN, status="retired", **exited),
                      person_record("R3", seq=107, name="调出未出编", birth=BORN, status="transferred", **exited),
                      person_record("R4", seq=109, name="编外", birth=BORN, in_est=False))
    await scan(rt, date(2026, 6, 1))
    due = date(2026, 6, 15)  # 10 working days after first detection: the exits are older
    exits = {Seen("B5_RETIRED_IN_EST", "R2/退休未出编", due, "S1", "已于2026-05-04退休，编制未核销"),
             Seen("B6_EXIT_IN_EST", "R3/调出未出编", due, "S1", "已于2026-05-04调出，编制未核销")}
    assert await seen(rt) == {soon("R1/在职", "S2", "2026-07-15"), *exits}
    await scan(rt, date(2026, 8, 3))
    assert await seen(rt) == {overdue("R1/在职", date(2026, 8, 17)), *exits}


@pytest.mark.parametrize(("status", "label"), [
    ("transferred", "调出"), ("resigned", "辞职"), ("dismissed", "辞退"), ("expelled", "开除"), ("deceased", "死亡"),
])
async def test_every_kind_of_exit_must_release_the_establishment(rt, units, status, label):
    await add_persons(rt, person_record("R1", seq=101, name="甲", status=status, exit_date=date(2026, 12, 4)),
                      person_record("R1", seq=103, name="乙", status=status, in_est=False,
                                    exit_date=date(2026, 10, 1)),
                      person_record("R1", seq=105, name="丙", status="retired", exit_date=date(2026, 12, 1)))
    await scan(rt)
    # Exits recorded ahead of time count from the exit itself, 10 working days.
    assert await seen(rt) == {
        Seen("B6_EXIT_IN_EST", "R1/甲", date(2026, 12, 18), "S1", f"已于2026-12-04{label}，编制未核销"),
        Seen("B5_RETIRED_IN_EST", "R1/丙", date(2026, 12, 15), "S1", "已于2026-12-01退休，编制未核销"),
    }


async def test_an_incremental_scan_sees_retirement_dates_come_within_notice(rt, units):
    await configure(rt, "B3_OVERDUE_RETIRE", enabled=False)  # only B2's own windows bring units in
    await add_persons(rt, at_age("R1", 101, "进入提示", date(2026, 9, 6)),
                      at_age("R2", 103, "转为一般", date(2026, 6, 8)), at_age("R3", 105, "到龄", date(2026, 3, 10)),
                      at_age("R4", 107, "尚早", date(2027, 3, 10)))
    await scan(rt, date(2026, 3, 9))
    assert await seen(rt) == {soon("R2/转为一般", "S3", "2026-06-08"), soon("R3/到龄", "S2", "2026-03-10")}
    outcome = await scan(rt, date(2026, 3, 10), full=False)  # 180, 90 and 0 days ahead
    assert (outcome.kind, outcome.scoped_units) == ("incremental", 3)
    assert (outcome.new, outcome.updated, outcome.resolved) == (1, 1, 1)
    assert await seen(rt) == {soon("R1/进入提示", "S3", "2026-09-06"), soon("R2/转为一般", "S2", "2026-06-08")}


async def test_an_incremental_scan_sees_the_month_of_retirement_end(rt, units):
    await configure(rt, "B2_RETIRE_SOON", enabled=False)  # only B3's own windows bring units in
    await add_persons(rt, at_age("R1", 101, "月末", date(2026, 7, 31)), at_age("R2", 103, "月初", date(2026, 7, 1)),
                      at_age("R3", 105, "八月一日", date(2026, 8, 1)))
    await scan(rt, date(2026, 7, 20))
    assert await seen(rt) == set()
    outcome = await scan(rt, date(2026, 7, 25), full=False)
    assert (outcome.kind, outcome.scoped_units, outcome.new) == ("incremental", 0, 0)
    outcome = await scan(rt, date(2026, 8, 1), full=False)
    assert (outcome.kind, outcome.scoped_units) == ("incremental", 2)
    assert await seen(rt) == {overdue("R1/月末", date(2026, 8, 14), "2026-07-31"),
                              overdue("R2/月初", date(2026, 8, 14), "2026-07-01")}
    outcome = await scan(rt, date(2026, 9, 1), full=False)
    assert (outcome.scoped_units, outcome.new) == (1, 1)
    assert overdue("R3/八月一日", date(2026, 9, 15), "2026-08-01") in await seen(rt)
    assert (await scan(rt, date(2026, 9, 1), full=True)).new == 0


async def test_with_an_effective_date_overdue_retirement_counts_from_the_end_of_the_month(rt, units):
    await configure(rt, "B3_OVERDUE_RETIRE", params={"effective_from": "2026-01-01"})
    await add_persons(rt, person_record("R1", seq=101, name="甲", birth=BORN))
    await scan(rt, date(2026, 8, 3))
    assert await seen(rt) == {overdue("R1/甲", date(2026, 8, 14))}  # 10 working days after 2026-07-31


async def test_a_leaver_without_an_exit_date_counts_from_first_detection(rt, units):
    await add_persons(rt, person_record("R1", seq=101, name="甲", status="retired"),
                      person_record("R1", seq=103, name="乙", status="deceased"))
    await scan(rt)
    due = date(2026, 12, 7)  # 10 working days after DAY
    assert await seen(rt) == {Seen("B5_RETIRED_IN_EST", "R1/甲", due, "S1", "已退休，编制未核销"),
                              Seen("B6_EXIT_IN_EST", "R1/乙", due, "S1", "已死亡，编制未核销")}


async def test_the_notice_stages_keep_their_own_severities(rt, units):
    # 提示 (S3) until 90 days before, then 一般 (S2): the rule's severity setting does not replace them.
    await configure(rt, "B2_RETIRE_SOON", severity="S1")
    await add_persons(rt, at_age("R1", 101, "远", date(2026, 5, 1)), at_age("R2", 103, "近", date(2026, 3, 1)))
    await scan(rt, date(2026, 1, 15))
    assert await seen(rt) == {soon("R1/远", "S3", "2026-05-01"), soon("R2/近", "S2", "2026-03-01")}
