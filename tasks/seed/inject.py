"""Generating the persons of one unit, slot by slot, with the planned defects applied.

Each defect kind is one small function that asks the factory for a suitable person (a defect
"profile" such as already past retirement) and then breaks exactly one thing. After the unit is
complete, C1 and C5 are evaluated on its final records, so the manifest matches what was written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from random import Random

from models.staffing.records import BodyRecord, PersonRecord
from models.staffing.retirement import retirement_date
from tasks.seed.bodies import assign_bodies
from tasks.seed.codes import break_id_check, impossible_id_date, legacy_id
from tasks.seed.defects import DefectPlan, Manifest
from tasks.seed.people import PersonFactory, UnitContext, Who, category
from tasks.seed.plan import UnitPlan
from tasks.seed.tree import UnitInfo

POST_OF = {"unit_chief": ("unit", "chief"), "unit_deputy": ("unit", "deputy"),
           "internal_chief": ("internal", "chief"), "internal_deputy": ("internal", "deputy")}
EXITS = ("transferred", "resigned", "deceased")


def context(info: UnitInfo) -> UnitContext:
    record = info.record
    return UnitContext(record.code, info.region.code, record.kind, record.level, info.profession,
                       info.chief, info.region.abbr)


class UnitGenerator:
    def __init__(self, factory: PersonFactory, plan: DefectPlan, manifest: Manifest, units: list[UnitInfo],
                 as_of: date) -> None:
        self.factory, self.plan, self.manifest, self.units, self.as_of = factory, plan, manifest, units, as_of
        self.copies = {original: copy for copy, original in plan.duplicates.items()}
        self.stash: dict[int, Who] = {}
        self.peers: dict[str, list[str]] = {}
        for info in units:
            if info.record.quotas:
                self.peers.setdefault(info.region.code, []).append(info.record.code)

    def persons(self, unit: UnitPlan) -> list[PersonRecord]:
        info = self.units[unit.unit]
        ctx = context(info)
        self.factory.start_unit(unit.unit)
        records = []
        for j, est_type in enumerate(unit.types):
            slot = unit.offset + j
            leader = unit.leaders[j] if j < len(unit.leaders) else "none"
            role = self.plan.roles.get(slot)
            if role is None:
                records.append(self.factory.person(ctx, est_type, leader))
            else:
                records.append(INJECT[role](self, ctx, slot, est_type))
        bodies = self.plan.bodies.bodies.get(unit.unit, [])
        assign_bodies(records, bodies, unit.unit in self.plan.bodies.doubled)
        self._check_counts(info, records)
        self._check_bodies(info, records, bodies)
        return records

    def rng(self, kind: str) -> Random:
        return self.plan.rng(kind)

    def mark(self, kind: str, record: PersonRecord) -> PersonRecord:
        self.manifest.person("A6" if kind == "A6dup" else kind, record.unit_code, record.id_number)
        return record

    def _check_counts(self, info: UnitInfo, records: list[PersonRecord]) -> None:
        """C1 and C5 as the rules define them: 在编 records of each type (whatever their status: a
        B5/B6 person still occupies establishment) and active leaders, against approved numbers."""
        by_type = Counter(r.est_type for r in records if r.in_est and r.est_type)
        for est_type, actual in sorted(by_type.items()):
            approved = info.record.quotas.get(est_type, 0)
            # A type the unit may not use at all (a C4 person) has approved 0, so it is 超编 too.
            if actual > approved:
                self.manifest.unit("C1", info.record.code)
                self.manifest.details["C1"].append([info.record.code, est_type, approved, actual])
        active = [r for r in records if r.in_est and r.status == "active"]
        holders = Counter(POST_OF[r.leader_kind] for r in active if r.leader_kind in POST_OF)
        for (scope, rank), actual in sorted(holders.items()):
            approved = info.record.posts.get((scope, rank), 0)
            if actual > approved:
                self.manifest.unit("C5", info.record.code)
                self.manifest.details["C5"].append([info.record.code, scope, rank, approved, actual])


    def _check_bodies(self, info: UnitInfo, records: list[PersonRecord], bodies: list[BodyRecord]) -> None:
        """C5 per section: active holders of a body's chief or deputy posts above its own approval."""
        ranks = {"internal_chief": "chief", "internal_deputy": "deputy"}
        holders = Counter((r.body_code, ranks[r.leader_kind]) for r in records
                          if r.body_code and r.status == "active" and r.leader_kind in ranks)
        for body in bodies:
            for rank, approved in (("chief", body.chief_posts), ("deputy", body.deputy_posts)):
                actual = holders[(body.code, rank)]
                if approved is not None and actual > approved:
                    self.manifest.unit("C5", info.record.code)
                    self.manifest.details["C5"].append([info.record.code, f"body:{body.code}", rank, approved, actual])


