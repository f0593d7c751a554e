"""入编: a person enters the establishment against an approved 用编 (its ``basis_id``).

The pre-check reads the person as the importer reads a row (:mod:`.person_payload`) and refuses
without a basis of the same unit and type with a post left, a type the unit may not use, an entry
that would make the unit 超编 (rule C1), a person already 在编 here or in another unit (一人多编),
or a second 入编 of the same person being decided. Nothing is written until the item is approved:
then the record is created — or the unit's record of the same ID number updated (编外 → 在编) —
through the staffing writer, with a person event whose source names the item, and the rules re-run
on the units concerned.

Default flow: 科室初审 → 分管领导终审 → 财政局. Guiyang closes the loop 编制 → 人事 → 工资 with
finance signing last: 财政 starts pay (起薪) only for a person the establishment allows, and its
step is both the notice and the record that it was given.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Application, Figures, Kind, Step, register
from models.approvals.kinds.common import LEADER_DECIDES, OFFICER_CHECK, item_source, live_items, refuse, unit_brief
from models.approvals.kinds.person_payload import EnteringPerson, person_record
from models.approvals.kinds.quota import ENTER, Basis, bases_of, check_type, quota_room
from models.approvals.kinds.rescan import rescan_persons
from models.approvals.tables import ITEM, Item
from models.core.decision import Actor
from models.core.runtime import session_cipher, session_today
from models.staffing.edits import load_person, save_person, unit_ids_of
from models.staffing.person_writer import PersonWriter, WriteContext
from models.staffing.records import PersonRecord
from models.staffing.tables import PERSON, UNIT

FINANCE_STARTS_PAY = Step("财政局（起薪）", "finance")
KEPT = ("post_unit_code", "leader_kind", "body_code")  # an update keeps the record's post


async def check(session: AsyncSession, application: Application, today: date) -> Figures:
    unit = await unit_brief(session, application.unit_id)
    person = person_record(session_cipher(session), application.payload, unit_code=unit.code, today=today)
    est_type = str(person.record.est_type)
    basis = await _basis(session, application, est_type)
    await check_type(session, unit.id, est_type)
    room = await quota_room(session, unit.id, est_type, exclude_item=application.item_id, lock=True)
    if room.in_est + 1 > (room.approved or 0):
        refuse(f"入编后将超编：{room.sentence()}", room.figures())
    await _not_yet_in(session, application, person)
    return {**room.figures(), "basis_id": basis.item_id, "basis_count": basis.count, "basis_used": basis.used,
            "basis_claimed": basis.claimed, "person": person.record.name}


async def _basis(session: AsyncSession, application: Application, est_type: str) -> Basis:
    if application.basis_id is None:
        refuse("入编须依据本单位已批准的用编申请：请选择用编申请")
    found = await bases_of(session, application.unit_id, only=application.basis_id, exclude_item=application.item_id)
    if not found:
        refuse(f"事项 #{application.basis_id} 不是本单位已批准的用编申请")
    basis = found[0]
    if basis.est_type != est_type:
        refuse(f"用编申请 #{basis.item_id} 的编制类型与入编人员的编制类型不符")
    if basis.left < 1:
        refuse(f"用编申请 #{basis.item_id} 已批 {basis.count} 名，已入编 {basis.used} 名，待入编 {basis.claimed} 名，"
               "没有剩余名额", {"basis_id": basis.item_id, "basis_count": basis.count})
    return basis


async def _not_yet_in(session: AsyncSession, application: Application, person: EnteringPerson) -> None:
    """Refuse a person already 在编 (here or elsewhere: 一人多编) or already being entered here."""
    rows = await session.execute(select(PERSON.c.unit_id, UNIT.c.name).join(UNIT, UNIT.c.id == PERSON.c.unit_id)
                                 .where(PERSON.c.id_hash == person.id_hash, PERSON.c.in_est.is_(True),
                                        PERSON.c.est_type.is_not(None)))
    for unit_id, name in rows:
        if unit_id == application.unit_id:
            refuse("该人员已在本单位在编，无需入编")
        refuse(f"该人员在{name}仍在编：须先在该单位办理出编（调出），再办理入编")
    for other in await live_items(session, unit_id=application.unit_id, kind=ENTER, exclude=application.item_id):
        if other.payload.get("id_hash") == person.id_hash:
            refuse(f"该人员已有入编事项在审批中（事项 #{other.id}）")


async def apply(session: AsyncSession, item: Item, actor: Actor) -> Figures:
    """Create (or update) the record, link it to the item, re-run the rules."""
    today, cipher = session_today(session), session_cipher(session)
    unit = await unit_brief(session, item.unit_id)
    person = person_record(cipher, item.payload, unit_code=unit.code, today=today)
    existing = await session.scalar(select(PERSON.c.id).where(PERSON.c.unit_id == unit.id,
                                                              PERSON.c.id_hash == person.id_hash))
    if existing is None:
        person_id = await _create(session, item, person)
    else:
        person_id = await _update(session, item, actor, existing, person.record)
    await session.execute(update(ITEM).where(ITEM.c.id == item.id).values(person_id=person_id))
    others = await quota_room(session, unit.id, str(person.record.est_type), exclude_item=item.id)
    room = replace(others, unused=max(others.unused - 1, 0))  # the plan's post this entry took is 在编 now
    return {**room.figures(), "person_id": person_id, **await rescan_persons(session, [person_id], today)}


async def _create(session: AsyncSession, item: Item, person: EnteringPerson) -> int:
    units = await unit_ids_of(session, [person.record.unit_code])
    ctx = WriteContext(session_cipher(session), units, item_source(item.id), item.applicant)
    await PersonWriter(session, ctx).write([person.record])
    created = await session.scalar(select(PERSON.c.id).where(PERSON.c.unit_id == units[person.record.unit_code],
                                                             PERSON.c.id_hash == person.id_hash))
    assert created is not None
    return int(created)


async def _update(session: AsyncSession, item: Item, actor: Actor, person_id: int, entering: PersonRecord) -> int:
    """The unit's record of the same person (编外, or 出编 earlier) becomes 在编 with the item's fields;
    what the item leaves empty (mobile, post) stays as it was."""
    state = await load_person(session, session_cipher(session), person_id=person_id)
    assert state is not None
    given = {f.name: getattr(entering, f.name) for f in fields(entering)
             if getattr(entering, f.name) is not None and f.name not in KEPT}
    record = replace(state.record, **given, exit_date=None)
    await save_person(session, session_cipher(session), state=state, record=record, source=item_source(item.id),
                      actor=item.applicant, reviewer=actor.login)
    return person_id


ENTER_KIND = register(Kind(ENTER, "入编", (OFFICER_CHECK, LEADER_DECIDES, FINANCE_STARTS_PAY), check, apply,
                           holdable=True))
