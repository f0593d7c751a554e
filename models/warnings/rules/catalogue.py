"""The catalogue: every rule by code, in display order. A5/A7/B4/B7/C6/C8/D3 of domain §9 need
data the model does not hold yet (district table, leave records, secondments); the RuleDef shape
leaves room for them. D4 reads 财政's payroll roster (rules.payroll). Internal bodies are held: C7 超限额
and the per-body C5 are in rules.bodies."""

from __future__ import annotations

from models.warnings.rules import bodies, consistency, establishment, identity, payroll, retirement
from models.warnings.rules.base import RuleDef

CATALOGUE: dict[str, RuleDef] = {
    rule.code: rule for rule in (*identity.RULES, *retirement.RULES, *establishment.RULES, *bodies.RULES,
                                *consistency.RULES, *payroll.RULES)
}
