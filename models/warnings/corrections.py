"""What a correction of a warning edits: each rule of the catalogue mapped to the record fields it
is about, and the warning's side of a correction (its timeline, what is still wrong afterwards).

Field names are the record's (:class:`models.staffing.records.PersonRecord` / ``UnitRecord``), as the
import templates name them: ``birth_date``, ``post_unit_code``, ``quotas.XZ``, ``posts.unit.deputy``.
A plan's ``subject`` says what the form edits: the warning's person, its unit, a choice among the
records sharing one ID number (``pick``, 一人多编), or nothing (``none``: the fix is not a field).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.decision import Actor
from models.staffing.tables import UNIT
from models.warnings.query import LIVE, WarningRow, to_row
from models.warnings.tables import WARNING as W
from models.warnings.tables import WarningEvent

IDENTITY = ("id_number", "birth_date", "sex")
LEAVING = ("in_est", "status", "exit_date")
REVIEWED = "（须另一名编办干部复核后生效）"
# A10's profile columns as record fields (the record holds the mobile and the post unit's code).
PROFILE_AS_RECORD = {"post_unit_id": "post_unit_code", "mobile_hash": "mobile"}
NOT_A_FIELD = "此类预警不能通过更正一条记录消除：请在预警页面提交情况说明，或通过批量导入更正。"


@dataclass(frozen=True)
class FixPlan:
    subject: str  # person / unit / pick / none
    fields: tuple[str, ...]
    hint: str


PLANS: dict[str, FixPlan] = {
    "A1_ID_INVALID": FixPlan("person", IDENTITY, "请对照身份证核对身份证号；出生日期、性别须与身份证号一致。"),
    "A2_ID_DATE": FixPlan("person", IDENTITY, "身份证号中的出生日期无效：请对照身份证核对。"),
    "A3_ID_MISMATCH": FixPlan("person", IDENTITY, "出生日期或性别与身份证号不一致：请核对证件，更正有误的一项。"),
    "A4_ID_LEGACY": FixPlan("person", IDENTITY, "请将15位旧身份证号更正为18位号码。"),
    "A6_DUPLICATE": FixPlan("pick", ("in_est",), "同一人员只能在一个单位在编：请选择应当出编的记录" + REVIEWED + "。"),
    "A8_USCC_INVALID": FixPlan("unit", ("uscc",), "请对照登记证书核对统一社会信用代码。"),
    "A9_USCC_KIND": FixPlan("unit", ("uscc",), "请核对统一社会信用代码；如机构类别有误，请通过机构导入更正。"),
    "A10_INCOMPLETE": FixPlan("person", (), "请补全缺少的信息。"),
    "A11_ENTRY_AGE": FixPlan("person", ("entry_date", "birth_date"), "请核对入编日期和出生日期。"),
    "B2_RETIRE_SOON": FixPlan("person", ("retire_age",),
                              "到期办理退休即可；经批准有退休年龄特殊规定（如弹性延迟退休）的，请在此填写。"),
    "B3_OVERDUE_RETIRE": FixPlan("person", ("status", "exit_date", "in_est", "retire_age"),
                                 "已退休的，请将人员状态改为退休、填写离岗日期并办理出编" + REVIEWED
                                 + "；经批准延迟退休的，请填写退休年龄特殊规定。"),
    "B5_RETIRED_IN_EST": FixPlan("person", LEAVING, "退休人员应办理出编" + REVIEWED + "；人员状态有误的请一并更正。"),
    "B6_EXIT_IN_EST": FixPlan("person", LEAVING,
                              "调出、辞职等人员应办理出编" + REVIEWED + "；人员状态有误的请一并更正。"),
    "C1_OVER_QUOTA": FixPlan("unit", ("quotas.{type}",), "已调出、退休的人员请在其预警中办理出编；核定编制数有误的，"
                             "可在此更正" + REVIEWED + "。"),
    "C2_AT_QUOTA": FixPlan("unit", ("quotas.{type}",), "核定编制数有误的，可在此更正" + REVIEWED + "。"),
    "C3_VACANCY": FixPlan("unit", ("quotas.{type}",), "核定编制数有误的，可在此更正" + REVIEWED + "。"),
    "C4_MIXED": FixPlan("person", ("est_type",), "编制类型须与机构类别相符" + REVIEWED + "。"),
    "C5_OVER_POSTS": FixPlan("unit", ("posts.{post}",), "多配的领导职务请在相应人员记录中调整；核定职数有误的，"
                             "可在此更正" + REVIEWED + "。"),
    "D1_POST_UNIT": FixPlan("person", ("post_unit_code", "post_title"),
                            "任职机构应与编制所在单位一致；借调、挂职的，请提交情况说明。"),
    "D2_POST_INFO": FixPlan("person", ("appoint_date", "appoint_doc", "post_title"), "请补全任职日期和任职文号。"),
    # D4: the roster is 财政's; a record fix applies only when the record is what is wrong.
    "D4_EST_UNPAID": FixPlan("person", LEAVING, "已离岗的人员应办理出编" + REVIEWED
                             + "；确在岗的，请与财政部门核对工资统发名单。"),
    "D4_PAID_AFTER_EXIT": FixPlan("person", ("status", "exit_date"),
                                  "已离岗人员应由财政部门停发工资；人员状态或离岗日期登记有误的，请在此更正。"),
}


def plan_for(rule_code: str, evidence: dict[str, Any], missing: list[str] | None = None) -> FixPlan:
    """The plan for one warning: the rule's fields, with the warning's own type or post filled in;
    for an incomplete record (A10) the profile columns still empty (``missing``, column names)."""
    plan = PLANS.get(rule_code)
    if plan is None:
        return FixPlan("none", (), NOT_A_FIELD)
    if rule_code == "A10_INCOMPLETE":
        return replace(plan, fields=tuple(PROFILE_AS_RECORD.get(c, c) for c in missing or ()))
    try:
        return replace(plan, fields=tuple(f.format(**evidence) for f in plan.fields))
    except (KeyError, IndexError):  # evidence of an older rule version
        return FixPlan("none", (), NOT_A_FIELD)


async def live_warnings(session: AsyncSession, *, today: date, person_id: int | None = None,
                        unit_id: int | None = None) -> list[WarningRow]:
    """The live warnings of a person (or the unit-level ones of a unit): what is still wrong."""
    query = (select(W, UNIT.c.code.label("unit_code"), UNIT.c.name.label("unit_name"))
             .join(UNIT, UNIT.c.id == W.c.unit_id).where(W.c.status.in_(LIVE)).order_by(W.c.severity, W.c.id))
    if person_id is not None:
        query = query.where(W.c.person_id == person_id)
    else:
        query = query.where(W.c.unit_id == unit_id, W.c.person_id.is_(None))
    return [to_row(row._mapping, today) for row in await session.execute(query)]


async def record_correction(session: AsyncSession, *, warning_id: int, actor: Actor, source: str, note: str,
                            pending_id: int | None = None) -> None:
    """The warning's timeline and the audit log: who corrected (or asked to correct) what, from where."""
    kind = "change_requested" if pending_id else "corrected"
    detail = {"source": source, **({"change_id": pending_id} if pending_id else {})}
    session.add(WarningEvent(warning_id=warning_id, kind=kind, actor=actor.login, note=note[:2000], detail=detail))
    await audit.record(session, actor=actor.login, action=f"warning.{kind}", object_type="warning",
                       object_id=warning_id, detail={"note": note, **detail}, ip=actor.ip)
