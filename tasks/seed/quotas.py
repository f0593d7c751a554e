"""Fitting quotas to the person target, then deriving 内设机构限额 and 领导职数 from the quotas.

机关 keep their natural sizes (a county department has 10–30 行政编制) while 事业单位 absorb the
scaling, because the person/unit ratio asked for is mostly a statement about schools and
hospitals. Only when that cannot reach the target are 机关 scaled too.
"""

from __future__ import annotations

import math

from tasks.seed.tree import UnitInfo

FILL = 0.85  # the average share of a quota that is filled (units are filled to 70–100%)


def fit_quotas(units: list[UnitInfo], persons: int) -> None:
    """Scale quotas in place so that about ``persons / FILL`` places exist, never fewer than ``persons``."""
    if persons <= 0:
        return
    target = math.ceil(persons / FILL)
    flexible = sum(sum(u.record.quotas.values()) for u in units if u.record.kind == "institution")
    fixed = sum(sum(u.record.quotas.values()) for u in units if u.record.kind != "institution")
    f_inst = min(max((target - fixed) / flexible, 0.1), 20.0) if flexible else 1.0
    f_org = (target - flexible * f_inst) / fixed if fixed else 1.0
    for unit in units:
        _scale(unit, f_inst if unit.record.kind == "institution" else max(f_org, 0.05))
    if capacity(units) == 0:
        raise ValueError("机构数太少，没有可容纳人员的编制")
    while capacity(units) < persons:
        for unit in units:
            _scale(unit, 1.1, grow=True)


def _scale(unit: UnitInfo, factor: float, grow: bool = False) -> None:
    quotas = unit.record.quotas
    for est_type, n in quotas.items():
        scaled = max(1, round(n * factor))
        quotas[est_type] = max(scaled, n + 1) if grow else scaled


def capacity(units: list[UnitInfo]) -> int:
    return sum(sum(u.record.quotas.values()) for u in units)


def set_posts(units: list[UnitInfo]) -> None:
    """内设机构限额 and 领导职数 sized from each unit's quota (roots hold no establishment)."""
    for unit in units:
        record = unit.record
        total = sum(record.quotas.values())
        if unit.is_root or total == 0:
            continue
        if record.kind == "institution":
            limit = 0 if total < 20 else min(12, max(2, total // 15))
        else:
            limit = min(15, max(2, round(total / 6)))
        deputies = 1 if total < 10 else 2 if total < 30 else 3 if total < 80 else 4
        record.internal_limit = limit
        record.posts = {("unit", "chief"): 1, ("unit", "deputy"): deputies,
                        ("internal", "chief"): limit, ("internal", "deputy"): limit // 2}
