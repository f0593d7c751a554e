"""Defect kinds, where they go (planning) and the manifest of what was injected.

Each kind is named by its rule id in the catalogue (domain §9) and draws from its own
``Random(f"{seed}/{kind}")``, so one kind's choices do not depend on another's rate. A slot (one
planned person) carries at most one defect, never a leader's slot and never in a unit chosen for
C1, so the rules do not interfere with each other: the manifest lists exactly what a full scan
should find.

* Unit kinds: A8 (broken USCC check), C1 (one or two persons over the main type's quota),
  C5 (one unit deputy more than approved), C7 (one or two 内设机构 above the limit) and C5B (a
  second chief in one 内设机构, reported as C5: see :mod:`tasks.seed.bodies`). C1 subjects are
  computed from the final counts of every type, so a unit given a C4 (混编) person of a type it
  has no quota for is C1 too (核定0名，实有1名), as domain §9 C1 says.
* Person kinds: A1, A2, A3, A4 (ID problems: the importer refuses them, so they are only
  injected when writing to the database), A6 (the same person active in a second, later unit:
  both records are subjects), A10, A11, B3, B5, B6, C4, D1.
* Not representable yet, never injected: D2 (no update history before the seed), and the
  informational C2/C3 and steward-discipline rules (D3, E*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random
from typing import Any

from models.staffing.ids import mask_id
from tasks.seed.bodies import BodyPlan
from tasks.seed.plan import Plan, UnitPlan
from tasks.seed.tree import UnitInfo

TITLES: dict[str, str] = {
    "A1": "身份证号校验位错误", "A2": "身份证号出生日期无效", "A3": "性别或出生日期与身份证号不符",
    "A4": "15位旧身份证号", "A6": "一人多编", "A8": "统一社会信用代码校验位错误",
    "A10": "入编后信息不完整", "A11": "入编时未满18周岁", "B3": "应退休未退休", "B5": "退休未出编",
    "B6": "调出/辞职/死亡未出编", "C1": "超编", "C4": "混编", "C5": "超职数", "D1": "在编单位与任职单位不符",
    "C7": "超限额设置内设机构",
    "D4": "工资统发名单与在编记录不符（仅演示数据）",  # tasks.seed.payroll
}
DB_ONLY = ("A1", "A2", "A3", "A4")
UNIT_KINDS = ("A8", "C1", "C5", "C7", "C5B")
# Planning order; the DB-only kinds come last so files and database get the same other defects.
PERSON_KINDS = ("A6", "C4", "D1", "A10", "A11", "B3", "B5", "B6", "A1", "A2", "A3", "A4")
CADRE_ONLY = ("A6", "C4")
NOT_SEEDED = {"D2": "种子数据没有更新历史"}


def requested(rate: float, units: int, persons: int, to_files: bool) -> dict[str, int]:
    """Defects per kind for ``--defects RATE``: a share of the units or persons, for every kind."""
    counts = {k: round(rate * units) for k in UNIT_KINDS}
    counts.update({k: round(rate * persons) for k in PERSON_KINDS})
    if to_files:
        counts.update(dict.fromkeys(DB_ONLY, 0))
    return counts


@dataclass
class DefectPlan:
    seed: int
    wanted: dict[str, int]
    a8: set[int] = field(default_factory=set)  # unit indexes
    c1: dict[int, tuple[str, int]] = field(default_factory=dict)  # unit index -> (type, extra)
    roles: dict[int, str] = field(default_factory=dict)  # global slot -> kind ("A6dup": A6's copy)
    duplicates: dict[int, int] = field(default_factory=dict)  # A6 copy slot -> original slot
    rngs: dict[str, Random] = field(default_factory=dict)
    bodies: BodyPlan = field(default_factory=BodyPlan)  # internal bodies, with C7 and C5B (tasks.seed.bodies)

    def rng(self, kind: str) -> Random:
        if kind not in self.rngs:
            self.rngs[kind] = Random(f"{self.seed}/{kind}")
        return self.rngs[kind]

    def plan_units(self, units: list[UnitInfo]) -> dict[int, tuple[str, int]]:
        """Choose A8 and C1 units (C1 needs room in the person plan, so it comes first)."""
        indexes = list(range(len(units)))
        self.a8 = set(_sample(self.rng("A8"), indexes, self.wanted.get("A8", 0)))
        staffed = [i for i in indexes if units[i].record.quotas]
        rng = self.rng("C1")
        for i in sorted(_sample(rng, staffed, self.wanted.get("C1", 0))):
            quotas = units[i].record.quotas
            self.c1[i] = (max(quotas, key=lambda t: (quotas[t], t)), 1 + rng.randrange(2))
        return self.c1

    def plan_slots(self, plan: Plan, units: list[UnitInfo]) -> None:
        self._plan_c5(plan, units)
        for kind in PERSON_KINDS:
            self._plan_persons(plan, kind, self.wanted.get(kind, 0))

    def _plan_c5(self, plan: Plan, units: list[UnitInfo]) -> None:
        """C5: the first staff slot of a unit whose deputy posts are all filled becomes one more deputy."""
        fits = [p for p in plan.units if p.unit not in self.c1 and p.cadres() > len(p.leaders)
                and _deputies_full(p, units[p.unit])]
        for p in _sample(self.rng("C5"), fits, self.wanted.get("C5", 0)):
            self.roles[p.offset + len(p.leaders)] = "C5"

    def _plan_persons(self, plan: Plan, kind: str, wanted: int) -> None:
        rng, placed, attempts = self.rng(kind), 0, 0
        while placed < wanted and attempts < 50 * wanted + 1000 and plan.total:
            attempts += 1
            slot = rng.randrange(plan.total)
            if not self._free(plan, slot, kind in CADRE_ONLY):
                continue
            if kind == "A6" and not self._place_copy(plan, slot, rng):
                continue
            self.roles[slot] = kind
            placed += 1

    def _free(self, plan: Plan, slot: int, cadre: bool) -> bool:
        if slot in self.roles:
            return False
        unit, j = plan.locate(slot)
        return unit.unit not in self.c1 and j >= len(unit.leaders) and not (cadre and unit.types[j] == "GQ")

    def _place_copy(self, plan: Plan, slot: int, rng: Random) -> bool:
        """A6: a free cadre slot in a later unit takes a copy of the person in ``slot``."""
        unit, _ = plan.locate(slot)
        start = unit.offset + unit.size
        for _ in range(20):
            if start >= plan.total:
                return False
            target = rng.randrange(start, plan.total)
            if self._free(plan, target, cadre=True):
                self.roles[target] = "A6dup"
                self.duplicates[target] = slot
                return True
        return False


def _deputies_full(plan: UnitPlan, unit: UnitInfo) -> bool:
    approved = unit.record.posts.get(("unit", "deputy"), 0)
    return approved > 0 and plan.leaders.count("unit_deputy") == approved


def _sample(rng: Random, population: list[Any], count: int) -> list[Any]:
    return rng.sample(population, min(count, len(population)))


@dataclass
class Manifest:
    """Per kind, the subjects a full scan should report: unit codes, or [unit code, masked ID]."""

    subjects: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in TITLES})
    details: dict[str, list[list[Any]]] = field(default_factory=lambda: {"C1": [], "C5": []})

    def person(self, kind: str, unit_code: str, number: str) -> None:
        self.subjects[kind].append([unit_code, mask_id(number)])

    def unit(self, kind: str, unit_code: str) -> None:
        # Units are finished one at a time, so a repeat can only be the last entry.
        if unit_code not in self.subjects[kind][-1:]:
            self.subjects[kind].append(unit_code)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.subjects.items()}

    def total(self) -> int:
        return sum(self.counts().values())

    def as_json(self, arguments: dict[str, Any], target: str) -> dict[str, Any]:
        return {"arguments": arguments, "target": target, "titles": TITLES, "counts": self.counts(),
                "subjects": {k: sorted(v, key=_subject_order) for k, v in self.subjects.items()},
                "details": self.details, "db_only": list(DB_ONLY), "not_seeded": NOT_SEEDED}


def _subject_order(subject: Any) -> tuple[bool, Any]:
    """Unit codes before [unit code, masked ID] pairs: D4 lists both kinds, which do not compare."""
    return isinstance(subject, list), subject
