"""职务任免: appoint a person of the unit to a leadership post (单位 or 内设机构, 正 or 副), or remove
them from one (免职: leader kind 无).

Refused when the appointment would exceed the approved 职数 — of the post unit for the scope, and
of the internal body when it has its own approval — 正职 and 副职 separately, with the holders
counted by ``models.staffing.bodies`` exactly as rule C5 counts them, so a refusal and a warning
never disagree (domain F2). A person who already holds that very post is not counted twice.
Approving writes the post fields of the record (the person event names the item) and re-runs
the rules on the units the person's posts were and are in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Application, Figures, Kind, register
from models.approvals.kinds.common import (
    LEADER_DECIDES,
    OFFICER_CHECK,
    date_field,
    item_source,
    live_items,
    refuse,
    text_field,
)
from models.approvals.kinds.posts import body_of
from models.approvals.kinds.rescan import rescan_persons
from models.approvals.tables import Item
from models.core.bulk import is_postgres
from models.core.decision import Actor
from models.core.enums import LeaderKind, choices
from models.core.runtime import session_cipher, session_today
from models.staffing.bodies import LEADER_POSTS, RANK_LABELS, body_posts, unit_posts
from models.staffing.edits import load_person, save_person
from models.staffing.tables import PERSON, UNIT
from models.staffing.tables import POST_QUOTA as POSTS
from models.warnings.scope import units_of_persons

APPOINT = "appoint"
SCOPE_WORDS = {"unit": "单位领导", "internal": "内设机构领导"}


async def _person(session: AsyncSession, application: Application) -> Any:
    if application.person_id is None:
        refuse("请选择任免人员")
    row = (await session.execute(select(PERSON).where(PERSON.c.id == application.person_id))).first()
    if row is None or row.unit_id != application.unit_id:
        refuse("该人员不是本单位的人员")
    if row.status != "active":
        refuse(f"{row.name}不在职，不能任免职务")
    return row


def leader_kind_of(payload: dict[str, Any]) -> str:
    value = str(payload.get("leader_kind") or "")
    if value not in {k.value for k in LeaderKind}:
        refuse(f"请选择领导职务类别（{choices(LeaderKind)}）")
    return value


async def _post_unit(session: AsyncSession, application: Application) -> int:
    raw = application.payload.get("post_unit_id")
    if raw in (None, ""):
        return application.unit_id
    found = await session.scalar(select(UNIT.c.id).where(UNIT.c.id == raw)) if isinstance(raw, int) else None
    if found is None:
        refuse("任职机构不存在")
    return int(found)


async def _body_id(session: AsyncSession, payload: dict[str, Any], kind: str, post_unit: int) -> int | None:
    if payload.get("body_id") in (None, ""):
        return None
    if not kind.startswith("internal"):
        refuse("只有内设机构领导职务才能选择内设机构")
    return int((await body_of(session, post_unit, payload.get("body_id"))).id)


async def check(session: AsyncSession, application: Application, today: date) -> Figures:
    person = await _person(session, application)
    kind = leader_kind_of(application.payload)
    post_unit = await _post_unit(session, application)
    body_id = await _body_id(session, application.payload, kind, post_unit)
    text_field(application.payload, "title", "职务名称", max_len=100)
    text_field(application.payload, "doc_no", "任免文号", max_len=100)
    date_field(application.payload, "date", "任免日期", today=today)
    for other in await live_items(session, unit_id=application.unit_id, kind=APPOINT, exclude=application.item_id):
        if other.person_id == person.id:
            refuse(f"{person.name}已有任免事项在审批中（事项 #{other.id}）")
    if kind == "none":
        return {"text": f"免去{person.name}的领导职务", "person": person.name, "leader_kind": kind}
    return {"person": person.name, "leader_kind": kind, **await _room(session, person, kind, post_unit, body_id)}


async def _room(session: AsyncSession, person: Any, kind: str, post_unit: int, body_id: int | None) -> Figures:
    """Refuse an appointment above the 职数 (unit scope, then the body); the figures it saw."""
    scope, rank = LEADER_POSTS[kind]
    await _lock(session, post_unit, scope, rank)
    holds_it = person.leader_kind == kind and (person.post_unit_id or person.unit_id) == post_unit
    posts = await unit_posts(session, unit_id=post_unit, scope=scope)
    said = f"{SCOPE_WORDS[scope]}{RANK_LABELS[rank]}核定 {posts.approved(rank)} 名，实配 {posts.held(rank)} 名"
    figures: Figures = {"text": said, "post_approved": posts.approved(rank), "post_held": posts.held(rank)}
    if posts.exceeded_by(rank, 0 if holds_it else 1):
        refuse(f"超职数：{said}", figures)
    if body_id is None:
        return figures
    body, room = await body_of(session, post_unit, body_id), await body_posts(session, body_id=body_id)
    if room.approved(rank) is None:
        return figures
    said = f"内设机构“{body.name}”{RANK_LABELS[rank]}核定 {room.approved(rank)} 名，实配 {room.held(rank)} 名"
    figures.update(text=f"{figures['text']}；{said}", body_approved=room.approved(rank), body_held=room.held(rank))
    if room.exceeded_by(rank, 0 if holds_it and person.body_id == body_id else 1):
        refuse(f"超职数：{said}", figures)
    return figures


async def _lock(session: AsyncSession, unit_id: int, scope: str, rank: str) -> None:
    """Hold the post figure to the end of the transaction (PostgreSQL): two appointments to the last
    post, approved at once, are decided one after the other."""
    if is_postgres(session):
        await session.execute(select(POSTS.c.approved).where(POSTS.c.unit_id == unit_id, POSTS.c.scope == scope,
                                                             POSTS.c.rank == rank).with_for_update())


async def apply(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    cipher, payload = session_cipher(session), item.payload
    assert item.person_id is not None
    state = await load_person(session, cipher, person_id=item.person_id)
    if state is None:
        refuse("该人员已不存在")
    before = await units_of_persons(session, person_ids=[item.person_id])
    post_code, body_code = await _codes(session, item)
    record = replace(state.record, leader_kind=leader_kind_of(payload), post_unit_code=post_code, body_code=body_code,
                     post_title=str(payload["title"]).strip(), appoint_doc=str(payload["doc_no"]).strip(),
                     appoint_date=date.fromisoformat(str(payload["date"])))
    changes = await save_person(session, cipher, state=state, record=record, source=item_source(item.id),
                                actor=item.applicant, reviewer=actor.login)
    return {"changed": sorted(changes), **await rescan_persons(session, [item.person_id], session_today(session),
                                                               also=before)}


async def _codes(session: AsyncSession, item: Item) -> tuple[str, str | None]:
    """The post unit's code and the body's code the record names (none for a unit-level post)."""
    post_unit = item.payload.get("post_unit_id") or item.unit_id
    code = await session.scalar(select(UNIT.c.code).where(UNIT.c.id == post_unit))
    body_id = item.payload.get("body_id")
    body_code = (await body_of(session, int(post_unit), body_id)).code if body_id else None
    return str(code), body_code


APPOINT_KIND = register(Kind(APPOINT, "职务任免", (OFFICER_CHECK, LEADER_DECIDES), check, apply))
