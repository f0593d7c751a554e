"""A. Identity and data validity (domain §9 A)."""

from __future__ import annotations

from datetime import date

import pytest

from models.staffing.ids import id_check_char, uscc_check_char
from tests.factories import add_persons, add_units, make_id, person_record, unit_record
from tests.models.rules.support import DAY, Seen, configure, evidence, live, scan, seen

DUE5, DUE10 = date(2026, 11, 30), date(2026, 12, 7)  # 5 and 10 working days after DAY


def wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.fixture
async def units(rt):
    return await add_units(rt, unit_record("U1", quotas={"XZ": 9}), unit_record("U2", kind="institution",
                                                                               quotas={"SY": 9}),
                           unit_record("U3", quotas={"XZ": 9}))


@pytest.mark.parametrize(("number", "expected"), [
    (make_id(seq=101)[:-1], Seen("A1_ID_INVALID", "U1/甲", DUE5, "S1", "身份证号长度不是18位")),
    (make_id(seq=101)[:-1] + "Y", Seen("A1_ID_INVALID", "U1/甲", DUE5, "S1", "身份证号含有非法字符")),
    (wrong_check(make_id(seq=101)), Seen("A1_ID_INVALID", "U1/甲", DUE5, "S1", "身份证号校验位错误")),
    ("33010619851301101" + id_check_char("33010619851301101"),
     Seen("A2_ID_DATE", "U1/甲", DUE5, "S1", "身份证号中的出生日期不是有效日期")),
    ("330106850615101", Seen("A4_ID_LEGACY", "U1/甲", DUE10, "S2", "15位旧身份证号，应更新为18位")),
])
async def test_it_flags_bad_id_numbers(rt, units, number, expected):
    await add_persons(rt, person_record("U1", name="甲", id_number=number))
    await scan(rt)
    assert await seen(rt) == {expected}


async def test_it_flags_sex_and_birth_date_that_contradict_a_valid_id(rt, units):
    await add_persons(rt, person_record("U1", seq=101, name="性别不符", sex="F"),
                      person_record("U1", seq=103, name="生日不符", birth_date=date(1985, 6, 16)),
                      person_record("U1", seq=105, name="相符"),
                      person_record("U1", seq=107, name="无生日", birth_date=None),
                      person_record("U1", seq=109, name="无性别", sex=None),
                      person_record("U1", seq=111, name="校验位错", sex="F", id_number=wrong_check(make_id(seq=111))))
    await scan(rt)
    assert await seen(rt) == {
        Seen("A3_ID_MISMATCH", "U1/性别不符", DUE10, "S2", "出生日期或性别与身份证号不一致"),
        Seen("A3_ID_MISMATCH", "U1/生日不符", DUE10, "S2", "出生日期或性别与身份证号不一致"),
        Seen("A10_INCOMPLETE", "U1/无生日", DUE5, "S2", "缺少：出生日期"),
        Seen("A10_INCOMPLETE", "U1/无性别", DUE5, "S2", "缺少：性别"),
        Seen("A1_ID_INVALID", "U1/校验位错", DUE5, "S1", "身份证号校验位错误"),
    }
    assert await evidence(rt, "A3_ID_MISMATCH") == [
        {"birth": "1985-06-15", "id_birth": "1985-06-15", "sex": "F", "id_sex": "M"},
        {"birth": "1985-06-16", "id_birth": "1985-06-15", "sex": "M", "id_sex": "M"},
    ]


async def test_it_finds_one_person_in_two_establishments_but_not_in_former_ones(rt, units):
    twice, retired, outside = make_id(seq=101), make_id(seq=103), make_id(seq=105)
    await add_persons(rt, person_record("U1", name="两处在编", id_number=twice),
                      person_record("U2", name="两处在编", id_number=twice, est_type="SY"),
                      person_record("U3", name="两处在编", id_number=twice, status="transferred", in_est=False,
                                    exit_date=date(2020, 1, 1)),
                      person_record("U1", name="曾退休", id_number=retired),
                      person_record("U3", name="曾退休", id_number=retired, status="retired",
                                    exit_date=date(2026, 11, 2)),
                      person_record("U1", name="编外", id_number=outside),
                      person_record("U2", name="编外", id_number=outside, est_type="SY", in_est=False))
    await scan(rt)
    assert await seen(rt) == {
        Seen("A6_DUPLICATE", "U1/两处在编", DUE5, "S1", "同一身份证号在2个单位同时在编"),
        Seen("A6_DUPLICATE", "U2/两处在编", DUE5, "S1", "同一身份证号在2个单位同时在编"),
        Seen("B5_RETIRED_IN_EST", "U3/曾退休", DUE10, "S1", "已于2026-11-02退休，编制未核销"),
    }


