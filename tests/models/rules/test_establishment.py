"""C. Establishment counts (domain §9 C): per unit and type, and leadership posts per unit and rank."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from models.core.db import transaction
from models.staffing.tables import QUOTA
from models.warnings.rules.common import type_allowed_for
from tests.factories import add_persons, add_units, person_record, unit_record
from tests.models.rules.support import Seen, configure, evidence, scan, seen

DUE = date(2026, 12, 21)  # 20 working days after DAY (2026-11-23)
POSTS = {("unit", "chief"): 1, ("unit", "deputy"): 2}


def staff(unit: str, seq: int, name: str, **overrides):
    return person_record(unit, seq=seq, name=name, **overrides)


def over(unit: str, key: str, summary: str, rule: str = "C1_OVER_QUOTA") -> Seen:
    return Seen(rule, f"{unit}:{key}", DUE, "S1", summary)


def mixed(subject: str, summary: str) -> Seen:
    return Seen("C4_MIXED", subject, DUE, "S1", summary)


@pytest.fixture
async def units(rt):
    return await add_units(rt, unit_record("U1", quotas={"XZ": 2, "GQ": 1}, posts=POSTS),
                           unit_record("U2", kind="institution", quotas={"SY": 10}),
                           unit_record("U3", quotas={"XZ": 2}, posts=POSTS))


@pytest.mark.parametrize(("extra", "expected"), [
    (0, set()),
    (1, {over("U1", "XZ", "行政编制核定2名，实有3名")}),
])
async def test_it_counts_quota_equal_as_fine_and_one_over_as_over(rt, units, extra, expected):
    await add_persons(rt, *(staff("U1", 101 + 2 * i, f"甲{i}") for i in range(2 + extra)))
    await scan(rt)
    assert await seen(rt) == expected


async def test_it_counts_each_establishment_type_on_its_own(rt, units):
    # The vacant 工勤 post does not cover one 行政 person too many.
    await add_persons(rt, *(staff("U1", 101 + 2 * i, f"甲{i}") for i in range(3)))
    await scan(rt)
    assert await seen(rt) == {over("U1", "XZ", "行政编制核定2名，实有3名")}


async def test_it_counts_each_unit_on_its_own(rt, units):
    # Three 行政 persons in the county against 2 + 2 approved: U1 is over, U3 is not, and U1's
    # figure is its own three, not the county's four.
    await add_persons(rt, *(staff("U1", 101 + 2 * i, f"甲{i}") for i in range(3)), staff("U3", 111, "乙"))
    await scan(rt)
    assert await seen(rt) == {over("U1", "XZ", "行政编制核定2名，实有3名")}


async def test_it_finds_no_one_over_when_every_unit_is_at_its_own_quota(rt, units):
    await add_persons(rt, *(staff(u, s, f"{u}{s}") for u, s in (("U1", 101), ("U1", 103), ("U3", 105), ("U3", 107))))
    await scan(rt)
    assert await seen(rt) == set()


async def test_retired_and_departed_persons_still_occupy_until_released(rt, units):
    await add_persons(rt, staff("U1", 101, "在职甲"), staff("U1", 103, "在职乙"),
                      staff("U1", 105, "退休丙", status="retired", exit_date=date(2026, 11, 2)),
                      staff("U3", 107, "调出丁", status="transferred", in_est=False, exit_date=date(2026, 9, 1)),
                      staff("U3", 109, "已故戊", status="deceased", exit_date=date(2026, 11, 20)),
                      staff("U3", 111, "在职己"), staff("U3", 113, "在职庚"))
    await scan(rt)
    b_due = date(2026, 12, 7)  # 10 working days after first detection (DAY): the exits are older
    assert await seen(rt) == {
        over("U1", "XZ", "行政编制核定2名，实有3名"), over("U3", "XZ", "行政编制核定2名，实有3名"),
        Seen("B5_RETIRED_IN_EST", "U1/退休丙", b_due, "S1", "已于2026-11-02退休，编制未核销"),
        Seen("B6_EXIT_IN_EST", "U3/已故戊", b_due, "S1", "已于2026-11-20死亡，编制未核销"),
    }


async def test_a_type_without_quota_is_over_for_its_occupants_and_each_is_mixed(rt, units):
    await add_persons(rt, staff("U1", 101, "事业甲", est_type="SY"), staff("U1", 103, "事业乙", est_type="SY"),
                      staff("U2", 105, "行政丙"), staff("U2", 107, "事业丁", est_type="SY"))
    await scan(rt)
    assert await seen(rt) == {
        over("U1", "SY", "事业编制核定0名，实有2名"), over("U2", "XZ", "行政编制核定0名，实有1名"),
        mixed("U1/事业甲", "事业编制人员在不允许使用该编制的机构"),
        mixed("U1/事业乙", "事业编制人员在不允许使用该编制的机构"),
        mixed("U2/行政丙", "行政编制人员在不允许使用该编制的机构"),
    }
    assert await evidence(rt, "C1_OVER_QUOTA") == [{"approved": 0, "actual": 1, "type": "XZ"},
                                                   {"approved": 0, "actual": 2, "type": "SY"}]
    assert sorted(e["kind"] + e["type"] for e in await evidence(rt, "C4_MIXED")) == ["govSY", "govSY", "institutionXZ"]


async def test_a_person_without_an_establishment_type_occupies_nothing(rt, units):
    await add_persons(rt, *(staff("U1", 101 + 2 * i, f"甲{i}", est_type=None) for i in range(3)))
    await scan(rt, full=True)
    assert {s.rule for s in await seen(rt)} == {"A10_INCOMPLETE"}


async def test_it_allows_zf_in_public_security_and_justice_but_flags_it_elsewhere(rt):
    await add_units(rt, unit_record("G1", name="某县公安局", quotas={"ZF": 5}),
                    unit_record("G2", name="某县司法局", quotas={"ZF": 1}), unit_record("G3", quotas={"XZ": 5}),
                    unit_record("G4", kind="court", quotas={"ZF": 2, "XZ": 1}),
                    unit_record("G5", kind="procuratorate", quotas={"ZF": 1}))
    await add_persons(rt, staff("G1", 101, "公安甲", est_type="ZF"), staff("G2", 103, "司法乙", est_type="ZF"),
                      staff("G3", 105, "政府丙", est_type="ZF"), staff("G3", 107, "政府丁", est_type="SY"),
                      staff("G4", 109, "法院戊", est_type="ZF"), staff("G4", 111, "法院己", est_type="SY"),
                      staff("G5", 113, "检察庚", est_type="ZF"))
    await scan(rt)
    assert await seen(rt, "C4") == {mixed("G3/政府丙", "政法专项编制人员在不允许使用该编制的机构"),
                                    mixed("G3/政府丁", "事业编制人员在不允许使用该编制的机构"),
                                    mixed("G4/法院己", "事业编制人员在不允许使用该编制的机构")}


async def test_zf_by_name_is_only_for_government_departments_and_only_zf(rt):
    await add_units(rt, unit_record("G1", name="某县公安局", quotas={"ZF": 5}),
                    unit_record("I1", name="某县公安局信息中心", kind="institution", quotas={"SY": 5}))
    await add_persons(rt, staff("G1", 101, "公安事业", est_type="SY"), staff("I1", 103, "中心政法", est_type="ZF"))
    await scan(rt)
    assert await seen(rt, "C4") == {mixed("G1/公安事业", "事业编制人员在不允许使用该编制的机构"),
                                    mixed("I1/中心政法", "政法专项编制人员在不允许使用该编制的机构")}


@pytest.mark.parametrize(("keywords", "flagged"), [(["公安"], {"G2/司法"}), ([], {"G1/公安", "G2/司法"})])
async def test_the_departments_that_may_use_zf_are_a_setting(rt, keywords, flagged):
    await add_units(rt, unit_record("G1", name="某县公安局", quotas={"ZF": 5}),
                    unit_record("G2", name="某县司法局", quotas={"ZF": 5}))
    await add_persons(rt, staff("G1", 101, "公安", est_type="ZF"), staff("G2", 103, "司法", est_type="ZF"))
    await configure(rt, "C4_MIXED", params={"zf_gov_keywords": keywords})
    await scan(rt)
    assert {s.subject for s in await seen(rt, "C4")} == flagged


async def test_only_active_persons_are_flagged_as_mixed(rt, units):
    await add_persons(rt, staff("U1", 101, "退休甲", est_type="SY", status="retired", in_est=False,
                                exit_date=date(2020, 1, 1)),
                      staff("U1", 103, "编外乙", est_type="SY", in_est=False))
    await scan(rt)
    assert await seen(rt) == set()


async def test_the_mixing_matrix_is_a_setting(rt, units):
    await add_persons(rt, staff("U2", 101, "行政甲"))
    await configure(rt, "C4_MIXED", params={"allowed": {"institution": ["SY", "XZ"]}})
    await scan(rt)
    assert await seen(rt, "C4") == set()


async def test_at_quota_and_vacancy_are_reported_when_enabled(rt):
    await add_units(rt, unit_record("V1", quotas={"XZ": 2}), unit_record("V2", quotas={"XZ": 5}),
                    unit_record("V3", quotas={"XZ": 5}), unit_record("V4", quotas={"XZ": 4}),
                    unit_record("V5", quotas={"XZ": 6}))
    counts = {"V1": 2, "V2": 4, "V3": 0, "V4": 0, "V5": 5}
    await add_persons(rt, *(staff(u, 101 + 2 * i + 20 * j, f"{u}-{i}")
                            for j, (u, n) in enumerate(counts.items()) for i in range(n)))
    await configure(rt, "C2_AT_QUOTA", enabled=True)
    await configure(rt, "C3_VACANCY", enabled=True)
    await scan(rt)
    assert await seen(rt) == {
        Seen("C2_AT_QUOTA", "V1:XZ", None, "S3", "行政编制核定2名，已满编"),
        Seen("C3_VACANCY", "V2:XZ", None, "S3", "行政编制核定5名，实有4名"),  # exactly 20% vacant
        Seen("C3_VACANCY", "V3:XZ", None, "S3", "行政编制核定5名，实有0名"),
        # V4: 100% vacant but fewer than 5 approved; V5: 1 of 6 vacant is 16.7%
    }


async def test_a_zero_quota_without_occupants_is_neither_full_nor_over(rt, units):
    async with transaction(rt.sessions) as session:  # the writer drops zero quotas; other sources may not
        await session.execute(insert(QUOTA).values(unit_id=units["U3"], est_type="GQ", approved=0))
    await configure(rt, "C2_AT_QUOTA", enabled=True)
    await scan(rt)
    assert await seen(rt) == set()


@pytest.mark.parametrize(("present", "expected"), [(1, set()), (0, {"V1:XZ"})])
async def test_the_vacancy_threshold_is_a_setting(rt, present, expected):
    # 2 of 3 vacant is 66.7%: below a 67% threshold; 3 of 3 is above it.
    await add_units(rt, unit_record("V1", quotas={"XZ": 3}))
    await add_persons(rt, *(staff("V1", 101 + 2 * i, f"甲{i}") for i in range(present)))
    await configure(rt, "C3_VACANCY", enabled=True, params={"vacancy_percent": 67, "min_approved": 3})
    await scan(rt)
    assert {s.subject for s in await seen(rt)} == expected


@pytest.mark.parametrize(("kind", "name", "types"), [
    ("gov", "某县财政局", {"XZ", "GQ"}), ("gov", "某县公安局", {"XZ", "GQ", "ZF"}),
    ("gov", "某县国家安全局", {"XZ", "GQ", "ZF"}), ("gov", "某县司法局", {"XZ", "GQ", "ZF"}),
    ("party", "某县委办公室", {"XZ", "GQ"}), ("mass", "某县妇联", {"XZ", "GQ"}),
    ("court", "某县人民法院", {"XZ", "GQ", "ZF"}), ("procuratorate", "某县人民检察院", {"XZ", "GQ", "ZF"}),
    ("institution", "某县第一中学", {"SY"}), ("institution", "某县公安局信息中心", {"SY"}),
    ("unknown", "某机构", set()),
])
def test_the_python_matrix_for_forms_and_generators_matches_the_rule(kind, name, types):
    assert {t for t in ("XZ", "ZF", "SY", "GQ") if type_allowed_for(kind, name, t)} == types
