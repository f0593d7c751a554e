"""Reading the roster: the months imported as a reader sees them, and the latest month.

A reader with a scope sees a batch when it pays someone in the scope, or when the reader uploaded
it (a refused file has no entries); ``in_scope`` counts the batch's entries inside the scope, so a
county's 财政局 reads its own figures even in a roster the city imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.names import names_for
from models.payroll.tables import PAYROLL_BATCH as B
from models.payroll.tables import PAYROLL_ENTRY as E
from models.payroll.tables import month_label
from models.staffing.scope import Scope
from models.staffing.tables import PERSON as P
from models.staffing.tables import UNIT

STATUS_LABELS = {"active": "当前名单", "replaced": "已被替换", "refused": "有错误，未导入"}


@dataclass(frozen=True)
class BatchView:
    id: int
    month: date
    status: str
    source_name: str
    rows: int
    errors: int
    in_scope: int
    uploaded_by: str
    uploader: str  # the name pages show, never the login
    uploaded_at: datetime
    replaced_at: datetime | None
    problems: list[str]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def month_label(self) -> str:
        return month_label(self.month)


def _visible(scope: Scope, viewer: str | None) -> Select[Any]:
    counted = (select(E.c.batch_id, func.count().label("n")).select_from(E.join(UNIT, UNIT.c.id == E.c.unit_id))
               .where(scope.condition()).group_by(E.c.batch_id).subquery())
    in_scope = func.coalesce(counted.c.n, 0)
    seen = [true()] if scope.everything else [in_scope > 0, *([B.c.uploaded_by == viewer] if viewer else [])]
    return (select(B.c.id, B.c.month, B.c.status, B.c.source_name, B.c.rows, B.c.errors, in_scope.label("in_scope"),
                   B.c.uploaded_by, B.c.uploaded_at, B.c.replaced_at, B.c.problems)
            .outerjoin(counted, counted.c.batch_id == B.c.id).where(or_(*seen)))


async def _views(session: AsyncSession, query: Select[Any]) -> list[BatchView]:
    rows = (await session.execute(query)).all()
    names = await names_for(session, logins={r.uploaded_by for r in rows})
    return [BatchView(**r._mapping, uploader=names[r.uploaded_by]) for r in rows]


async def list_batches(session: AsyncSession, *, scope: Scope, viewer: str | None = None,
                       limit: int = 36) -> list[BatchView]:
    """The batches the reader sees, newest month first (within a month, newest upload first)."""
    query = _visible(scope, viewer).order_by(B.c.month.desc(), B.c.id.desc()).limit(limit)
    return await _views(session, query)


async def get_batch(session: AsyncSession, *, batch_id: int, scope: Scope,
                    viewer: str | None = None) -> BatchView | None:
    found = await _views(session, _visible(scope, viewer).where(B.c.id == batch_id))
    return found[0] if found else None


async def latest_month(session: AsyncSession) -> date | None:
    """The latest month with a roster: the one the D4 rules compare."""
    month: date | None = await session.scalar(select(func.max(B.c.active_month)))
    return month


@dataclass(frozen=True)
class BookedPerson:
    """A person record as a roster is compared with it (the demo builds its roster from these)."""

    unit_id: int
    unit_code: str
    id_hash: str
    id_masked: str
    name: str
    est_type: str | None
    status: str
    in_est: bool
    entry_date: date | None
    exit_date: date | None


async def booked_persons(session: AsyncSession, *, root_code: str) -> list[BookedPerson]:
    """Every person record of the unit ``root_code`` and its subtree, in record order."""
    root = select(UNIT.c.path).where(UNIT.c.code == root_code).scalar_subquery()
    query = (select(P.c.unit_id, UNIT.c.code.label("unit_code"), P.c.id_hash, P.c.id_masked, P.c.name, P.c.est_type,
                    P.c.status, P.c.in_est, P.c.entry_date, P.c.exit_date)
             .join(UNIT, UNIT.c.id == P.c.unit_id).where(UNIT.c.path.startswith(root)).order_by(P.c.id))
    return [BookedPerson(**row._mapping) for row in await session.execute(query)]
