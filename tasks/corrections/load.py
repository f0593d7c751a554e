"""Reading what a correction form shows: the warning's plan, the record it edits, the inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.core.crypto import FieldCipher
from models.core.enums import PersonStatus, label
from models.staffing.changes import pending_for
from models.staffing.edits import PersonState, UnitState, load_person, load_unit, persons_in_scope, unit_choices
from models.staffing.persons import PROFILE_FIELDS
from models.staffing.scope import Scope
from models.warnings.corrections import FixPlan, plan_for
from models.warnings.evidence import same_person_records
from models.warnings.query import WarningRow
from tasks.corrections.form import FormField, form_fields

GONE = "该预警涉及的记录已不存在，无法更正"


@dataclass(frozen=True)
class Choice:
    """A record sharing the warning's ID number (一人多编): which one leaves."""

    person_id: int
    unit_name: str
    in_est: bool
    status: str
    entry: str
    selectable: bool  # inside the corrector's scope and still 在编


@dataclass
class CorrectionForm:
    warning: WarningRow
    plan: FixPlan
    subject: PersonState | UnitState | None
    fields: list[FormField] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    pending_id: int | None = None  # a change of this record already waiting for review

    @property
    def version(self) -> int:
        return self.subject.version if self.subject is not None else 0


async def load_form(session: AsyncSession, cipher: FieldCipher, *, scope: Scope, warning: WarningRow,
                    typed: dict[str, str] | None = None) -> CorrectionForm:
    """The form for ``warning``: its plan, the record as stored, the inputs (``typed``: as submitted)."""
    if warning.person_id is not None:
        person = await load_person(session, cipher, person_id=warning.person_id)
        if person is None:
            return CorrectionForm(warning, FixPlan("none", (), GONE), None)
        plan = plan_for(warning.rule_code, warning.evidence, _missing(person))
        form = CorrectionForm(warning, plan, person)
        if plan.subject == "pick":
            form.choices = await _choices(session, scope, warning.person_id)
        units = await unit_choices(session, scope=scope, unit_id=person.unit_id, keep=[person.post_unit_id]) \
            if "post_unit_code" in plan.fields else None
        form.fields = form_fields(person.record, plan.fields, typed, units) if plan.subject == "person" else []
    else:
        unit = await load_unit(session, unit_id=warning.unit_id)
        plan = plan_for(warning.rule_code, warning.evidence)
        form = CorrectionForm(warning, plan if unit else FixPlan("none", (), GONE), unit)
        form.fields = form_fields(unit.record, plan.fields, typed) if unit and plan.subject == "unit" else []
    form.pending_id = await pending_of(session, form)
    return form


def _missing(person: PersonState) -> list[str]:
    """The profile columns A10 counts as empty (the record's in clear; ``mobile_hash`` is the mobile)."""
    record: Any = person.record
    names = {"post_unit_id": "post_unit_code", "mobile_hash": "mobile"}
    return [column for column in PROFILE_FIELDS if getattr(record, names.get(column, column)) in (None, "")]


async def _choices(session: AsyncSession, scope: Scope, person_id: int) -> list[Choice]:
    records = await same_person_records(session, person_id=person_id)
    visible = await persons_in_scope(session, scope=scope, person_ids=[r.id for r in records])
    return [Choice(r.id, r.unit_name, r.in_est, label(PersonStatus, r.status), str(r.entry_date or "—"),
                   r.id in visible and r.in_est) for r in records]


async def pending_of(session: AsyncSession, form: CorrectionForm) -> int | None:
    """The change of the form's record waiting for review, if any (one per record at a time)."""
    if form.subject is None:
        return None
    key = f"p{form.subject.id}" if isinstance(form.subject, PersonState) else f"u{form.subject.id}"
    return await pending_for(session, open_key=key)
