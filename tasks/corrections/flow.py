"""A correction from the form to "预警已消除": check, save, queue what needs review, rescan at once.

1. The form is checked as an import row is (:mod:`tasks.corrections.form`); nothing is written on
   a bad value. A form read before someone else saved the record is refused (its version), unless
   it asks for nothing new: that is the second tap of a double submit, answered calmly.
2. One transaction writes the direct edits (one person event: source 门户 or 机器人, the actor),
   queues the sensitive ones as a pending change (二人复核) with its notice, and notes the
   correction on the warning's timeline.
3. A second transaction runs a targeted scan of the units the record takes part in, before and
   after the change (:func:`models.notify.marks.scan_and_mark` with ``units``), so the same
   response says whether the warning is resolved and what is still wrong. If another scan holds
   the lock too long, the correction stands and the next scheduled scan settles the warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, require
from models.core.db import transaction
from models.core.decision import Actor
from models.core.runtime import Runtime
from models.staffing.changes import ChangeRefused, ChangeRequest, field_label, is_sensitive
from models.staffing.edits import (
    EditConflict,
    EditRefused,
    PersonState,
    load_person,
    save_person,
    save_unit,
    unit_ids_of,
    unit_names,
)
from models.staffing.person_detail import FIELD_LABELS, shown
from models.staffing.scope import Scope
from models.warnings.corrections import live_warnings, record_correction
from models.warnings.query import WarningRow, get_warning
from models.warnings.scope import units_of_persons
from tasks.corrections.form import GENERAL, Checked, check_person, check_unit
from tasks.corrections.load import CorrectionForm, load_form
from tasks.corrections.review import queue_change, rescan, value_of, with_values

CONFLICT = "该记录刚被他人修改，下面已换成最新内容，请核对后重新提交"
UNCHANGED = "没有修改任何内容"
SHOW_BELOW = "请修改下方标红的内容"
FORM_KEYS = ("base", "_csrf", "link", "via")


@dataclass
class Outcome:
    form: CorrectionForm
    errors: dict[str, str] = field(default_factory=dict)  # field-less problems; field ones sit on the fields
    applied: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after) in words
    pending_id: int | None = None
    already: bool = False  # a second submit of what is already saved or queued
    warning: WarningRow | None = None  # as it stands after the rescan
    remaining: list[WarningRow] = field(default_factory=list)  # other live warnings of the same record
    scan_note: str | None = None

    @property
    def refused(self) -> bool:
        return bool(self.errors) or any(f.error for f in self.form.fields)

    @property
    def resolved(self) -> bool:
        return self.warning is not None and self.warning.status in ("resolved", "exception")


@dataclass(frozen=True)
class Request:
    scope: Scope
    actor: Actor
    source: str  # portal / bot
    today: date


async def correct(rt: Runtime, request: Request, warning: WarningRow, form: dict[str, str]) -> Outcome:
    """Apply one submitted correction form of ``warning`` (see the module docstring)."""
    require(request.actor.role, Action.CORRECT_RECORD)
    async with rt.sessions() as session:
        current = await load_form(session, rt.cipher, scope=request.scope, warning=warning)
        checked = await _check(session, current, form, request.today)
    problem = _refusal(current, checked, form)
    if problem is not None:
        return await _refused(rt, request, warning, form, problem)
    outcome = Outcome(current, already=not checked.edits)
    try:
        units = await _save(rt, request, current, checked, outcome) if checked.edits else await _units(rt, current)
    except EditRefused as error:
        return await _refused(rt, request, warning, form, {error.field: str(error)})
    except ChangeRefused as error:
        return await _refused(rt, request, warning, form, {GENERAL: str(error)})
    except EditConflict:
        return await _refused(rt, request, warning, None, {GENERAL: CONFLICT})
    outcome.scan_note = await rescan(rt, units, request.today)
    await _settle(rt, request, outcome)
    return outcome


async def _check(session: AsyncSession, current: CorrectionForm, form: dict[str, str], today: date) -> Checked:
    subject, plan = current.subject, current.plan
    if plan.subject == "pick":
        chosen = form.get("leave", "")
        ok = any(str(c.person_id) == chosen and c.selectable for c in current.choices)
        return Checked(None, [chosen] if ok else [])
    if plan.subject == "person" and isinstance(subject, PersonState):
        record = subject.record
        unit_ids = await unit_ids_of(session, [record.unit_code, record.post_unit_code, form.get("post_unit_code")])
        return check_person(record, plan.fields, form, unit_ids=unit_ids, today=today)
    if plan.subject == "unit" and subject is not None and not isinstance(subject, PersonState):
        return check_unit(subject.record, plan.fields, form)
    return Checked(None, [], {GENERAL: plan.hint})


def _refusal(current: CorrectionForm, checked: Checked, form: dict[str, str]) -> dict[str, str] | None:
    if checked.errors:
        return checked.errors
    stale = form.get("base", "") != str(current.version)
    if stale and checked.edits and current.plan.subject != "pick":
        return {GENERAL: CONFLICT}
    if not checked.edits and not stale:
        return {GENERAL: "请选择应当出编的记录" if current.plan.subject == "pick" else UNCHANGED}
    return None


async def _refused(rt: Runtime, request: Request, warning: WarningRow, form: dict[str, str] | None,
                   errors: dict[str, str]) -> Outcome:
    """The form again, as typed (``form``) or as now stored (``None``), with the reasons."""
    typed = {k: v for k, v in form.items() if k not in FORM_KEYS} if form else None
    async with rt.sessions() as session:
        again = await load_form(session, rt.cipher, scope=request.scope, warning=warning, typed=typed)
    names = {f.name for f in again.fields}
    for item in again.fields:
        item.error = errors.get(item.name, "")
    general = {k: v for k, v in errors.items() if k not in names}
    return Outcome(again, errors=general or {GENERAL: SHOW_BELOW})


async def _save(rt: Runtime, request: Request, current: CorrectionForm, checked: Checked,
                outcome: Outcome) -> set[int]:
    """Step 2 of the module docstring; returns the units to rescan (before and after the change)."""
    direct = [f for f in checked.edits if not is_sensitive(f) and current.plan.subject != "pick"]
    sensitive = [f for f in checked.edits if f not in direct]
    async with transaction(rt.sessions) as session:
        units = await _units_in(session, current)
        if direct:
            outcome.applied = await _apply_direct(session, rt, request, current, checked, direct)
        queued = False
        if sensitive:
            change = await _change(session, rt, request, current, checked, sensitive)
            outcome.pending_id, queued = await queue_change(session, rt, change)
        outcome.already = not (outcome.applied or queued)  # the same pending change submitted again
        if not outcome.already:
            note = "；".join(f"{a}：{b} → {c}" for a, b, c in outcome.applied)
            await record_correction(session, warning_id=current.warning.id, actor=request.actor,
                                    source=request.source, note=note or "提交更正，待复核",
                                    pending_id=outcome.pending_id if queued else None)
        return units | await _units_in(session, current)


async def _units(rt: Runtime, current: CorrectionForm) -> set[int]:
    async with rt.sessions() as session:
        return await _units_in(session, current)


async def _units_in(session: AsyncSession, current: CorrectionForm) -> set[int]:
    if isinstance(current.subject, PersonState):
        return await units_of_persons(session, person_ids=[current.subject.id])
    return {current.warning.unit_id}


async def _apply_direct(session: AsyncSession, rt: Runtime, request: Request, current: CorrectionForm,
                        checked: Checked, direct: list[str]) -> list[tuple[str, str, str]]:
    subject = current.subject
    values = _values(checked.record, direct)
    if isinstance(subject, PersonState):
        changes = await save_person(session, rt.cipher, state=subject, record=with_values(subject.record, values),
                                    source=request.source, actor=request.actor.login)
        posts = [u for u in changes.get("post_unit_id", []) if isinstance(u, int)]
        names = await unit_names(session, unit_ids=posts) if posts else {}
        return [(FIELD_LABELS.get(k, "其他信息"), shown(k, v[0], names), shown(k, v[1], names))
                for k, v in changes.items()]
    assert subject is not None
    unit_changes = await save_unit(session, state=subject, record=with_values(subject.record, values))
    return [("统一社会信用代码" if k == "uscc" else field_label(k), str(v[0] or "（空）"), str(v[1] or "（空）"))
            for k, v in unit_changes.items()]


def _values(record: Any, names: list[str]) -> dict[str, Any]:
    """The new values of ``names`` (a 退休年龄特殊规定 is two record fields)."""
    values: dict[str, Any] = {}
    for name in names:
        for attr in (("retire_age_months", "retire_basis") if name == "retire_age" else (name,)):
            values[attr] = value_of(record, attr)
    return values


async def _change(session: AsyncSession, rt: Runtime, request: Request, current: CorrectionForm, checked: Checked,
                  sensitive: list[str]) -> ChangeRequest:
    """The pending change of the sensitive edits; for 一人多编, the chosen record leaving (出编)."""
    subject, warning = current.subject, current.warning
    if current.plan.subject == "pick":
        chosen = await load_person(session, rt.cipher, person_id=int(sensitive[0]))
        if chosen is None or not chosen.record.in_est:
            raise EditConflict
        return ChangeRequest("person", chosen.unit_id, chosen.id, warning.id, {"in_est": [True, False]},
                             request.source, request.actor)
    assert subject is not None
    changes = {f: [_plain(value_of(subject.record, f)), _plain(value_of(checked.record, f))] for f in sensitive}
    if isinstance(subject, PersonState):
        return ChangeRequest("person", subject.unit_id, subject.id, warning.id, changes, request.source,
                             request.actor)
    return ChangeRequest("unit", subject.id, None, warning.id, changes, request.source, request.actor)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def _settle(rt: Runtime, request: Request, outcome: Outcome) -> None:
    """The warning as it now stands, and what else is still wrong with the same record."""
    warning = outcome.form.warning
    async with rt.sessions() as session:
        outcome.warning = await get_warning(session, scope=request.scope, warning_id=warning.id, today=request.today)
        others = await live_warnings(session, today=request.today, person_id=warning.person_id,
                                     unit_id=warning.unit_id)
    outcome.remaining = [w for w in others if w.id != warning.id]
