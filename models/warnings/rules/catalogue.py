"""The catalogue: every rule by code, in display order. A5/A7/B4/B7/C6–C8/D3/D4 of domain §9 need
data the model does not hold yet (district table, leave and payroll, secondments, internal bodies);
the RuleDef shape leaves room for them."""

from __future__ import annotations

from models.warnings.rules import consistency, establishment, identity, retirement
from models.warnings.rules.base import RuleDef

CATALOGUE: dict[str, RuleDef] = {
    rule.code: rule for rule in (*identity.RULES, *retirement.RULES, *establishment.RULES, *consistency.RULES)
}
