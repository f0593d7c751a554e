"""Helpers for the rule tests: run the real scanner, read back every live warning as a plain tuple.

Tests compare the WHOLE set of live warnings (rule, subject, due date, severity, the message the
officer reads) with a hand-written expected set, so an extra or a missing warning fails the test
even when it shares a rule with an expected one.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select

from models.core.db import transaction
from models.staffing.tables import Person, Unit
from models.warnings.config import change_rule
from models.warnings.rules.catalogue import CATALOGUE
from models.warnings.scan import ScanOutcome, run_scan
from models.warnings.tables import Warning

DAY = date(2026, 11, 23)  # a Monday


class Seen(NamedTuple):
    rule: str
    subject: str  # "U1" or "U1:XZ" for a unit, "U1/name" for a person record
    due: date | None
    severity: str
    summary: str  # the rule's message built from the evidence, as officers read it


async def scan(rt, as_of: date = DAY, full: bool = True) -> ScanOutcome:
    async with transaction(rt.sessions) as session:
        return await run_scan(session, as_of=as_of, full=full)


async def configure(rt, code: str, **change: Any) -> None:
    async with transaction(rt.sessions) as session:
        await change_rule(session, code=code, actor="admin", **change)


async def live(rt) -> list[Warning]:
    async with rt.sessions() as session:
        return list((await session.scalars(select(Warning).where(Warning.status != "resolved"))).all())


async def seen(rt, prefix: str = "") -> set[Seen]:
    """Every live warning whose rule code starts with ``prefix``."""
    async with rt.sessions() as session:
        codes = {u.id: u.code for u in (await session.scalars(select(Unit))).all()}
        persons = {p.id: p for p in (await session.scalars(select(Person))).all()}
    found = set()
    for w in await live(rt):
        assert w.due_date is not None or not w.due_estimated  # no deadline, nothing estimated
        if w.rule_code.startswith(prefix):
            found.add(Seen(w.rule_code, _subject(w, codes, persons), w.due_date, w.severity,
                           CATALOGUE[w.rule_code].summary(w.evidence)))
    return found


def _subject(w: Warning, codes: dict[int, str], persons: dict[int, Person]) -> str:
    if w.person_id is None:
        key = w.subject.partition(":")[2]
        return f"{codes[w.unit_id]}:{key}" if key else codes[w.unit_id]
    person = persons[w.person_id]
    # Every person hit carries the record's name and masked ID as evidence (common.person_hit).
    assert (w.evidence["name"], w.evidence["id"]) == (person.name, person.id_masked)
    assert w.unit_id == person.unit_id
    return f"{codes[w.unit_id]}/{person.name}"


async def evidence(rt, rule: str) -> list[dict[str, Any]]:
    """The evidence of the live warnings of one rule, without the person's name and masked ID."""
    rows = [w for w in await live(rt) if w.rule_code == rule]
    plain = [{k: v for k, v in w.evidence.items() if k not in ("name", "id")} for w in rows]
    return sorted(plain, key=repr)
