"""A full scan of the demo data finds every seeded defect and nothing else (issue #3's bar)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.core.db import transaction
from models.staffing.tables import Unit
from models.warnings.scan import run_scan
from models.warnings.tables import Warning
from tasks.seed.demo import seed_demo

AS_OF = date(2026, 11, 23)


def rule_id(code: str) -> str:
    return code.split("_", 1)[0]


async def found_subjects(rt) -> dict[str, set]:
    async with rt.sessions() as session:
        codes = {u.id: u.code for u in (await session.scalars(select(Unit))).all()}
        warnings = (await session.scalars(select(Warning).where(Warning.status == "open"))).all()
    found: dict[str, set] = {}
    for w in warnings:
        subject = codes[w.unit_id] if w.person_id is None else (codes[w.unit_id], w.evidence["id"])
        found.setdefault(rule_id(w.rule_code), set()).add(subject)
    return found


async def test_the_demo_scan_finds_every_seeded_defect_and_nothing_else(rt):
    result = await seed_demo(rt, as_of=AS_OF)
    async with transaction(rt.sessions) as session:
        await run_scan(session, as_of=AS_OF, full=True)
    seeded = {rule: {s if isinstance(s, str) else tuple(s) for s in subjects}
              for rule, subjects in result.manifest["subjects"].items() if subjects}
    assert await found_subjects(rt) == seeded
    # A 混编 person holds a type the unit has no quota for, so the unit is also 超编 for it (核定0名).
    assert {subject[0] for subject in seeded["C4"]} <= seeded["C1"]
    assert len(seeded) >= 12  # "12 or more common-problem warnings run continuously"
