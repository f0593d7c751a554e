"""出编: a person's record leaves the establishment (退休, 调出, 辞职 …), releasing the post.

Approving it sets the record as the corrections do (在编状态 出编, 人员状态 from the reason, 离岗日期),
with a person event whose source names the item, and re-runs the rules at once, so the warnings
the exit settles (应退休未退休, 退休未出编, 调出未出编, 超编) resolve with the approval (domain F3).
Releasing establishment is a sensitive change: 二人复核 (a second officer) before 财政局 stops pay.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Application, Figures, Kind, Step, register
from models.approvals.kinds.common import (
    OFFICER_CHECK,
    SECOND_OFFICER,
    date_field,
    item_source,
    live_items,
    refuse,
    text_field,
)
from models.approvals.kinds.quota import quota_room
from models.approvals.kinds.rescan import rescan_persons
from models.approvals.tables import Item
from models.core.decision import Actor
from models.core.runtime import session_cipher, session_today
from models.staffing.edits import load_person, save_person
from models.staffing.tables import PERSON

EXIT = "exit"
# 出编 reason → 人员状态 afterwards; 其他 (e.g. 转为编外) keeps the person's status.
REASONS: dict[str, str | None] = {"退休": "retired", "调出": "transferred", "辞职": "resigned", "辞退": "dismissed",
                                  "开除": "expelled", "死亡": "deceased", "其他": None}
FINANCE_STOPS_PAY = Step("财政局（停薪）", "finance")


async def _person(session: AsyncSession, application: Application) -> Any:
    if application.person_id is None:
        refuse("请选择出编人员")
    row = (await session.execute(select(PERSON.c.id, PERSON.c.unit_id, PERSON.c.name, PERSON.c.in_est,
                                        PERSON.c.est_type, PERSON.c.entry_date)
                                 .where(PERSON.c.id == application.person_id))).first()
    if row is None or row.unit_id != application.unit_id:
        refuse("该人员不是本单位的人员")
    if not row.in_est or row.est_type is None:
        refuse(f"{row.name}不在编，无需办理出编")
    return row


def reason_of(payload: dict[str, Any]) -> str:
    reason = text_field(payload, "reason", "出编原因", max_len=10)
    if reason not in REASONS:
        refuse(f"出编原因应为：{'/'.join(REASONS)}")
    return reason


async def check(session: AsyncSession, application: Application, today: date) -> Figures:
    person = await _person(session, application)
    reason = reason_of(application.payload)
    exit_date = date_field(application.payload, "date", "出编日期", today=today)
    if person.entry_date and exit_date and exit_date < person.entry_date:
        refuse(f"出编日期早于入编日期（{person.entry_date}）")
    for other in await live_items(session, unit_id=application.unit_id, kind=EXIT, exclude=application.item_id):
        if other.person_id == person.id:
            refuse(f"{person.name}已有出编事项在审批中（事项 #{other.id}）")
    room = await quota_room(session, application.unit_id, person.est_type)
    return {**room.figures(), "person": person.name, "reason": reason}


async def apply(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    cipher, today = session_cipher(session), session_today(session)
    assert item.person_id is not None
    state = await load_person(session, cipher, person_id=item.person_id)
    if state is None or not state.record.in_est:
        refuse("该人员已不在编，无需出编")
    status = REASONS[reason_of(item.payload)] or state.record.status
    record = replace(state.record, in_est=False, status=status,
                     exit_date=date.fromisoformat(str(item.payload["date"])))
    await save_person(session, cipher, state=state, record=record, source=item_source(item.id),
                      actor=item.applicant, reviewer=actor.login)
    room = await quota_room(session, item.unit_id, str(state.record.est_type))
    return {**room.figures(), **await rescan_persons(session, [item.person_id], today)}


EXIT_KIND = register(Kind(EXIT, "出编", (OFFICER_CHECK, SECOND_OFFICER, FINANCE_STOPS_PAY), check, apply,
                          review=True))
