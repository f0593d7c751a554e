"""One person's record as the portal shows it, with its history (人员历史轨迹), all in words.

Everything here is what a reader sees: masked ID number and mobile, field names and values in
Chinese (vocabulary labels, unit names instead of ids, 在编/出编), sources and actors by name.
Who an account is lives in the accounts domain, so the actors' names come in as a mapping
(``models.accounts.names.event_actor_names``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.enums import EstType, Identity, LeaderKind, PersonStatus, Sex, label
from models.staffing.ids import mask_mobile
from models.staffing.persons import PROFILE_FIELDS
from models.staffing.scope import Scope
from models.staffing.tables import INTERNAL_BODY as BODY
from models.staffing.tables import PERSON, UNIT
from models.staffing.tables import PERSON_EVENT as EVENT

FIELD_LABELS = {
    "name": "姓名", "sex": "性别", "birth_date": "出生日期", "est_type": "编制类型", "identity": "人员身份",
    "status": "人员状态", "in_est": "在编状态", "entry_date": "入编日期", "exit_date": "离岗日期",
    "post_unit_id": "任职机构", "post_title": "现任职务", "leader_kind": "领导职务类别", "appoint_date": "任职日期",
    "appoint_doc": "任职文号", "education": "学历", "pro_title": "职称", "mobile": "手机号",
    "retire_age_months": "退休年龄", "retire_basis": "退休年龄特殊规定", "id_number": "身份证号",
    "body_id": "任职内设机构",
}
VOCABULARIES: dict[str, type[StrEnum]] = {"sex": Sex, "est_type": EstType, "identity": Identity,
                                          "status": PersonStatus, "leader_kind": LeaderKind}
SOURCE_LABELS = {"import": "批量导入", "portal": "门户", "bot": "机器人", "seed": "演示数据", "system": "系统"}
KIND_LABELS = {"create": "建档", "update": "变更"}
EMPTY = "（空）"
UNKNOWN_ACTOR = "其他用户"  # never the login itself


@dataclass(frozen=True)
class PersonView:
    id: int
    unit_id: int
    unit_name: str
    name: str
    id_masked: str
    sex: str | None
    birth_date: date | None
    est_type: str | None
    in_est: bool
    status: str
    exit_date: date | None
    entry_date: date | None
    post_unit_name: str | None
    post_title: str | None
    leader_kind: str
    appoint_date: date | None
    appoint_doc: str | None
    education: str | None
    mobile_masked: str | None
    retire_on: date | None
    retire_basis: str | None
    missing: tuple[str, ...]  # profile fields an in-establishment person still lacks
    body_name: str | None = None  # 任职内设机构


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # 建档 / 变更
    source: str  # 批量导入 / 门户 / …
    who: str  # a person's name, or what did it (never a login)
    changes: tuple[Change, ...]
    reviewer: str | None = None  # who confirmed a reviewed change (二人复核), by name


async def person_in_scope(session: AsyncSession, *, scope: Scope, person_id: int) -> PersonView | None:
    post = UNIT.alias("post")
    query = (select(PERSON, UNIT.c.name.label("unit_name"), post.c.name.label("post_unit_name"),
                    BODY.c.name.label("body_name"))
             .join(UNIT, UNIT.c.id == PERSON.c.unit_id).outerjoin(post, post.c.id == PERSON.c.post_unit_id)
             .outerjoin(BODY, BODY.c.id == PERSON.c.body_id)
             .where(PERSON.c.id == person_id, scope.condition()))
    row = (await session.execute(query)).first()
    return _view(row._mapping) if row else None


def _view(row: RowMapping) -> PersonView:
    missing = tuple(title for name, title in PROFILE_FIELDS.items() if row[name] is None) if row["in_est"] else ()
    names = [name for name in PersonView.__dataclass_fields__ if name != "missing"]
    return PersonView(**{name: row[name] for name in names}, missing=missing)


async def person_history(session: AsyncSession, *, person_id: int,
                         actor_names: Mapping[str, str]) -> list[HistoryEntry]:
    """The events of a person, newest first, in words; ``actor_names`` maps recorded actors to what a
    page shows for them (``models.accounts.names.event_actor_names``)."""
    rows = (await session.execute(select(EVENT).where(EVENT.c.person_id == person_id)
                                  .order_by(EVENT.c.id.desc()))).all()
    units = await _unit_names(session, [r.changes or {} for r in rows])
    bodies = await _body_names(session, [r.changes or {} for r in rows])
    return [HistoryEntry(r.at, KIND_LABELS.get(r.kind, "变更"), source_label(r.source),
                         actor_names.get(r.actor, UNKNOWN_ACTOR), _changes(r.changes or {}, units, bodies),
                         actor_names.get(r.reviewer, UNKNOWN_ACTOR) if r.reviewer else None) for r in rows]


def source_label(source: str) -> str:
    """Where a change came from, in words; an approval item's events name it ("item12": 审批事项 #12)."""
    if source.startswith("item"):
        return f"审批事项 #{source[4:]}" if source[4:].isdigit() else "审批事项"
    return SOURCE_LABELS.get(source, "其他")


async def _unit_names(session: AsyncSession, changes: list[dict[str, Any]]) -> dict[int, str]:
    ids = {v for c in changes for v in c.get("post_unit_id", ()) if isinstance(v, int)}
    if not ids:
        return {}
    result = await session.execute(select(UNIT.c.id, UNIT.c.name).where(UNIT.c.id.in_(ids)))
    return {r.id: r.name for r in result}


async def _body_names(session: AsyncSession, changes: list[dict[str, Any]]) -> dict[int, str]:
    ids = {v for c in changes for v in c.get("body_id", ()) if isinstance(v, int)}
    if not ids:
        return {}
    return {r.id: r.name for r in await session.execute(select(BODY.c.id, BODY.c.name).where(BODY.c.id.in_(ids)))}


def _changes(changes: dict[str, Any], units: Mapping[int, str], bodies: Mapping[int, str]) -> tuple[Change, ...]:
    return tuple(Change(FIELD_LABELS.get(name, "其他信息"), shown(name, pair[0], units, bodies),
                        shown(name, pair[1], units, bodies)) for name, pair in changes.items())


def shown(name: str, value: Any, units: Mapping[int, str], bodies: Mapping[int, str] | None = None) -> str:
    """A stored value of field ``name`` as a reader reads it."""
    if value is None or value == "":
        return EMPTY
    if name == "body_id":
        return (bodies or {}).get(value, "原内设机构")
    if name in VOCABULARIES:
        return label(VOCABULARIES[name], str(value))
    if name == "in_est":
        return "在编" if value else "出编"
    if name == "post_unit_id":
        return units.get(value, "（机构已撤销）")
    if name == "mobile":
        return mask_mobile(str(value))  # events keep the mask of their time; show today's
    if name == "retire_age_months":
        years, months = divmod(int(value), 12)
        return f"{years}岁{months}个月" if months else f"{years}岁"
    return str(value)
