"""An incremental scan evaluates every rule on its scope only: defects elsewhere are neither
staged again nor touched, and what it finds in scope equals what a full scan finds."""

from __future__ import annotations

from datetime import date

from models.staffing.ids import id_check_char
from models.warnings.rules.catalogue import CATALOGUE
from tests.factories import add_bodies, add_persons, add_units, body_record, make_id, person_record, unit_record
from tests.models.rules.support import DAY, configure, scan, seen
from tests.payroll_helpers import add_roster

LEADER = {"appoint_date": date(2024, 1, 1), "appoint_doc": "县委〔2024〕1号"}


def wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


async def defects_in(rt, unit: str, institution: str) -> None:
    """At least one hit of every rule of the catalogue, all in ``unit`` and ``institution``."""
    twice = make_id(seq=151)
    await add_bodies(rt, body_record(unit, "B1", chief_posts=0), body_record(unit, "B2"))  # limit 1: C7
    await add_persons(
        rt,
        person_record(unit, seq=101, name="校验位错", id_number=wrong_check(make_id(seq=101))),
        person_record(unit, seq=103, name="日期错", id_number="33010619851301103" + id_check_char("33010619851301103")),
        person_record(unit, seq=105, name="性别不符", sex="F"),
        person_record(unit, seq=107, name="旧号码", id_number="330106850615107"),
        person_record(unit, name="两处", id_number=twice), person_record(institution, name="两处", id_number=twice,
                                                                          est_type="SY"),
        person_record(unit, seq=109, name="缺学历", education=None),
        person_record(unit, seq=111, name="未成年入编", birth=date(2000, 2, 29), entry_date=date(2018, 2, 1)),
        person_record(unit, seq=113, name="将退休", birth=date(1967, 2, 1), retire_age_months=720),
        person_record(unit, seq=115, name="应退休", birth=date(1960, 1, 15)),
        person_record(unit, seq=117, name="退休未出编", status="retired", exit_date=date(2026, 11, 2)),
        person_record(unit, seq=119, name="调出未出编", status="transferred", exit_date=date(2026, 11, 2)),
        person_record(unit, seq=121, name="事业编", est_type="SY"),
        person_record(unit, seq=123, name="局长", leader_kind="unit_chief", post_unit_code=None, **LEADER),
        person_record(unit, seq=125, name="又一局长", leader_kind="unit_chief", appoint_doc=None, post_unit_code=None),
        person_record(unit, seq=127, name="借调", post_unit_code=institution),
        person_record(unit, seq=129, name="科长", leader_kind="internal_chief", body_code="B1", **LEADER),
        person_record(unit, seq=133, name="已故", status="deceased", in_est=False, exit_date=date(2026, 5, 1)))
    # D4: paid twice, paid with no record, paid after death; everyone else in ``unit`` is unpaid.
    await add_roster(rt, date(2026, 11, 1), [(unit, twice, "两处"), (institution, twice, "两处"),
                                             (unit, make_id(seq=201), "查无此人"), (unit, make_id(seq=133), "已故")])


async def test_an_incremental_scan_stages_nothing_outside_its_scope(rt):
    bad_code = "11330106MB1234567X"
    await add_units(rt, unit_record("OUT", quotas={"XZ": 2}, uscc=bad_code, approved_on=date(2026, 10, 8),
                                    internal_limit=1),
                    unit_record("OUTI", kind="institution", quotas={"SY": 1}, uscc="91110000600037341L"),
                    unit_record("EMPTY", quotas={"XZ": 5}), unit_record("IN", quotas={"XZ": 2}))
    await defects_in(rt, "OUT", "OUTI")
    for code in ("C2_AT_QUOTA", "C3_VACANCY"):
        await configure(rt, code, enabled=True)
    full = await scan(rt, DAY)
    assert {code for code, n in full.per_rule.items() if n} == set(CATALOGUE)  # every rule has a hit
    before = await seen(rt)
    await add_persons(rt, person_record("IN", seq=131, name="新人"))
    outcome = await scan(rt, DAY, full=False)
    assert (outcome.kind, outcome.scoped_units) == ("incremental", 1)
    assert (outcome.hits, outcome.new, outcome.updated, outcome.resolved) == (0, 0, 0, 0)
    assert await seen(rt) == before
