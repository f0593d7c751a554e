"""The demo's payroll roster (工资统发名单): the county's 财政 pays its 在编 staff for the demo month,
with a few planned mismatches so every D4 rule has something to show.

The roster pays every record of the county that is 在编 and in service and entered before the
month; then, from ``Random(f"{seed}/payroll")``: two such persons are left out (在编未发薪), two
who left before the month are paid anyway (退休、出编或死亡后仍发薪), two people with no record at
all are paid (发薪但无在编记录), and one person is paid by a second unit (多单位发薪 in both units,
and 发薪但无在编记录 in the second). A person seeded as 一人多编 in two county units is paid by both,
as such a person would be: 多单位发薪 too. The manifest lists exactly these subjects under D4,
worked out here from the roster in plain Python, so the demo scan test checks the SQL rules
against a second, independent reading of the same data.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import date, timedelta
from random import Random
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.crypto import FieldCipher
from models.payroll.query import BookedPerson, booked_persons
from models.payroll.store import Upload, replace_month
from models.payroll.tables import month_label
from models.staffing.ids import id_check_char, mask_id
from models.staffing.scope import Scope
from tasks.seed.defects import Manifest

CATEGORIES = {"XZ": "公务员", "ZF": "公务员（政法）", "SY": "事业人员", "GQ": "工勤人员"}
GHOSTS = (("吴某某", "330523"), ("郑某某", "330523"))
Subject = Any  # a unit code, or [unit code, masked ID]


class RosterPlan:
    """The roster's entries and the D4 subjects a scan should find, planned from the records."""

    def __init__(self, persons: list[BookedPerson], month: date, rng: Random) -> None:
        self.persons, self.month, self.rng = persons, month, rng
        self.records = Counter(p.id_hash for p in persons)
        self.entries: list[tuple[BookedPerson | None, int, str, str, str]] = []  # (person, unit, hash, mask, name)
        self.subjects: list[Subject] = []

    def paid(self) -> list[BookedPerson]:
        return [p for p in self.persons if p.in_est and p.status == "active"
                and (p.entry_date is None or p.entry_date < self.month)]

    def single(self, people: list[BookedPerson]) -> list[BookedPerson]:
        return [p for p in people if self.records[p.id_hash] == 1]

    def build(self, cipher: FieldCipher) -> None:
        paid = self.paid()
        per_unit = Counter(p.unit_id for p in paid)
        unpaid = self.rng.sample(self.single([p for p in paid if per_unit[p.unit_id] > 2]), 2)
        self.entries = [(p, p.unit_id, p.id_hash, p.id_masked, p.name) for p in paid if p not in unpaid]
        self.subjects = [[p.unit_code, p.id_masked] for p in unpaid]
        self._paid_after_leaving()
        self._ghosts(cipher)
        self._paid_twice()

    def _paid_after_leaving(self) -> None:
        gone = self.single([p for p in self.persons if p.status != "active"
                            and (p.exit_date is None or p.exit_date < self.month)])
        for p in self.rng.sample(gone, min(2, len(gone))):
            self.entries.append((p, p.unit_id, p.id_hash, p.id_masked, p.name))
            self.subjects.append([p.unit_code, p.id_masked])

    def _ghosts(self, cipher: FieldCipher) -> None:
        paying = sorted({(p.unit_id, p.unit_code) for p, *_ in self.entries if p is not None})
        for name, area in GHOSTS:
            birth = date(1975, 1, 1) + timedelta(days=self.rng.randrange(7000))
            body = f"{area}{birth:%Y%m%d}{self.rng.randrange(100, 999):03d}"
            number = body + id_check_char(body)
            assert cipher.lookup_hash(number) not in self.records, "a made-up person must not exist"
            unit_id, code = self.rng.choice(paying)
            self.entries.append((None, unit_id, cipher.lookup_hash(number), mask_id(number), name))
            self.subjects.append(code)

    def _paid_twice(self) -> None:
        paying = sorted({(p.unit_id, p.unit_code) for p, *_ in self.entries if p is not None})
        person = self.rng.choice(self.single([p for p, *_ in self.entries if p is not None and p.status == "active"]))
        unit_id, code = self.rng.choice([u for u in paying if u[0] != person.unit_id])
        self.entries.append((person, unit_id, person.id_hash, person.id_masked, person.name))
        self.subjects += [person.unit_code, code]  # 多单位发薪 in both; 发薪但无在编记录 in the second
        units_of: dict[str, set[str]] = defaultdict(set)
        codes = dict(paying)
        for _p, unit, id_hash, *_ in self.entries:
            units_of[id_hash].add(codes[unit])
        self.subjects += [c for units in units_of.values() if len(units) > 1 for c in units]  # 一人多编, paid twice

    def rows(self) -> list[dict[str, Any]]:
        return [{"unit_id": unit, "id_hash": id_hash, "id_masked": masked, "name": name,
                 "pay_category": CATEGORIES.get(p.est_type or "", "公务员") if p else "公务员",
                 "amount_cents": self.rng.randrange(450_000, 1_300_000, 100), "source_row": row}
                for row, (p, unit, id_hash, masked, name) in enumerate(self.entries, start=2)]


async def seed_demo_roster(session: AsyncSession, cipher: FieldCipher, manifest: Manifest, *, county_code: str,
                           county_name: str, as_of: date, seed: int) -> None:
    """The demo month's roster of the county, in the seed's transaction; its D4 subjects go to ``manifest``."""
    month = as_of.replace(day=1)
    plan = RosterPlan(await booked_persons(session, root_code=county_code), month, Random(f"{seed}/payroll"))
    plan.build(cipher)
    rows = plan.rows()
    digest = hashlib.sha256(repr(sorted((r["unit_id"], r["id_hash"]) for r in rows)).encode()).hexdigest()
    upload = Upload(month, f"{county_name}{month_label(month)}工资统发名单（演示）.xlsx", digest, "demo", len(rows))
    await replace_month(session, upload=upload, entries=rows, scope=Scope(everything=True))
    unique: list[Subject] = []
    for subject in plan.subjects:
        if subject not in unique:
            unique.append(subject)
    manifest.subjects["D4"] = unique
