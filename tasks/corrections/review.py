"""二人复核 on the tasks side: queueing a sensitive correction with its notice, and the second
officer's decision: confirm (the change is applied then, with both names, and the rules re-run)
or reject (with a reason the requester reads). Both go through the decision step, so a double tap
acts once; applying is an effect of the confirmation and commits with it, or not at all.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.change_notices import ChangeNotice
from models.accounts.permissions import Action, require
from models.core.db import database_busy, transaction
from models.core.decision import Actor, DecisionError, Effect
from models.core.runtime import Runtime
from models.notify.marks import scan_and_mark
from models.staffing.changes import ChangeRequest, ChangeView, change_in_scope, decide_change, request_change
from models.staffing.edits import load_person, load_unit, save_person, save_unit
from models.staffing.records import PersonRecord, UnitRecord
from models.staffing.scope import Scope
from models.warnings.query import get_warning
from models.warnings.scan import ScanBusy
from models.warnings.scope import units_of_persons
from tasks.corrections import notices

EVERYTHING = Scope(everything=True)
STALE = "该记录在提交更正后已被修改，无法按原内容生效：请退回，由提交人核对后重新提交"
SCAN_LATER = "正在进行定期扫描，预警状态将在扫描完成后自动更新"
APPLIED = "已复核，更正已生效"
REJECTED = "已退回，提交人会收到通知"


def value_of(record: PersonRecord | UnitRecord, name: str) -> Any:
    """A record's value of ``name``: a field, ``quotas.XZ`` or ``posts.unit.deputy`` (0 when unset)."""
    parts = name.split(".")
    if parts[0] == "quotas" and isinstance(record, UnitRecord):
        return record.quotas.get(parts[1], 0)
    if parts[0] == "posts" and isinstance(record, UnitRecord):
        return record.posts.get((parts[1], parts[2]), 0)
    return getattr(record, name)


def with_values(record: Any, values: dict[str, Any]) -> Any:
    """``record`` with ``values`` (same names as :func:`value_of`) set."""
    if not isinstance(record, UnitRecord):
        return replace(record, **values)
    quotas, posts, plain = dict(record.quotas), dict(record.posts), {}
    for name, value in values.items():
        parts = name.split(".")
        if parts[0] == "quotas":
            quotas[parts[1]] = value
        elif parts[0] == "posts":
            posts[(parts[1], parts[2])] = value
        else:
            plain[name] = value
    return replace(record, quotas=quotas, posts=posts, **plain)


async def queue_change(session: AsyncSession, rt: Runtime, change: ChangeRequest) -> tuple[int, bool]:
    """Queue ``change`` (or find the same one already queued: ``False``) and tell the reviewers of a new one."""
    change_id, new = await request_change(session, change)
    if new:
        view = await change_in_scope(session, scope=EVERYTHING, change_id=change_id)
        assert view is not None
        await notices.requested_effect(_notice(rt, view, change.actor, change.reason or ""), change_id=change_id,
                                       unit_id=view.unit_id, requester=change.actor.login,
                                       warning_id=view.warning_id)(session)
    return change_id, new


def _notice(rt: Runtime, view: ChangeView, actor: Actor, text: str) -> ChangeNotice:
    return notices.notice(rt.settings, unit=view.unit_name, who=view.person_name, rows=view.rows(), actor=actor,
                          text=text, change_id=view.id)


async def decide_pending(rt: Runtime, *, view: ChangeView, move: str, actor: Actor, note: str, source: str,
                         today: date) -> str:
    """Confirm or reject ``view``; returns what happened, in words (with the warning's state after a
    confirmation: the rules are re-run at once)."""
    require(actor.role, Action.CONFIRM_CHANGE)
    effects: list[Effect] = [_apply(rt, view, actor, source)] if move == "confirm" else []
    effects.append(notices.decided_effect(_notice(rt, view, actor, note), change_id=view.id, unit_id=view.unit_id,
                                          requester=view.requested_by, warning_id=view.warning_id,
                                          applied=move == "confirm"))
    async with transaction(rt.sessions) as session:
        await decide_change(session, view, move, actor, note=note, effects=effects)
    if move != "confirm":
        return REJECTED
    async with rt.sessions() as session:
        units = await units_of_persons(session, person_ids=[view.person_id]) if view.person_id else set()
    note_after = await rescan(rt, units | {view.unit_id}, today)
    if note_after is not None or view.warning_id is None:
        return f"{APPLIED}。{note_after or ''}".rstrip("。") + "。"
    async with rt.sessions() as session:
        warning = await get_warning(session, scope=EVERYTHING, warning_id=view.warning_id, today=today)
    solved = warning is not None and warning.status in ("resolved", "exception")
    return f"{APPLIED}，{'预警已消除' if solved else '预警尚未消除，请继续更正'}。"


def _apply(rt: Runtime, view: ChangeView, reviewer: Actor, source: str) -> Effect:
    """The confirmed change, written as the requester's with the reviewer named (refused if stale)."""
    async def effect(session: AsyncSession) -> None:
        after = {name: pair[1] for name, pair in view.changes.items()}
        if view.person_id is not None:
            person = await load_person(session, rt.cipher, person_id=view.person_id)
            if person is None or _stale(person.record, view):
                raise DecisionError(STALE)
            await save_person(session, rt.cipher, state=person, record=with_values(person.record, after),
                              source=source, actor=view.requested_by, reviewer=reviewer.login)
            return
        unit = await load_unit(session, unit_id=view.unit_id)
        if unit is None or _stale(unit.record, view):
            raise DecisionError(STALE)
        await save_unit(session, state=unit, record=with_values(unit.record, after))
    return effect


def _stale(record: PersonRecord | UnitRecord, view: ChangeView) -> bool:
    return any(value_of(record, name) != pair[0] for name, pair in view.changes.items())


async def rescan(rt: Runtime, units: set[int], today: date) -> str | None:
    """A targeted scan of ``units`` in its own transaction; a note when it could not run now."""
    try:
        async with transaction(rt.sessions) as session:
            await scan_and_mark(session, as_of=today, units=sorted(units))
    except ScanBusy:
        return SCAN_LATER
    except Exception as error:
        if not database_busy(error):
            raise
        return SCAN_LATER
    return None