Injector = Callable[[UnitGenerator, UnitContext, int, str], PersonRecord]


def _c5(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    return g.factory.person(ctx, est_type, "unit_deputy")


def _c4(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type)
    if ctx.kind == "institution":
        record.est_type = "XZ"
    else:
        record.est_type = "SY" if ctx.kind in ("court", "procuratorate") else g.rng("C4").choice(("SY", "ZF"))
    return g.mark("C4", record)


def _a6(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    who = g.factory.who(ctx, est_type)
    g.stash[g.copies[slot]] = who
    return g.mark("A6", g.factory.build(who, ctx, est_type, "none"))


def _a6_copy(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    return g.mark("A6dup", g.factory.build(g.stash.pop(slot), ctx, est_type, "none"))


def _d1(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type)
    others = [code for code in g.peers.get(ctx.region, []) if code != ctx.code]
    others = others or [u.record.code for u in g.units[:2] if u.record.code != ctx.code]
    record.post_unit_code = g.rng("D1").choice(others)
    return g.mark("D1", record)


def _a10(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type)
    fields = ("education", "post_title", "mobile")
    for name in g.rng("A10").sample(fields, 1 + g.rng("A10").randrange(len(fields))):
        setattr(record, name, None)
    return g.mark("A10", record)


def _a11(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type)
    assert record.birth_date is not None
    record.entry_date = record.birth_date + timedelta(days=5844 + g.rng("A11").randrange(690))  # 16–17.9 岁
    return g.mark("A11", record)


def _b3(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    return g.mark("B3", g.factory.person(ctx, est_type, profile="overdue"))


def _b5(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type, profile="retired")
    assert record.birth_date is not None
    record.status = "retired"
    record.exit_date = retirement_date(record.birth_date, category(record.sex == "M", est_type == "GQ"))
    return g.mark("B5", record)


def _b6(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type, profile="mature")
    rng = g.rng("B6")
    record.status = rng.choice(EXITS)
    record.exit_date = g.as_of - timedelta(days=40 + rng.randrange(361))
    return g.mark("B6", record)


def _a1(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type)
    record.id_number = break_id_check(record.id_number, g.rng("A1"))
    return g.mark("A1", record)


def _a2(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type)
    number = impossible_id_date(record.id_number, g.rng("A2"))
    while not g.factory.claim(number[:17]):
        number = impossible_id_date(record.id_number, g.rng("A2"))
    record.id_number = number
    return g.mark("A2", record)


def _a3(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    """Young people only, so a flipped sex cannot bring a retirement date into the past."""
    record = g.factory.person(ctx, est_type, profile="young")
    rng = g.rng("A3")
    assert record.birth_date is not None
    shifted = record.birth_date + timedelta(days=rng.choice((-1, 1)) * (1 + rng.randrange(20)))
    if rng.random() < 0.5 and g.factory.claim_name(record.name, shifted):
        record.birth_date = shifted
    else:
        record.sex = "F" if record.sex == "M" else "M"
    return g.mark("A3", record)


def _a4(g: UnitGenerator, ctx: UnitContext, slot: int, est_type: str) -> PersonRecord:
    record = g.factory.person(ctx, est_type, profile="legacy")
    record.id_number = legacy_id(record.id_number)
    return g.mark("A4", record)


INJECT: dict[str, Injector] = {
    "C5": _c5, "C4": _c4, "A6": _a6, "A6dup": _a6_copy, "D1": _d1, "A10": _a10, "A11": _a11,
    "B3": _b3, "B5": _b5, "B6": _b6, "A1": _a1, "A2": _a2, "A3": _a3, "A4": _a4,
}
