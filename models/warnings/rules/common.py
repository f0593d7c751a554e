"""Building blocks shared by the rule queries: the standard columns of a person or unit hit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, case, false, literal, null, or_, select
from sqlalchemy.sql.elements import Label

from models.staffing.tables import PERSON
from models.warnings.rules.base import RuleContext

MACHINE_KINDS = ("party", "npc", "gov", "cppcc", "discipline", "court", "procuratorate", "democratic", "mass")
# Domain §9 C4, default matrix: which establishment types each unit kind may use.
ALLOWED_TYPES: dict[str, list[str]] = {
    "party": ["XZ", "GQ"], "npc": ["XZ", "GQ"], "gov": ["XZ", "GQ"], "cppcc": ["XZ", "GQ"],
    "discipline": ["XZ", "GQ"], "democratic": ["XZ", "GQ"], "mass": ["XZ", "GQ"],
    "court": ["ZF", "XZ", "GQ"], "procuratorate": ["ZF", "XZ", "GQ"], "institution": ["SY"],
}
# 政法专项编制 is also used by government departments for public security, state security and justice.
ZF_GOV_KEYWORDS = ["公安", "国家安全", "司法"]


def person_hit(ctx: RuleContext, *evidence: Label[Any], anchor: Any = None, severity: Any = None) -> Select[Any]:
    """SELECT of the standard person-hit columns plus ``evidence``; scoped for incremental scans."""
    columns = [
        PERSON.c.unit_id.label("unit_id"), PERSON.c.id.label("person_id"), null().label("key"),
        (anchor if anchor is not None else null()).label("anchor"),
        (severity if severity is not None else null()).label("severity"),
        PERSON.c.name.label("ev_name"), PERSON.c.id_masked.label("ev_id"), *evidence,
    ]
    return ctx.scoped(select(*columns), PERSON.c.unit_id)


def unit_hit(ctx: RuleContext, unit_id: Any, key: Any, *evidence: Label[Any], source: Any = None,
             source_scoped: bool = False) -> Select[Any]:
    """SELECT of the standard unit-hit columns; ``source_scoped`` says ``source`` is already restricted
    to the incremental scan's scope (filtering twice would only mislead the planner's estimates)."""
    columns = [unit_id.label("unit_id"), null().label("person_id"), key.label("key"), null().label("anchor"),
               null().label("severity"), *evidence]
    query = select(*columns)
    if source is not None:
        query = query.select_from(source)
    return query if source_scoped else ctx.scoped(query, unit_id)


def type_allowed(kind: Any, name: Any, est_type: Any, ctx: RuleContext) -> ColumnElement[bool]:
    """Whether ``est_type`` is allowed for a unit of ``kind`` (and ``name``), per the rule's matrix
    (params ``allowed`` and ``zf_gov_keywords``, defaults ALLOWED_TYPES and ZF_GOV_KEYWORDS)."""
    matrix: dict[str, list[str]] = ctx.params["allowed"]
    allowed = [and_(kind == k, est_type.in_(types)) for k, types in matrix.items()]
    keywords: list[str] = ctx.params["zf_gov_keywords"]
    allowed.append(and_(kind == "gov", est_type == "ZF", or_(false(), *(name.contains(k) for k in keywords))))
    return or_(*allowed)


def type_allowed_for(kind: str, name: str, est_type: str) -> bool:
    """The default matrix of :func:`type_allowed`, in Python (for generators and forms)."""
    if est_type in ALLOWED_TYPES.get(kind, []):
        return True
    return kind == "gov" and est_type == "ZF" and any(k in name for k in ZF_GOV_KEYWORDS)


def missing_list(fields: dict[str, str]) -> ColumnElement[str]:
    """'学历、手机号' style list of the empty fields, built in SQL (|| works on both backends)."""
    parts = [case((PERSON.c[name].is_(None), literal(f"{title}、")), else_=literal(""))
             for name, title in fields.items()]
    result: ColumnElement[str] = literal("", String)
    for part in parts:
        result = result + part
    return result
