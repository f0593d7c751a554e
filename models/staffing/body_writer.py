"""Writing internal bodies (内设机构): upsert by (unit, 机构编码) with a version bump on change.

Bodies are few (a handful per unit), so the writer loads those of the units concerned, compares
in memory and writes with two bulk statements. A changed body gets a new ``updated_at``, which
puts its unit in the next incremental scan (models.warnings.scope).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.bulk import insert_rows
from models.core.db import utcnow
from models.staffing.person_writer import WriteCounts
from models.staffing.records import BodyRecord
from models.staffing.tables import INTERNAL_BODY as BODY

BODY_FIELDS = ("name", "grade", "chief_posts", "deputy_posts", "approved_on", "approval_doc", "status")
CHUNK = 5000  # SQLite caps bound parameters per statement


async def write_bodies(session: AsyncSession, records: list[BodyRecord], unit_ids: dict[str, int]) -> WriteCounts:
    """Upsert ``records`` (their unit codes must be in ``unit_ids``) inside the caller's transaction."""
    existing = await _existing(session, sorted({unit_ids[r.unit_code] for r in records}))
    now = utcnow()
    fresh, changed = [], []
    for record in records:
        values = _values(record, unit_ids)
        old = existing.get((values["unit_id"], record.code))
        if old is None:
            fresh.append({**values, "version": 1, "created_at": now, "updated_at": now})
        elif any(old[f] != values[f] for f in BODY_FIELDS):
            changed.append({**values, "bid": old["id"], "version": old["version"] + 1, "updated_at": now})
    await insert_rows(session, BODY, fresh)  # COPY on PostgreSQL: a province seeds 100,000 bodies
    if changed:
        await session.execute(update(BODY).where(BODY.c.id == bindparam("bid")), changed)
    return WriteCounts(len(fresh), len(changed), len(records) - len(fresh) - len(changed))


def _values(record: BodyRecord, unit_ids: dict[str, int]) -> dict[str, Any]:
    plain = asdict(record)
    return {"unit_id": unit_ids[plain.pop("unit_code")], **plain}


async def _existing(session: AsyncSession, unit_ids: list[int]) -> dict[tuple[int, str], dict[str, Any]]:
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for start in range(0, len(unit_ids), CHUNK):
        rows = await session.execute(select(BODY.c.id, BODY.c.unit_id, BODY.c.code, BODY.c.version,
                                            *(BODY.c[f] for f in BODY_FIELDS))
                                     .where(BODY.c.unit_id.in_(unit_ids[start:start + CHUNK])))
        found.update({(r.unit_id, r.code): dict(r._mapping) for r in rows})
    return found