async def test_an_incremental_scan_flags_both_records_of_a_new_duplicate(rt, units):
    twice = make_id(seq=101)
    await add_persons(rt, person_record("U1", name="甲", id_number=twice), person_record("U3", seq=103, name="乙"))
    await scan(rt)
    await add_persons(rt, person_record("U2", name="甲", id_number=twice, est_type="SY"))
    outcome = await scan(rt, full=False)
    assert (outcome.kind, outcome.scoped_units) == ("incremental", 2)
    assert await seen(rt) == {Seen("A6_DUPLICATE", f"{u}/甲", DUE5, "S1", "同一身份证号在2个单位同时在编")
                              for u in ("U1", "U2")}


@pytest.mark.parametrize(("entry", "due"), [
    (date(2025, 1, 24), date(2025, 2, 7)),    # across the 2025 Spring Festival (01-28..02-04, 01-26 worked)
    (date(2025, 9, 26), date(2025, 10, 10)),  # across National Day (09-28 Sunday worked, 10-01..10-08 off)
    (date(2026, 12, 28), date(2027, 1, 5)),   # into 2027: not covered yet, New Year's Day estimated off
])
async def test_it_counts_incomplete_record_deadlines_in_working_days_from_entry(rt, units, entry, due):
    # With an effective date before the entry, the deadline counts from the entry itself.
    await configure(rt, "A10_INCOMPLETE", params={"effective_from": "2025-01-01"})
    await add_persons(rt, person_record("U1", seq=101, name="甲", entry_date=entry, education=None, mobile=None))
    await scan(rt, date(2027, 1, 10))
    assert await seen(rt) == {Seen("A10_INCOMPLETE", "U1/甲", due, "S2", "缺少：学历、手机号")}
    assert await evidence(rt, "A10_INCOMPLETE") == [{"missing": "学历、手机号、"}]
    assert [w.due_estimated for w in await live(rt)] == [due.year == 2027]


async def test_it_waits_for_the_entry_date_and_an_incremental_scan_sees_it_pass(rt, units):
    await add_persons(rt, person_record("U1", seq=101, name="甲", entry_date=date(2026, 12, 1), education=None),
                      person_record("U3", seq=103, name="乙"))
    await scan(rt, date(2026, 11, 30))
    assert await seen(rt) == set()
    outcome = await scan(rt, date(2026, 12, 1), full=False)
    assert (outcome.kind, outcome.scoped_units) == ("incremental", 1)
    assert await seen(rt) == {Seen("A10_INCOMPLETE", "U1/甲", date(2026, 12, 8), "S2", "缺少：学历")}


async def test_only_the_configured_fields_of_persons_in_service_must_be_complete(rt, units):
    await configure(rt, "A10_INCOMPLETE", params={"fields": ["education", "post_title"]})
    await add_persons(rt, person_record("U1", seq=101, name="缺学历", education=None, mobile=None),
                      person_record("U1", seq=103, name="缺手机", mobile=None),
                      person_record("U1", seq=105, name="已退休", education=None, status="retired", in_est=False,
                                    exit_date=date(2025, 1, 2)))
    await scan(rt)
    assert await seen(rt) == {Seen("A10_INCOMPLETE", "U1/缺学历", DUE5, "S2", "缺少：学历")}


