"""C. Establishment counts (domain §9 C): per unit and establishment type, and leadership posts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select, union_all

from models.staffing.bodies import LEADER_POSTS, holds_post, post_unit
from models.staffing.tables import PERSON, QUOTA, UNIT
from models.staffing.tables import POST_QUOTA as POSTS
from models.staffing.units import occupies_establishment
from models.warnings.rules.base import RuleContext, RuleDef
from models.warnings.rules.common import ALLOWED_TYPES, ZF_GOV_KEYWORDS, person_hit, type_allowed, unit_hit
from models.warnings.rules.sql import active, scope_units

# The post keys of the evidence ("unit.chief"), from the one leader_kind vocabulary the unit page
# and the approval pre-checks share (models.staffing.bodies).
POST_KEYS = {kind: f"{scope}.{rank}" for kind, (scope, rank) in LEADER_POSTS.items()}
POST_LABELS = {"unit.chief": "单位领导正职", "unit.deputy": "单位领导副职",
               "internal.chief": "内设机构领导正职", "internal.deputy": "内设机构领导副职"}
TYPE_LABELS = {"XZ": "行政编制", "ZF": "政法专项编制", "SY": "事业编制", "GQ": "工勤编制"}


def _counts(ctx: RuleContext) -> Any:
    """(unit, type) pairs that have a quota or an occupant, with approved and actual numbers.

    Actual is every record 在编 in the unit with the type, whatever its 人员状态 (the predicate the
    unit pages use: models.staffing.units.occupies_establishment).

    An incremental scan restricts both sides to its scope before aggregating, rather than
    filtering the finished pairs: that keeps the aggregate small and leaves the planner no
    reason to re-run an aggregate over every person for each unit in scope. The counts are one
    CTE, used twice but computed once."""
    occupants = select(PERSON.c.unit_id, PERSON.c.est_type, func.count().label("n")).where(
        occupies_establishment()).group_by(PERSON.c.unit_id, PERSON.c.est_type)
    actual = ctx.scoped(occupants, PERSON.c.unit_id).cte("actual")
    quotas = ctx.scoped(select(QUOTA.c.unit_id, QUOTA.c.est_type), QUOTA.c.unit_id)
    pairs = quotas.union(select(actual.c.unit_id, actual.c.est_type)).subquery()
    return (select(pairs.c.unit_id, pairs.c.est_type, func.coalesce(QUOTA.c.approved, 0).label("approved"),
                   func.coalesce(actual.c.n, 0).label("actual"))
            .select_from(pairs)
            .outerjoin(QUOTA, and_(QUOTA.c.unit_id == pairs.c.unit_id, QUOTA.c.est_type == pairs.c.est_type))
            .outerjoin(actual, and_(actual.c.unit_id == pairs.c.unit_id, actual.c.est_type == pairs.c.est_type))
            .subquery())


def _count_hit(ctx: RuleContext) -> tuple[Select[Any], Any]:
    c = _counts(ctx)
    query = unit_hit(ctx, c.c.unit_id, c.c.est_type, c.c.approved.label("ev_approved"),
                     c.c.actual.label("ev_actual"), c.c.est_type.label("ev_type"), source=c, source_scoped=True)
    return query, c


def _over_quota(ctx: RuleContext) -> Select[Any]:
    # A type the unit may not use at all has approved 0: its occupants are 超编 for that type here,
    # and each of them 混编 in C4.
    query, c = _count_hit(ctx)
    return query.where(c.c.actual > c.c.approved)


def _at_quota(ctx: RuleContext) -> Select[Any]:
    query, c = _count_hit(ctx)
    return query.where(c.c.actual == c.c.approved, c.c.approved > 0)


def _vacancy(ctx: RuleContext) -> Select[Any]:
    query, c = _count_hit(ctx)
    vacant = (c.c.approved - c.c.actual) * 100 >= ctx.params["vacancy_percent"] * c.c.approved
    return query.where(c.c.approved >= ctx.params["min_approved"], vacant)


def _mixed(ctx: RuleContext) -> Select[Any]:
    query = person_hit(ctx, PERSON.c.est_type.label("ev_type"), UNIT.c.kind.label("ev_kind"))
    query = query.join(UNIT, UNIT.c.id == PERSON.c.unit_id)
    return query.where(active(), PERSON.c.est_type.is_not(None),
                       ~type_allowed(UNIT.c.kind, UNIT.c.name, PERSON.c.est_type, ctx))


def _post_holders(ctx: RuleContext) -> Any:
    """(post unit, post) of every active leader, the post unit defaulting to the own unit.

    An incremental scan takes only the post units in its scope, as two halves an index can serve
    (post unit in scope; no post unit and own unit in scope) instead of one OR over all persons."""
    key = case(*((PERSON.c.leader_kind == kind, literal(k)) for kind, k in POST_KEYS.items())).label("post")
    leaders = holds_post()
    if ctx.scan_id is None:
        return select(post_unit().label("unit_id"), key).where(leaders)
    scope = scope_units(ctx.scan_id)
    posted = select(PERSON.c.post_unit_id.label("unit_id"), key).where(leaders, PERSON.c.post_unit_id.in_(scope))
    own = select(PERSON.c.unit_id.label("unit_id"), key).where(
        leaders, PERSON.c.post_unit_id.is_(None), PERSON.c.unit_id.in_(scope))
    return union_all(posted, own)


def _over_posts(ctx: RuleContext) -> Select[Any]:
    holders = _post_holders(ctx).subquery()
    held = select(holders.c.unit_id, holders.c.post, func.count().label("n")) \
        .group_by(holders.c.unit_id, holders.c.post).subquery()
    approved = func.coalesce(POSTS.c.approved, 0)
    posts_key = POSTS.c.scope + literal(".") + POSTS.c.rank
    query = unit_hit(ctx, held.c.unit_id, held.c.post, approved.label("ev_approved"), held.c.n.label("ev_held"),
                     held.c.post.label("ev_post"), source=held, source_scoped=True)
    query = query.outerjoin(POSTS, and_(POSTS.c.unit_id == held.c.unit_id, posts_key == held.c.post))
    return query.where(held.c.n > approved)


MATRIX = {"allowed": ALLOWED_TYPES, "zf_gov_keywords": ZF_GOV_KEYWORDS}

RULES = [
    RuleDef("C1_OVER_QUOTA", "超编", "S1",
            "实有人员不得超过核定编制，各编制类型分别计算（国务院令第486号）；已退休、调出等但未出编的人员仍占编制，"
            "未核定的编制类型按核定0名计算。", "C",
            _over_quota, lambda e: f"{TYPE_LABELS.get(e['type'], e['type'])}核定{e['approved']}名，实有{e['actual']}名",
            deadline_days=20, subject="unit"),
    RuleDef("C2_AT_QUOTA", "平编", "S3", "满编单位新进人员须先出后进（出一进一）。", "C", _at_quota,
            lambda e: f"{TYPE_LABELS.get(e['type'], e['type'])}核定{e['approved']}名，已满编", subject="unit",
            enabled=False),
    RuleDef("C3_VACANCY", "空编较多", "S3", "空编比例较高，用编计划和编制周转池调剂时参考（不属于违规）。", "C",
            _vacancy, lambda e: f"{TYPE_LABELS.get(e['type'], e['type'])}核定{e['approved']}名，实有{e['actual']}名",
            params={"vacancy_percent": 20, "min_approved": 5},
            param_labels={"vacancy_percent": "空编比例（%）", "min_approved": "最少核定数"}, subject="unit",
            enabled=False),
    RuleDef("C4_MIXED", "混编混岗", "S1", "事业编制只能用于事业单位，不得与行政编制混用；政法专项编制专项使用。", "C",
            _mixed, lambda e: f"{TYPE_LABELS.get(e['type'], e['type'])}人员在不允许使用该编制的机构", deadline_days=20,
            params=MATRIX),
    RuleDef("C5_OVER_POSTS", "超职数配备", "S1", "领导职数按正职、副职分别核定，不得超职数配备领导干部。", "C",
            _over_posts, lambda e: f"{POST_LABELS.get(e['post'], e['post'])}核定{e['approved']}名，实配{e['held']}名",
            deadline_days=20, subject="unit"),
]
