"""C. Internal bodies (内设机构): 超限额 (C7) and a body's own 超职数 (C5, per section).

Both are unit warnings keyed inside the unit, so they follow the unit's scope, scans and pages.
Holders are counted with the predicates of models.staffing.bodies, the same ones the unit page
and the 核职 / 任免 pre-checks use.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, and_, case, cast, func, literal, null, select

from models.staffing.bodies import RANK_LABELS, holds_body_post
from models.staffing.tables import INTERNAL_BODY as BODY
from models.staffing.tables import PERSON, UNIT
from models.warnings.rules.base import RuleContext, RuleDef
from models.warnings.rules.common import unit_hit
from models.warnings.rules.sql import joined, scope_units

NAMES_SHOWN = 60  # characters of the body list a message quotes


def _active_bodies(ctx: RuleContext) -> Any:
    """Active bodies of the units in scope, in unit and code order (the order the names are listed)."""
    query = select(BODY.c.unit_id, BODY.c.code, BODY.c.name).where(BODY.c.status == "active")
    return ctx.scoped(query, BODY.c.unit_id).order_by(BODY.c.unit_id, BODY.c.code).subquery()


def _over_limit(ctx: RuleContext) -> Select[Any]:
    bodies = _active_bodies(ctx)
    counted = (select(bodies.c.unit_id, func.count().label("n"), joined(bodies.c.name, bodies.c.code).label("names"))
               .group_by(bodies.c.unit_id).subquery())
    query = unit_hit(ctx, counted.c.unit_id, null(), UNIT.c.internal_limit.label("ev_limit"),
                     counted.c.n.label("ev_count"), counted.c.names.label("ev_names"), source=counted,
                     source_scoped=True)
    query = query.join(UNIT, UNIT.c.id == counted.c.unit_id)
    return query.where(UNIT.c.internal_limit.is_not(None), counted.c.n > UNIT.c.internal_limit)


def _body_holders(ctx: RuleContext) -> Any:
    """(body, leader kind, holders); an incremental scan counts only bodies of units in scope."""
    query = select(PERSON.c.body_id, PERSON.c.leader_kind, func.count().label("n")).where(holds_body_post())
    if ctx.scan_id is not None:
        scoped = select(BODY.c.id).where(BODY.c.unit_id.in_(scope_units(ctx.scan_id)))
        query = query.where(PERSON.c.body_id.in_(scoped))
    return query.group_by(PERSON.c.body_id, PERSON.c.leader_kind).subquery()


def _body_over_posts(ctx: RuleContext) -> Select[Any]:
    held = _body_holders(ctx)
    chief = held.c.leader_kind == "internal_chief"
    rank = case((chief, literal("chief")), else_=literal("deputy"))
    approved = case((chief, BODY.c.chief_posts), else_=BODY.c.deputy_posts)
    key = literal("b") + cast(BODY.c.id, String) + literal(".") + rank
    query = unit_hit(ctx, BODY.c.unit_id, key, BODY.c.name.label("ev_body"), BODY.c.id.label("ev_body_id"),
                     rank.label("ev_rank"),
                     approved.label("ev_approved"), held.c.n.label("ev_held"), source=held, source_scoped=True)
    query = query.join(BODY, and_(BODY.c.id == held.c.body_id, BODY.c.status == "active"))
    return query.where(approved.is_not(None), held.c.n > approved)


def _names(names: str) -> str:
    return names if len(names) <= NAMES_SHOWN else names[:NAMES_SHOWN] + "等"


RULES = [
    RuleDef("C5_BODY_OVER_POSTS", "内设机构超职数", "S1",
            "单独核定领导职数的内设机构，正职、副职分别不得超过核定职数；未单独核定的，按单位内设机构领导职数总额计算"
            "（见“超职数配备”）。", "C", _body_over_posts,
            lambda e: f"内设机构“{e['body']}”{RANK_LABELS.get(e['rank'], e['rank'])}核定{e['approved']}名，"
                      f"实配{e['held']}名",
            deadline_days=20, subject="unit"),
    RuleDef("C7_OVER_LIMIT", "超限额设置内设机构", "S1",
            "内设机构设置实行限额管理，现有内设机构数不得超过核定的内设机构限额（《中国共产党机构编制工作条例》）。",
            "C", _over_limit, lambda e: f"内设机构限额{e['limit']}个，现有{e['count']}个：{_names(e['names'])}",
            deadline_days=20, subject="unit"),
]
