"""核职: change the approved leadership posts (职数) of a unit — 单位领导 or 内设机构领导 (total) — or of
one internal body, 正职 and 副职 each.

Refused when a new number is below the posts held now (the holders counted by
``models.staffing.bodies``, as rule C5 counts them): the people must leave the posts first. The
approval writes the new figures (the unit's through the correction writer, which bumps the unit's
version; a body's through the body writer) with an audit row holding the figures before and after,
then re-runs the rules on the unit, so a 超职数 warning the new figures settle resolves at once.
A change of 职数 is sensitive: 二人复核.
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
    SECOND_OFFICER,
    count_field,
    refuse,
    unit_brief,
)
from models.approvals.kinds.rescan import rescan_persons
from models.approvals.tables import Item
from models.core import audit
from models.core.decision import Actor
from models.core.runtime import session_today
from models.staffing.bodies import RANK_LABELS, RANKS, PostRoom, body_posts, unit_posts
from models.staffing.body_writer import write_bodies
from models.staffing.edits import EditConflict, load_unit, save_unit
from models.staffing.records import BodyRecord
from models.staffing.tables import INTERNAL_BODY as BODY

POSTS = "posts"
SCOPE_LABELS = {"unit": "单位领导", "internal": "内设机构领导"}
STALE = "该机构刚被他人修改，请重新审批"


async def body_of(session: AsyncSession, unit_id: int, body_id: Any) -> Any:
    """An active internal body of the unit, or a refusal."""
    if not isinstance(body_id, int) or isinstance(body_id, bool):
        refuse("请选择内设机构")
    row = (await session.execute(select(BODY).where(BODY.c.id == body_id))).first()
    if row is None or row.unit_id != unit_id or row.status != "active":
        refuse("内设机构不存在或已撤销")
    return row


async def target(session: AsyncSession, application: Application) -> tuple[str, PostRoom]:
    """What the item changes, in words, and its posts now."""
    scope = application.payload.get("scope")
    if scope == "body":
        body = await body_of(session, application.unit_id, application.payload.get("body_id"))
        return f"内设机构“{body.name}”", await body_posts(session, body_id=body.id)
    if scope not in SCOPE_LABELS:
        refuse("请选择核定对象：单位领导、内设机构领导或某个内设机构")
    return SCOPE_LABELS[scope], await unit_posts(session, unit_id=application.unit_id, scope=scope)


def new_figures(payload: dict[str, Any]) -> dict[str, int]:
    wanted = {rank: count_field(payload, rank, f"{RANK_LABELS[rank]}职数", low=0, high=99)
              for rank in RANKS if payload.get(rank) not in (None, "")}
    if not wanted:
        refuse("请填写新的正职或副职职数")
    return wanted


async def check(session: AsyncSession, application: Application, _today: date) -> Figures:
    await unit_brief(session, application.unit_id)
    wanted = new_figures(application.payload)
    what, posts = await target(session, application)
    for rank, number in wanted.items():
        if number < posts.held(rank):
            refuse(f"核定职数不能少于现有领导人数：{what}{RANK_LABELS[rank]}现有 {posts.held(rank)} 名，"
                   f"拟核定 {number} 名", _figures(what, posts, wanted))
    return _figures(what, posts, wanted)


def _figures(what: str, posts: PostRoom, wanted: dict[str, int]) -> Figures:
    words = "；".join(f"{RANK_LABELS[r]}核定 {_shown(posts.approved(r))} → {wanted[r]} 名，现有 {posts.held(r)} 名"
                     for r in RANKS if r in wanted)
    return {"text": f"{what}：{words}", "before": {r: posts.approved(r) for r in RANKS},
            "held": {r: posts.held(r) for r in RANKS}, "after": {r: wanted.get(r, posts.approved(r)) for r in RANKS}}


def _shown(number: int | None) -> str:
    return "未单独核定" if number is None else f"{number} 名"


async def apply(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    wanted = new_figures(item.payload)
    scope = item.payload["scope"]
    if scope == "body":
        before, object_type, object_id = await _write_body(session, item, wanted)
    else:
        before, object_type, object_id = await _write_unit(session, item.unit_id, scope, wanted)
    after = {r: wanted.get(r, before[r]) for r in RANKS}
    await audit.record(session, actor=actor.login, action="posts.change", object_type=object_type,
                       object_id=object_id, detail={"item_id": item.id, "scope": scope, "before": before,
                                                    "after": after}, ip=actor.ip)
    words = "；".join(f"{RANK_LABELS[r]}职数 {_shown(before[r])} → {after[r]} 名" for r in RANKS if r in wanted)
    return {"text": f"已核定：{words}", "before": before, "after": after,
            **await rescan_persons(session, [], session_today(session), also=[item.unit_id])}


async def _write_unit(session: AsyncSession, unit_id: int, scope: str,
                      wanted: dict[str, int]) -> tuple[dict[str, int | None], str, int]:
    state = await load_unit(session, unit_id=unit_id)
    assert state is not None
    posts = dict(state.record.posts)
    before: dict[str, int | None] = {r: posts.get((scope, r), 0) for r in RANKS}
    posts.update({(scope, rank): number for rank, number in wanted.items()})
    try:
        await save_unit(session, state=state, record=replace(state.record, posts=posts))
    except EditConflict:
        refuse(STALE)
    return before, "unit", unit_id


async def _write_body(session: AsyncSession, item: Item, wanted: dict[str, int]) -> tuple[dict[str, int | None],
                                                                                          str, int]:
    body = await body_of(session, item.unit_id, item.payload.get("body_id"))
    unit = await unit_brief(session, item.unit_id)
    before: dict[str, int | None] = {"chief": body.chief_posts, "deputy": body.deputy_posts}
    record = BodyRecord(unit.code, body.code, body.name, body.grade, wanted.get("chief", body.chief_posts),
                        wanted.get("deputy", body.deputy_posts), body.approved_on, body.approval_doc, body.status)
    await write_bodies(session, [record], {unit.code: unit.id})
    return before, "internal_body", int(body.id)


POSTS_KIND = register(Kind(POSTS, "核职", (OFFICER_CHECK, SECOND_OFFICER, LEADER_DECIDES), check, apply,
                           review=True))
