"""One person's record as the portal shows it, with its history (人员历史轨迹)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.scope import Scope
from models.staffing.tables import PERSON, UNIT
from models.staffing.tables import PERSON_EVENT as EVENT

FIELD_LABELS = {
    "name": "姓名", "sex": "性别", "birth_date": "出生日期", "est_type": "编制类型", "identity": "人员身份",
    "status": "人员状态", "in_est": "在编状态", "entry_date": "入编日期", "exit_date": "离岗日期",
    "post_unit_id": "任职机构", "post_title": "现任职务", "leader_kind": "领导职务类别", "appoint_date": "任职日期",
    "appoint_doc": "任职文号", "education": "学历", "pro_title": "职称", "mobile": "手机号",
    "retire_age_months": "退休年龄（月）", "retire_basis": "退休年龄特殊规定",
}


async def person_in_scope(session: AsyncSession, *, scope: Scope, person_id: int) -> dict[str, Any] | None:
    post = UNIT.alias("post")
    query = (select(PERSON, UNIT.c.name.label("unit_name"), UNIT.c.code.label("unit_code"),
                    post.c.name.label("post_unit_name"))
             .join(UNIT, UNIT.c.id == PERSON.c.unit_id).outerjoin(post, post.c.id == PERSON.c.post_unit_id)
             .where(PERSON.c.id == person_id, scope.condition()))
    row = (await session.execute(query)).first()
    return dict(row._mapping) if row else None


async def person_history(session: AsyncSession, *, person_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(select(EVENT).where(EVENT.c.person_id == person_id).order_by(EVENT.c.id.desc()))
    return [dict(r._mapping) for r in rows]
