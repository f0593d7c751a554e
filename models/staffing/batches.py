"""Import batches: the ``import_batch`` row every import and seed opens, and its recorded outcome.

A batch is ``running`` from :func:`open_batch` until :func:`close_batch` records how it ended:
``done`` (everything imported), ``partial`` (valid rows imported, bad rows reported), ``refused``
(bad rows, nothing imported) or ``failed`` (the file could not be read or the import broke off;
nothing imported). The importer closes every batch it opens, whatever happens.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.staffing.person_writer import WriteCounts
from models.staffing.tables import ImportBatch

OUTCOMES = ("done", "partial", "refused", "failed")


async def open_batch(session: AsyncSession, *, kind: str, source_name: str, actor: str, mode: str) -> ImportBatch:
    """Add a running batch in the caller's transaction and flush it, so it has its id."""
    batch = ImportBatch(kind=kind, source_name=source_name, actor=actor, mode=mode)
    session.add(batch)
    await session.flush()
    return batch


async def close_batch(session: AsyncSession, *, batch_id: int | None, status: str, total: int, counts: WriteCounts,
                      errors: int, at: datetime) -> None:
    """Record a batch's outcome: status (see the module docstring), row counts and when it finished."""
    if status not in OUTCOMES:
        raise ValueError(f"unknown batch outcome {status!r}")
    await session.execute(update(ImportBatch).where(col(ImportBatch.id) == batch_id).values(
        status=status, total=total, inserted=counts.inserted, updated=counts.updated,
        unchanged=counts.unchanged, errors=errors, finished_at=at))
