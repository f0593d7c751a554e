"""Writing the roster: a month's upload replaces the month's active batch in one transaction, or
is recorded as refused with its problems; and the units an importer may name in a file.

Replacing is a conditional UPDATE of the old batch (still the month's active one?) followed by the
new batch, whose ``active_month`` is unique: two uploads of the same month at once end with one
roster and a clear message to the other (:class:`RosterConflict`), never with both or neither.
A scoped importer (a county's 财政局) may name only units inside its scope, and may replace a
month only when every entry of the month's roster lies inside it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, not_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.bulk import insert_rows
from models.core.db import saved_id, utcnow
from models.payroll.tables import PAYROLL_BATCH as B
from models.payroll.tables import PAYROLL_ENTRY as E
from models.payroll.tables import PayrollBatch, month_label
from models.staffing.scope import Scope
from models.staffing.tables import UNIT

BUSY = "同一月份的名单刚刚被他人导入或替换，本次未导入：请刷新页面，确认后重新上传"
SHOWN_PROBLEMS = 50  # kept on a refused batch, for the page that reports it


class RosterConflict(Exception):
    """The upload cannot replace the month's roster; ``str()`` is the Chinese reason."""


@dataclass(frozen=True)
class Upload:
    month: date  # first day of the month
    source_name: str
    file_sha256: str
    actor: str  # login, or a system actor such as "cli"
    rows: int
    ip: str | None = None


@dataclass(frozen=True)
class Replaced:
    batch_id: int
    replaced_rows: int | None = None  # rows of the roster it replaced, None when the month had none
    unchanged: bool = False  # the same file was already the month's roster: nothing written


@dataclass(frozen=True)
class RosterUnits:
    """The units a file may name: by code, and by name (a name may belong to several units)."""

    codes: dict[str, int]
    names: dict[str, list[int]] = field(default_factory=dict)


async def roster_units(session: AsyncSession, *, scope: Scope) -> RosterUnits:
    rows = await session.execute(select(UNIT.c.id, UNIT.c.code, UNIT.c.name).where(scope.condition()))
    codes: dict[str, int] = {}
    names: dict[str, list[int]] = {}
    for unit_id, code, name in rows:
        codes[code] = unit_id
        names.setdefault(name, []).append(unit_id)
    return RosterUnits(codes, names)


async def record_refused(session: AsyncSession, *, upload: Upload, errors: int, problems: Sequence[str]) -> int:
    """A refused upload: a batch row with its error count and first problems, no entries."""
    batch = PayrollBatch(month=upload.month, status="refused", source_name=upload.source_name[:260],
                         file_sha256=upload.file_sha256, uploaded_by=upload.actor, rows=upload.rows,
                         errors=errors, problems=list(problems[:SHOWN_PROBLEMS]))
    session.add(batch)
    await session.flush()
    await audit.record(session, actor=upload.actor, action="payroll.refused", object_type="payroll_batch",
                       object_id=batch.id, ip=upload.ip, detail=_detail(upload, errors=errors))
    return saved_id(batch)


async def replace_month(session: AsyncSession, *, upload: Upload, entries: list[dict[str, Any]],
                        scope: Scope) -> Replaced:
    """Make ``entries`` the month's roster in the caller's transaction (see the module docstring)."""
    old = (await session.execute(select(B.c.id, B.c.file_sha256, B.c.rows)
                                 .where(B.c.active_month == upload.month))).first()
    if old is not None and old.file_sha256 == upload.file_sha256:
        return Replaced(old.id, old.rows, unchanged=True)
    if old is not None:
        await _retire(session, old.id, upload, scope)
    batch_id = await _add_batch(session, upload)
    await insert_rows(session, E, [{**entry, "batch_id": batch_id, "month": upload.month} for entry in entries])
    # Stamped last: an incremental scan starting while the entries were written must see it as new.
    await session.execute(update(B).where(B.c.id == batch_id).values(uploaded_at=utcnow()))
    replaced = old.rows if old is not None else None
    await audit.record(session, actor=upload.actor, action="payroll.import", object_type="payroll_batch",
                       object_id=batch_id, ip=upload.ip,
                       detail=_detail(upload, replaced_batch=old.id if old else None, replaced_rows=replaced))
    return Replaced(batch_id, replaced)


async def _retire(session: AsyncSession, old_id: int, upload: Upload, scope: Scope) -> None:
    if not scope.everything and await _outside(session, old_id, scope):
        raise RosterConflict(f"{month_label(upload.month)}的名单含有您管辖范围以外单位的人员，"
                             "只能由管理员或上级财政部门替换")
    done = await session.execute(
        update(B).where(B.c.id == old_id, B.c.active_month == upload.month)
        .values(active_month=None, status="replaced", replaced_at=utcnow(), replaced_by=upload.actor))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise RosterConflict(BUSY)
    await session.execute(delete(E).where(E.c.batch_id == old_id))


async def _outside(session: AsyncSession, batch_id: int, scope: Scope) -> bool:
    query = (select(func.count()).select_from(E.join(UNIT, UNIT.c.id == E.c.unit_id))
             .where(E.c.batch_id == batch_id, not_(scope.condition())))
    return bool(await session.scalar(query))


async def _add_batch(session: AsyncSession, upload: Upload) -> int:
    batch = PayrollBatch(month=upload.month, active_month=upload.month, status="active",
                         source_name=upload.source_name[:260], file_sha256=upload.file_sha256,
                         uploaded_by=upload.actor, rows=upload.rows)
    session.add(batch)
    try:
        await session.flush()
    except IntegrityError:  # another upload made itself the month's roster meanwhile
        raise RosterConflict(BUSY) from None
    return saved_id(batch)


def _detail(upload: Upload, **extra: Any) -> dict[str, Any]:
    return {"month": upload.month.isoformat()[:7], "file": upload.source_name, "rows": upload.rows, **extra}
