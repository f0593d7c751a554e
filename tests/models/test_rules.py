"""Every rule on its boundaries, through the real scanner on the real database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models.core.db import transaction
from models.staffing.ids import id_check_char
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tests.factories import add_persons, add_units, make_id, person_record, unit_record


async def scan(rt, as_of: date, full: bool = True):
    async with transaction(rt.sessions) as session:
        return await run_scan(session, as_of=as_of, full=full)


async def live(rt, rule: str | None = None) -> dict[str, Warning]:
    async with rt.sessions() as session:
        query = select(Warning).where(Warning.status != "resolved")
        if rule:
            query = query.where(Warning.rule_code == rule)
        return {w.fingerprint: w for w in (await session.scalars(query)).all()}


@pytest.fixture
async def units(rt):
    return await add_units(rt, unit_record("U1", quotas={"XZ": 2, "GQ": 1}, posts={("unit", "chief"): 1,
                                                                                    ("unit", "deputy"): 2}),
                           unit_record("U2", kind="institution", quotas={"SY": 10}))


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2026, 7, 14), {"B2_RETIRE_SOON": "S2"}),   # the day before the age is reached
    (date(2026, 7, 15), {}),                          # reached: the rest of the month is grace
    (date(2026, 7, 31), {}),                          # last day of the retirement month
    (date(2026, 8, 1), {"B3_OVERDUE_RETIRE": "S1"}),  # the month after: overdue
    (date(2026, 2, 1), {"B2_RETIRE_SOON": "S3"}),     # within 180 days, not yet 90
    (date(2026, 1, 16), {"B2_RETIRE_SOON": "S3"}),    # exactly 180 days ahead
    (date(2026, 1, 15), {}),                          # 181 days ahead
])
async def test_it_flags_retirement_by_the_2024_reform_month(rt, units, as_of, expected):
    # Born 1966-03-15, male: 60 years 4 months under the reform, so the age is reached on 2026-07-15.
    await add_persons(rt, person_record("U1", seq=101, birth=date(1966, 3, 15)))
    await scan(rt, as_of)
    found = {w.rule_code: w.severity for w in (await live(rt)).values() if w.rule_code.startswith("B")}
    assert found == expected


async def test_it_dates_overdue_retirement_from_the_end_of_the_month(rt, units):
    await add_persons(rt, person_record("U1", seq=101, birth=date(1966, 3, 15)))
    await scan(rt, date(2026, 8, 3))
    warning = next(iter((await live(rt, "B3_OVERDUE_RETIRE")).values()))
    assert warning.due_date == date(2026, 8, 14)  # 10 working days after 2026-07-31


@pytest.mark.parametrize(("entry", "due"), [
    (date(2025, 1, 24), date(2025, 2, 7)),    # across the 2025 Spring Festival (01-28..02-04, 01-26 worked)
    (date(2025, 9, 26), date(2025, 10, 10)),  # across National Day (09-28 Sunday worked, 10-01..10-08 off)
    (date(2026, 12, 28), date(2027, 1, 4)),   # into 2027, which the calendar package does not cover yet
])
async def test_it_sets_incomplete_record_deadlines_in_working_days(rt, units, entry, due):
    await add_persons(rt, person_record("U1", seq=101, entry_date=entry, education=None, mobile=None))
    await scan(rt, date(2027, 1, 10))
    warning = next(iter((await live(rt, "A10_INCOMPLETE")).values()))
    assert warning.due_date == due and warning.evidence["missing"] == "学历、手机号、"
    assert warning.due_estimated is (due.year == 2027)


async def test_it_waits_for_the_entry_date_before_asking_for_a_complete_record(rt, units):
    await add_persons(rt, person_record("U1", seq=101, entry_date=date(2026, 12, 1), education=None))
    await scan(rt, date(2026, 11, 30))
    assert await live(rt, "A10_INCOMPLETE") == {}
    await scan(rt, date(2026, 12, 1))
    assert len(await live(rt, "A10_INCOMPLETE")) == 1


@pytest.mark.parametrize(("extra", "over"), [(0, False), (1, True)])
async def test_it_counts_quota_equal_as_fine_and_one_over_as_over(rt, units, extra, over):
    await add_persons(rt, *(person_record("U1", seq=101 + 2 * i) for i in range(2 + extra)))
    await scan(rt, date(2026, 11, 23))
    found = await live(rt, "C1_OVER_QUOTA")
    assert (f"C1_OVER_QUOTA:u{units['U1']}:XZ" in found) is over
    if over:
        assert found[f"C1_OVER_QUOTA:u{units['U1']}:XZ"].evidence == {"approved": 2, "actual": 3, "type": "XZ"}


async def test_it_counts_each_establishment_type_on_its_own(rt, units):
    # Two vacant 工勤 posts do not cover one 行政 person too many.
    await add_persons(rt, *(person_record("U1", seq=101 + 2 * i) for i in range(3)))
    await scan(rt, date(2026, 11, 23))
    assert list(await live(rt, "C1_OVER_QUOTA")) == [f"C1_OVER_QUOTA:u{units['U1']}:XZ"]


async def test_it_counts_chief_and_deputy_posts_separately(rt, units):
    await add_persons(rt, person_record("U1", seq=101, leader_kind="unit_chief", appoint_date=date(2024, 1, 1),
                                        appoint_doc="县委〔2024〕1号"),
                      person_record("U2", seq=103, est_type="SY", post_unit_code="U1", leader_kind="unit_chief"),
                      person_record("U1", seq=105, leader_kind="unit_deputy"))
    await scan(rt, date(2026, 11, 23))
    found = await live(rt, "C5_OVER_POSTS")
    assert list(found) == [f"C5_OVER_POSTS:u{units['U1']}:unit.chief"]
    evidence = found[f"C5_OVER_POSTS:u{units['U1']}:unit.chief"].evidence
    assert evidence == {"approved": 1, "held": 2, "post": "unit.chief"}


async def test_it_finds_one_person_in_two_establishments(rt, units):
    number = make_id(seq=101)
    await add_persons(rt, person_record("U1", seq=101), person_record("U2", est_type="SY", id_number=number),
                      person_record("U2", seq=103, est_type="SY", id_number=make_id(seq=103), status="transferred",
                                    in_est=False, exit_date=date(2020, 1, 1)))
    await scan(rt, date(2026, 11, 23))
    found = await live(rt, "A6_DUPLICATE")
    assert len(found) == 2 and {w.evidence["records"] for w in found.values()} == {2}


@pytest.mark.parametrize(("number", "rule"), [
    (make_id(seq=101)[:-1] + "Y", "A1_ID_INVALID"),
    ("33010619851301123" + id_check_char("33010619851301123"), "A2_ID_DATE"),
    ("330106850615123", "A4_ID_LEGACY"),
])
async def test_it_flags_bad_id_numbers(rt, units, number, rule):
    await add_persons(rt, person_record("U1", id_number=number))
    await scan(rt, date(2026, 11, 23))
    assert [w.rule_code for w in (await live(rt)).values() if w.rule_code.startswith("A")] == [rule]


async def test_it_flags_sex_and_birth_date_that_contradict_the_id(rt, units):
    await add_persons(rt, person_record("U1", seq=101, sex="F"),
                      person_record("U1", seq=103, birth_date=date(1985, 6, 16)))
    await scan(rt, date(2026, 11, 23))
    assert len(await live(rt, "A3_ID_MISMATCH")) == 2


@pytest.mark.parametrize(("entry", "flagged"), [(date(2018, 2, 28), True), (date(2018, 3, 1), False)])
async def test_it_checks_age_at_entry_by_birthday_rules(rt, units, entry, flagged):
    await add_persons(rt, person_record("U1", seq=101, birth=date(2000, 2, 29), entry_date=entry))
    await scan(rt, date(2026, 11, 23))
    assert bool(await live(rt, "A11_ENTRY_AGE")) is flagged


async def test_it_flags_leavers_still_holding_establishment(rt, units):
    await add_persons(rt, person_record("U1", seq=101, status="retired", exit_date=date(2026, 10, 30)),
                      person_record("U1", seq=103, status="deceased", exit_date=date(2026, 9, 1)),
                      person_record("U1", seq=105, status="resigned", exit_date=date(2026, 9, 1), in_est=False))
    await scan(rt, date(2026, 11, 23))
    assert {w.rule_code: w.due_date for w in (await live(rt)).values() if w.rule_code.startswith("B")} == {
        "B5_RETIRED_IN_EST": date(2026, 11, 13), "B6_EXIT_IN_EST": date(2026, 9, 15)}


async def test_it_flags_mixed_establishment_but_not_zf_in_public_security(rt):
    await add_units(rt, unit_record("G1", name="某县公安局", quotas={"ZF": 5}), unit_record("G2", quotas={"XZ": 5}))
    await add_persons(rt, person_record("G1", seq=101, est_type="ZF"), person_record("G2", seq=103, est_type="ZF"),
                      person_record("G2", seq=105, est_type="SY"))
    await scan(rt, date(2026, 11, 23))
    assert len(await live(rt, "C4_MIXED")) == 2


async def test_it_flags_post_unit_mismatch_and_late_post_information(rt, units):
    await add_persons(rt, person_record("U1", seq=101, post_unit_code="U2"),
                      person_record("U1", seq=103, leader_kind="unit_deputy", appoint_doc=None))
    await add_units(rt, unit_record("U1", quotas={"XZ": 2, "GQ": 1}, approved_on=date(2026, 10, 8),
                                    posts={("unit", "chief"): 1, ("unit", "deputy"): 2}))
    await scan(rt, date(2026, 11, 23))
    assert len(await live(rt, "D1_POST_UNIT")) == 1
    d2 = next(iter((await live(rt, "D2_POST_INFO")).values()))
    assert d2.due_date == date(2026, 11, 18)  # 30 working days after 2026-10-08 (10-10 is a make-up Saturday)


async def test_it_flags_a_broken_credit_code(rt):
    await add_units(rt, unit_record("U9", uscc="11330106MB1234567X"), unit_record("U8", uscc="91110000600037341L"))
    await scan(rt, date(2026, 11, 23))
    assert len(await live(rt, "A8_USCC_INVALID")) == 1
    assert len(await live(rt, "A9_USCC_KIND")) == 1  # 91… is a company code, not an organ's
