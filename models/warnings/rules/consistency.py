"""D. Consistency and timeliness (domain §9 D; D3 self-check and D4 payroll come with their data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_

from models.staffing.tables import PERSON, UNIT
from models.warnings.rules.base import EFFECTIVE_FROM, EFFECTIVE_LABEL, RuleContext, RuleDef, Window, floor_note, window
from models.warnings.rules.common import person_hit
from models.warnings.rules.sql import active


def _post_unit_differs(ctx: RuleContext) -> Select[Any]:
    query = person_hit(ctx, PERSON.c.post_unit_id.label("ev_post_unit"))
    return query.where(active(), PERSON.c.post_unit_id.is_not(None), PERSON.c.post_unit_id != PERSON.c.unit_id)


def _post_info_late(ctx: RuleContext) -> Select[Any]:
    missing = or_(PERSON.c.appoint_date.is_(None), PERSON.c.appoint_doc.is_(None))
    query = person_hit(ctx, UNIT.c.approved_on.label("ev_approved_on"), anchor=UNIT.c.approved_on)
    query = query.join(UNIT, UNIT.c.id == PERSON.c.unit_id)
    return query.where(active(), PERSON.c.leader_kind != "none", UNIT.c.approved_on <= ctx.as_of, missing)


def _approval_windows(ctx: RuleContext) -> list[Window]:
    return [window(UNIT.c.approved_on, ctx.prev_as_of, ctx.as_of)] if ctx.prev_as_of else []


RULES = [
    RuleDef("D1_POST_UNIT", "在编单位与任职单位不符", "S2",
            "人员应在编制所在单位任职；借调、挂职须有备案。", "D", _post_unit_differs,
            lambda e: "编制所在单位与任职单位不一致", deadline_days=10),
    RuleDef("D2_POST_INFO", "职务变动未及时更新", "S2",
            "单位领导职数核定后，须在规定工作日内完善领导人员的任职日期和任职文号。" + floor_note("职数核定之日"), "D",
            _post_info_late, lambda e: f"职数核定于{e['approved_on']}，任职信息未完善", deadline_days=30,
            due_from="anchor", params={EFFECTIVE_FROM: ""}, param_labels={EFFECTIVE_FROM: EFFECTIVE_LABEL},
            windows=_approval_windows),
]