@pytest.mark.parametrize(("entry", "flagged"), [(date(2018, 2, 28), True), (date(2018, 3, 1), False)])
async def test_it_checks_age_at_entry_by_birthday_rules(rt, units, entry, flagged):
    # Born on 29 February: 18 on 1 March in a common year.
    await add_persons(rt, person_record("U1", seq=101, name="甲", birth=date(2000, 2, 29), entry_date=entry),
                      person_record("U1", seq=103, name="已调出", birth=date(2000, 2, 29), entry_date=entry,
                                    status="transferred", in_est=False, exit_date=date(2024, 1, 2)))
    await scan(rt)
    expected = Seen("A11_ENTRY_AGE", "U1/甲", DUE5, "S1", f"出生2000-02-29，入编{entry}")
    assert await seen(rt) == ({expected} if flagged else set())


@pytest.mark.parametrize(("entry", "flagged"), [(date(2018, 3, 14), True), (date(2018, 3, 15), False)])
async def test_entering_on_the_eighteenth_birthday_is_allowed(rt, units, entry, flagged):
    await add_persons(rt, person_record("U1", name="甲", birth=date(2000, 3, 15), entry_date=entry))
    await scan(rt)
    expected = Seen("A11_ENTRY_AGE", "U1/甲", DUE5, "S1", f"出生2000-03-15，入编{entry}")
    assert await seen(rt) == ({expected} if flagged else set())


async def test_the_minimum_entry_age_is_a_setting(rt, units):
    await configure(rt, "A11_ENTRY_AGE", params={"min_age": 17})
    await add_persons(rt, person_record("U1", name="甲", birth=date(2000, 2, 29), entry_date=date(2018, 2, 28)))
    await scan(rt)
    assert await seen(rt) == set()


@pytest.mark.parametrize(("entry", "flagged"), [(date(2010, 1, 15), False), (date(2010, 1, 16), True)])
async def test_it_flags_an_entry_after_the_retirement_age(rt, units, entry, flagged):
    await add_persons(rt, person_record("U1", seq=101, name="甲", birth=date(1950, 1, 15), entry_date=entry))
    await scan(rt)
    overdue = Seen("B3_OVERDUE_RETIRE", "U1/甲", DUE10, "S1", "已于2010-01-15达到法定退休年龄，仍在编在职")
    late = Seen("A11_ENTRY_AGE", "U1/甲", DUE5, "S1", f"出生1950-01-15，入编{entry}")
    assert await seen(rt) == ({overdue, late} if flagged else {overdue})


def credit_code(prefix: str) -> str:
    first17 = prefix + "330106MB1234567"
    return first17 + uscc_check_char(first17)


async def test_it_checks_credit_codes_and_their_kind_prefix(rt):
    bad = "11330106MB1234567X"
    await add_units(rt, unit_record("G1", uscc=bad), unit_record("G2", uscc="91110000600037341L"),
                    unit_record("G3", uscc=credit_code("11")), unit_record("G4", uscc=None),
                    unit_record("I1", kind="institution", uscc=credit_code("11")),
                    unit_record("I3", kind="institution", uscc=bad),
                    unit_record("I2", kind="institution", uscc=credit_code("12")),
                    unit_record("M1", kind="mass", uscc=credit_code("13")),
                    unit_record("M2", kind="mass", uscc=credit_code("51")),
                    unit_record("M3", kind="mass", uscc=credit_code("12")),
                    unit_record("D1", kind="democratic", uscc=credit_code("13")))

    def kind(unit: str, code: str) -> Seen:
        return Seen("A9_USCC_KIND", f"{unit}:{code[:2]}", None, "S3", f"统一社会信用代码 {code} 的类别码与机构类别不符")

    await scan(rt, DAY)
    assert await seen(rt) == {
        Seen("A8_USCC_INVALID", f"G1:{bad}", DUE10, "S1", f"统一社会信用代码 {bad} 校验不通过"),
        Seen("A8_USCC_INVALID", f"I3:{bad}", DUE10, "S1", f"统一社会信用代码 {bad} 校验不通过"),  # and no A9
        kind("G2", "91110000600037341L"), kind("I1", credit_code("11")), kind("M3", credit_code("12")),
    }
    assert await evidence(rt, "A8_USCC_INVALID") == [{"uscc": bad, "status": "invalid"}] * 2
