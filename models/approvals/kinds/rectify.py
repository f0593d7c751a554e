"""整改销号: a unit reports a warning rectified; approving the item resolves the warning.

The pre-check asks the warning's rule about its subject again, on today's data
(``models.warnings.probe``), and refuses while the problem is still there — at filing and again at
the final approval, so nothing is closed that the data contradicts. If a scan resolved the warning
meanwhile (the data was fixed, the rule stopped finding it), approving simply closes the item.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Application, Figures, Kind, register
from models.approvals.kinds.common import EVERYTHING, OFFICER_CHECK, live_items, refuse, text_field
from models.approvals.tables import Item
from models.core.decision import Actor
from models.core.runtime import session_today
from models.warnings.actions import settle_by_item
from models.warnings.probe import still_found
from models.warnings.query import STATUS_LABELS, WarningRow, get_warning
from models.warnings.rules.catalogue import CATALOGUE

RECTIFY = "rectify"
FILABLE = ("open", "acknowledged")
CLOSED = ("resolved", "exception")


async def warning_of(session: AsyncSession, application: Application, today: date) -> WarningRow:
    """The application's warning, in the application's unit."""
    if application.warning_id is None:
        refuse("请选择预警")
    warning = await get_warning(session, scope=EVERYTHING, warning_id=application.warning_id, today=today)
    if warning is None or warning.unit_id != application.unit_id:
        refuse("该预警不属于本单位")
    return warning


async def check(session: AsyncSession, application: Application, today: date) -> Figures:
    warning = await warning_of(session, application, today)
    text_field(application.payload, "text", "整改情况", max_len=2000, required=False)
    figures = {"text": f"{warning.title}：{warning.summary}", "rule": warning.rule_code, "status": warning.status}
    if application.item_id is not None and warning.status in CLOSED:
        return figures  # closed meanwhile (a scan found the problem gone): approving closes the item
    if warning.status not in FILABLE:
        refuse(f"该预警当前为“{STATUS_LABELS.get(warning.status, warning.status)}”，不能申请整改销号")
    for other in await live_items(session, unit_id=application.unit_id, kind=RECTIFY, exclude=application.item_id):
        if other.warning_id == warning.id:
            refuse(f"该预警已有整改销号事项在审批中（事项 #{other.id}）")
    evidence = await still_found(session, rule_code=warning.rule_code, subject=warning.subject,
                                 unit_id=warning.unit_id, person_id=warning.person_id, as_of=today)
    if evidence is not None:
        refuse(f"数据中问题仍在：{CATALOGUE[warning.rule_code].summary(evidence)}。请先更正数据，再申请整改销号",
               {**figures, "evidence": evidence})
    return figures


async def apply(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    assert item.warning_id is not None and item.id is not None
    warning = await get_warning(session, scope=EVERYTHING, warning_id=item.warning_id, today=session_today(session))
    if warning is None or warning.status not in FILABLE:
        return {"status": warning.status if warning else None}
    await settle_by_item(session, warning, actor, move="rectify", item_id=item.id,
                         note=f"整改销号（事项 #{item.id}）")
    return {"status": "resolved"}


RECTIFY_KIND = register(Kind(RECTIFY, "整改销号", (OFFICER_CHECK,), check, apply))
