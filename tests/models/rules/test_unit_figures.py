"""The unit pages and the scan count the same people: what the page shows as over, full or over
its posts is exactly what C1, C2 and C5 report, with the same numbers."""

from __future__ import annotations

from datetime import date

from models.staffing.scope import Scope
from models.staffing.units import posts_vs_holders, quota_vs_actual, units_in_scope
from models.warnings.evidence import occupants
from tests.factories import add_persons, add_units, person_record, unit_record
from tests.models.rules.support import configure, live, scan


async def figures(rt, unit_id: int) -> tuple[dict, dict]:
    async with rt.sessions() as session:
        return (await quota_vs_actual(session, unit_id=unit_id), await posts_vs_holders(session, unit_id=unit_id))


async def reported(rt, rule: str, unit_id: int, *fields: str) -> dict:
    return {w.evidence[fields[0]]: tuple(w.evidence[f] for f in fields[1:])
            for w in await live(rt) if w.rule_code == rule and w.unit_id == unit_id}


async def test_the_unit_page_and_the_scan_agree_on_every_count(rt):
    units = await add_units(rt, unit_record("G", quotas={"XZ": 2, "GQ": 1}),
                            unit_record("H", kind="institution", quotas={"SY": 3}, posts={}))
    await add_persons(
        rt, person_record("G", seq=101, name="局长", leader_kind="unit_chief"),
        person_record("G", seq=103, name="副局长", leader_kind="unit_deputy"),
        person_record("G", seq=105, name="退休未出编", status="retired", exit_date=date(2026, 11, 2)),
        person_record("G", seq=107, name="已调出", status="transferred", in_est=False, exit_date=date(2026, 1, 5)),
        person_record("G", seq=109, name="事业甲", est_type="SY"),
        person_record("G", seq=111, name="事业乙", est_type="SY"),
        person_record("G", seq=113, name="工勤", est_type="GQ", identity="worker"),
        person_record("G", seq=115, name="无编制类型", est_type=None),
        person_record("G", seq=117, name="科长", leader_kind="internal_chief"),
        person_record("H", seq=119, name="借任副局长", est_type="SY", post_unit_code="G", leader_kind="unit_deputy"),
        person_record("H", seq=121, name="原院长", est_type="SY", leader_kind="unit_chief", status="retired",
                      in_est=False, exit_date=date(2025, 3, 3)))
    await configure(rt, "C2_AT_QUOTA", enabled=True)
    await scan(rt)
    quotas, posts = await figures(rt, units["G"])
    assert quotas == {"XZ": (2, 4), "SY": (0, 2), "GQ": (1, 1)}  # the retired one still occupies 行政
    assert posts == {("unit", "chief"): (1, 1), ("unit", "deputy"): (2, 2), ("internal", "chief"): (0, 1),
                     ("internal", "deputy"): (0, 0)}
    for unit_id in units.values():
        quotas, posts = await figures(rt, unit_id)
        over = await reported(rt, "C1_OVER_QUOTA", unit_id, "type", "approved", "actual")
        assert over == {t: n for t, n in quotas.items() if n[1] > n[0]}
        full = await reported(rt, "C2_AT_QUOTA", unit_id, "type", "approved", "actual")
        assert full == {t: n for t, n in quotas.items() if n[1] == n[0] > 0}
        held = await reported(rt, "C5_OVER_POSTS", unit_id, "post", "approved", "held")
        assert held == {f"{s}.{r}": n for (s, r), n in posts.items() if n[1] > n[0]}
    async with rt.sessions() as session:
        listed = {u.code: (u.approved, u.actual) for u in await units_in_scope(session, scope=Scope(everything=True))}
    assert listed == {"G": (3, 7), "H": (3, 1)}
    async with rt.sessions() as session:  # the warning page lists the people C1 counted
        listed_xz = {h.name for h in await occupants(session, unit_id=units["G"], est_type="XZ")}
    assert listed_xz == {"局长", "副局长", "退休未出编", "科长"}
