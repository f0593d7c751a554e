"""D4 吃空饷 risk (domain §9 D4): 财政's payroll roster (工资统发名单) against the 在编 records.

Every rule reads the roster of the latest month imported (the month's active batch,
:mod:`models.payroll.tables`); with no roster they find nothing. Roster and records meet on the
keyed ID hash, never on a clear ID number, and within the paying unit: a person paid by a unit is
expected on that unit's books.

Persons paid but not on the books (D4_PAID_NO_EST) and persons paid twice (D4_PAID_TWICE) may have
no record at all, so their warnings belong to the paying unit, keyed by the ID hash (stable across
re-imports of a month); the other two are about a person record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ScalarSelect, Select, and_, func, or_, select

from models.payroll.tables import PAYROLL_BATCH as B
from models.payroll.tables import PAYROLL_ENTRY as E
from models.payroll.tables import month_label
from models.staffing.tables import PERSON, UNIT
from models.warnings.rules.base import RuleContext, RuleDef
from models.warnings.rules.common import person_hit, unit_hit
from models.warnings.rules.retirement import EXIT_LABELS
from models.warnings.rules.sql import active

ONLY_WITH_ROSTER = "只核对最近导入的一个月的工资统发名单；未导入名单时不产生此类预警。"


def latest_month() -> ScalarSelect[Any]:
    """The latest month with a roster (None without one)."""
    return select(func.max(B.c.active_month)).scalar_subquery()


def latest_batch() -> ScalarSelect[Any]:
    return select(B.c.id).where(B.c.active_month == latest_month()).scalar_subquery()


def with_roster(query: Select[Any]) -> Select[Any]:
    """Only when a roster exists: evaluated once (PostgreSQL's one-time filter), so without one a
    rule costs nothing instead of an index probe per person."""
    return query.where(latest_batch().is_not(None))


def _entry_evidence() -> tuple[Any, ...]:
    return (E.c.name.label("ev_name"), E.c.id_masked.label("ev_id"), E.c.month.label("ev_month"),
            E.c.pay_category.label("ev_category"))


def _est_unit() -> ScalarSelect[Any]:
    """Where the paid person is 在编 and in service, if anywhere (the first unit by name)."""
    return (select(func.min(UNIT.c.name)).select_from(PERSON.join(UNIT, UNIT.c.id == PERSON.c.unit_id))
            .where(PERSON.c.id_hash == E.c.id_hash, active()).scalar_subquery())


def _paid_not_on_books(ctx: RuleContext) -> Select[Any]:
    # A record of the paying unit that has left (退休, 调出 …) is D4_PAID_AFTER_EXIT's, not this rule's.
    booked = select(PERSON.c.id).where(PERSON.c.id_hash == E.c.id_hash, PERSON.c.unit_id == E.c.unit_id,
                                       or_(PERSON.c.in_est.is_(True), PERSON.c.status != "active")).exists()
    query = unit_hit(ctx, E.c.unit_id, E.c.id_hash, *_entry_evidence(), _est_unit().label("ev_est_unit"), source=E)
    return with_roster(query.where(E.c.batch_id == latest_batch(), ~booked))


def _on_books_unpaid(ctx: RuleContext) -> Select[Any]:
    # Only units the roster pays anyone in (统发单位), and only persons who entered before the month.
    batch, month = latest_batch(), latest_month()
    paid = select(E.c.id).where(E.c.batch_id == batch, E.c.unit_id == PERSON.c.unit_id,
                                E.c.id_hash == PERSON.c.id_hash).exists()
    paying_unit = select(E.c.id).where(E.c.batch_id == batch, E.c.unit_id == PERSON.c.unit_id).exists()
    query = person_hit(ctx, month.label("ev_month"))
    entered = or_(PERSON.c.entry_date.is_(None), PERSON.c.entry_date < month)
    return with_roster(query.where(active(), paying_unit, ~paid, entered))


def _paid_twice(ctx: RuleContext) -> Select[Any]:
    other = E.alias("other")
    same_person = and_(other.c.batch_id == E.c.batch_id, other.c.id_hash == E.c.id_hash)
    units = select(func.count()).where(same_person).scalar_subquery()
    elsewhere = select(other.c.id).where(same_person, other.c.unit_id != E.c.unit_id).exists()
    query = unit_hit(ctx, E.c.unit_id, E.c.id_hash, *_entry_evidence(), units.label("ev_units"), source=E)
    return with_roster(query.where(E.c.batch_id == latest_batch(), elsewhere))


def _paid_after_leaving(ctx: RuleContext) -> Select[Any]:
    # Pay for the month a person leaves in is due; pay for a later month is not.
    query = person_hit(ctx, PERSON.c.status.label("ev_status"), PERSON.c.exit_date.label("ev_exit"),
                       E.c.month.label("ev_month"), E.c.pay_category.label("ev_category"))
    query = query.join(E, and_(E.c.unit_id == PERSON.c.unit_id, E.c.id_hash == PERSON.c.id_hash))
    left = or_(PERSON.c.exit_date.is_(None), PERSON.c.exit_date < E.c.month)
    return with_roster(query.where(E.c.batch_id == latest_batch(), PERSON.c.status != "active", left))


def month_of(evidence: dict[str, Any]) -> str:
    """The evidence's roster month as 2026年11月."""
    return month_label(date.fromisoformat(str(evidence["month"])))


def _not_on_books(e: dict[str, Any]) -> str:
    where = f"（在编于{e['est_unit']}）" if e.get("est_unit") else ""
    return f"列入{month_of(e)}工资统发名单，本单位无其在编记录{where}"


def _after_leaving(e: dict[str, Any]) -> str:
    since = f"已于{e['exit']}" if e.get("exit") else "已"
    return f"{since}{EXIT_LABELS.get(e['status'], '离岗')}，仍列入{month_of(e)}工资统发名单"


RULES = [
    RuleDef("D4_PAID_NO_EST", "发薪但无在编记录", "S1",
            "财政统发工资的人员应在发薪单位有在编记录；无编发薪、编外人员列入统发名单属吃空饷风险。" + ONLY_WITH_ROSTER,
            "D", _paid_not_on_books, _not_on_books, deadline_days=5, subject="unit"),
    RuleDef("D4_EST_UNPAID", "在编未发薪", "S1",
            "在编在职人员应列入本单位工资统发名单；在编不发薪多为人员已离岗而未出编（空挂编制）。"
            "只核对名单中有发薪人员的单位，该月及以后入编的人员不计。" + ONLY_WITH_ROSTER,
            "D", _on_books_unpaid, lambda e: f"在编在职，未列入{month_of(e)}工资统发名单", deadline_days=5),
    RuleDef("D4_PAID_TWICE", "多单位发薪", "S1",
            "同一人员不得在两个单位同时领取工资（如借调期间双重发薪）。" + ONLY_WITH_ROSTER,
            "D", _paid_twice, lambda e: f"同一身份证号在{e['units']}个单位同时发薪（{month_of(e)}）",
            deadline_days=5, subject="unit"),
    RuleDef("D4_PAID_AFTER_EXIT", "退休、出编或死亡后仍发薪", "S1",
            "人员退休、调出、辞职、辞退、开除或死亡后应停发工资；离岗当月的工资不计。" + ONLY_WITH_ROSTER,
            "D", _paid_after_leaving, _after_leaving, deadline_days=5),
]
