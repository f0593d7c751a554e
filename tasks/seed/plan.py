"""The person plan: how many persons of each establishment type each unit gets, and its leaders.

Persons are shared out in proportion to quota × a fill rate drawn from 70–100%, by largest
remainder, so the total is exact and no (unit, type) exceeds its quota; units chosen for rule C1
get their quota plus one or two instead. Every unit's persons form a contiguous run of global
"slots" (unit by unit, in tree order), which is what defect planning picks from.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from random import Random

from tasks.seed.tree import UnitInfo

CADRE_TYPES = ("XZ", "ZF", "SY")
LEADER_ORDER = ((("unit", "chief"), "unit_chief"), (("unit", "deputy"), "unit_deputy"),
                (("internal", "chief"), "internal_chief"), (("internal", "deputy"), "internal_deputy"))


@dataclass
class UnitPlan:
    unit: int  # index into the unit list
    offset: int  # global slot number of this unit's first person
    types: list[str]  # establishment type of each slot, main cadre type first, 工勤 last
    leaders: list[str]  # leader kinds of the first len(leaders) slots

    @property
    def size(self) -> int:
        return len(self.types)

    def cadres(self) -> int:
        return sum(1 for t in self.types if t != "GQ")


@dataclass
class Plan:
    units: list[UnitPlan] = field(default_factory=list)
    total: int = 0
    _offsets: list[int] = field(default_factory=list)

    def locate(self, slot: int) -> tuple[UnitPlan, int]:
        """The unit plan holding a global slot, and the slot's position in that unit."""
        if not self._offsets:
            self._offsets = [p.offset for p in self.units]
        plan = self.units[bisect_right(self._offsets, slot) - 1]
        return plan, slot - plan.offset


def main_type(unit: UnitInfo) -> str:
    kind = unit.record.kind
    return "ZF" if kind in ("court", "procuratorate") else "SY" if kind == "institution" else "XZ"


def apportion(units: list[UnitInfo], persons: int, rng: Random,
              over: dict[int, tuple[str, int]]) -> dict[tuple[int, str], int]:
    """Persons per (unit index, type): ``over`` maps a unit to (type, extra) for rule C1."""
    fixed = {(u, t): units[u].record.quotas[t] + extra for u, (t, extra) in over.items()}
    cells = [(u, t, q) for u, info in enumerate(units) for t, q in info.record.quotas.items()
             if q > 0 and (u, t) not in fixed]
    left = persons - sum(fixed.values())
    weights = [q * (0.7 + 0.3 * rng.random()) for _, _, q in cells]
    scale = left / sum(weights) if weights else 0.0
    counts = [min(q, math.floor(w * scale)) for (_, _, q), w in zip(cells, weights, strict=True)]
    short = left - sum(counts)
    by_fraction = sorted(range(len(cells)), key=lambda i: (counts[i] - weights[i] * scale, i))
    while short > 0:
        for i in by_fraction:
            if short and counts[i] < cells[i][2]:
                counts[i] += 1
                short -= 1
    result = {(u, t): n for (u, t, _), n in zip(cells, counts, strict=True) if n}
    result.update(fixed)
    return result


def build_plan(units: list[UnitInfo], counts: dict[tuple[int, str], int]) -> Plan:
    plan = Plan()
    per_unit: dict[int, dict[str, int]] = {}
    for (u, t), n in counts.items():
        per_unit.setdefault(u, {})[t] = n
    for u in sorted(per_unit):
        types = _slot_types(main_type(units[u]), per_unit[u])
        leaders = _leaders(units[u], sum(1 for t in types if t != "GQ"))
        plan.units.append(UnitPlan(u, plan.total, types, leaders))
        plan.total += len(types)
    return plan


def _slot_types(main: str, counts: dict[str, int]) -> list[str]:
    order = [main] + [t for t in CADRE_TYPES if t != main] + ["GQ"]
    return [t for t in order for _ in range(counts.get(t, 0))]


def _leaders(unit: UnitInfo, cadres: int) -> list[str]:
    """Leader kinds filling the approved posts in order, leaving most cadres as staff."""
    cap = cadres if cadres <= 2 else max(1, cadres * 6 // 10)
    leaders: list[str] = []
    for key, kind in LEADER_ORDER:
        leaders += [kind] * unit.record.posts.get(key, 0)
    return leaders[:cap]
