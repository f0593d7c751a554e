"""Writing unit records: upsert by 机构编码, quotas and post quotas, parent links and tree paths.

Units are few (tens of thousands even for a province), so the writer loads the existing set once,
compares in memory and writes with a handful of bulk statements. The materialised ``path``
("/1/7/42/") is rebuilt in one recursive statement after parents change; it makes subtree
scoping a prefix match. Cycles must be refused before writing (see tasks.importing.units).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.bulk import insert_rows
from models.core.db import utcnow
from models.staffing.ids import check_uscc
from models.staffing.person_writer import WriteCounts
from models.staffing.records import POST_KEYS, UnitRecord
from models.staffing.tables import POST_QUOTA as POSTS
from models.staffing.tables import QUOTA, UNIT

UNIT_FIELDS = ("code", "name", "uscc", "region_code", "level", "kind", "is_cangong", "funding", "grade",
               "internal_limit", "approved_on", "approval_doc")

REBUILD_PATHS = text("""
WITH RECURSIVE tree(id, path, depth) AS (
    SELECT id, '/' || CAST(id AS VARCHAR) || '/', 0 FROM unit WHERE parent_id IS NULL
    UNION ALL
    SELECT u.id, tree.path || CAST(u.id AS VARCHAR) || '/', tree.depth + 1
    FROM unit u JOIN tree ON u.parent_id = tree.id
)
UPDATE unit SET path = tree.path, depth = tree.depth FROM tree
WHERE unit.id = tree.id AND (unit.path <> tree.path OR unit.depth <> tree.depth)
""")


async def unit_code_map(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(UNIT.c.code, UNIT.c.id))
    return {code: uid for code, uid in rows}


async def parent_code_map(session: AsyncSession) -> dict[str, str | None]:
    """{code: parent's code} of every unit (``None`` for a root)."""
    parent = UNIT.alias("parent")
    rows = await session.execute(select(UNIT.c.code, parent.c.code).outerjoin(parent, UNIT.c.parent_id == parent.c.id))
    return {code: parent_code for code, parent_code in rows}


async def write_units(session: AsyncSession, records: list[UnitRecord]) -> WriteCounts:
    """Upsert ``records`` (parents may come in any order) inside the caller's transaction."""
    existing = await _load_existing(session)
    fresh = [r for r in records if r.code not in existing]
    changed = [r for r in records if r.code in existing and _differs(r, existing[r.code])]
    ids = {code: row["id"] for code, row in existing.items()}
    ids.update(await _insert_units(session, fresh))
    await _update_units(session, changed, existing)
    await _link_parents(session, records, ids, existing)
    await _replace_quotas(session, [*fresh, *changed], ids)
    await session.execute(REBUILD_PATHS)
    return WriteCounts(len(fresh), len(changed), len(records) - len(fresh) - len(changed))


async def _load_existing(session: AsyncSession) -> dict[str, dict[str, Any]]:
    units = {r.id: dict(r._mapping) for r in await session.execute(
        select(UNIT.c.id, UNIT.c.parent_id, UNIT.c.version, *(UNIT.c[f] for f in UNIT_FIELDS)))}
    codes = {uid: row["code"] for uid, row in units.items()}
    for row in units.values():
        row["parent_code"], row["quotas"], row["posts"] = codes.get(row["parent_id"]), {}, {}
    for q in await session.execute(select(QUOTA)):
        units[q.unit_id]["quotas"][q.est_type] = q.approved
    for p in await session.execute(select(POSTS)):
        units[p.unit_id]["posts"][(p.scope, p.rank)] = p.approved
    return {row["code"]: row for row in units.values()}


def _differs(record: UnitRecord, old: dict[str, Any]) -> bool:
    plain = asdict(record)
    if any(plain[f] != old[f] for f in UNIT_FIELDS) or record.parent_code != old["parent_code"]:
        return True
    same_quotas = _nonzero(record.quotas) == _nonzero(old["quotas"])
    return not same_quotas or _nonzero(record.posts) != _nonzero(old["posts"])


def _nonzero(counts: dict[Any, int]) -> dict[Any, int]:
    return {k: v for k, v in counts.items() if v}


def _unit_values(record: UnitRecord) -> dict[str, Any]:
    plain = asdict(record)
    values = {f: plain[f] for f in UNIT_FIELDS}
    values["uscc_status"] = uscc_status(record.uscc)
    return values


def uscc_status(uscc: str | None) -> str | None:
    """Derived at write time so rule A8 is a plain comparison in SQL."""
    if not uscc:
        return None
    return "ok" if check_uscc(uscc).ok else "invalid"


async def _insert_units(session: AsyncSession, fresh: list[UnitRecord]) -> dict[str, int]:
    if not fresh:
        return {}
    now = utcnow()
    rows = [{**_unit_values(r), "created_at": now, "updated_at": now, "path": "/", "depth": 0,
             "version": 1, "status": "active"} for r in fresh]
    result = await session.execute(insert(UNIT).returning(UNIT.c.id, UNIT.c.code), rows)
    return {code: uid for uid, code in result}


async def _update_units(session: AsyncSession, changed: list[UnitRecord],
                        existing: dict[str, dict[str, Any]]) -> None:
    if not changed:
        return
    now = utcnow()
    rows = [{**_unit_values(r), "uid": existing[r.code]["id"], "updated_at": now,
             "version": existing[r.code]["version"] + 1} for r in changed]
    await session.execute(update(UNIT).where(UNIT.c.id == bindparam("uid")), rows)


async def _link_parents(session: AsyncSession, records: list[UnitRecord], ids: dict[str, int],
                        existing: dict[str, dict[str, Any]]) -> None:
    links = []
    for record in records:
        parent_id = ids[record.parent_code] if record.parent_code else None
        old = existing.get(record.code)
        if old is None and parent_id is None:
            continue
        if old is None or old["parent_id"] != parent_id:
            links.append({"uid": ids[record.code], "parent_id": parent_id})
    if links:
        await session.execute(update(UNIT).where(UNIT.c.id == bindparam("uid")), links)


async def _replace_quotas(session: AsyncSession, records: list[UnitRecord], ids: dict[str, int]) -> None:
    unit_ids = [ids[r.code] for r in records]
    for start in range(0, len(unit_ids), 5000):  # SQLite caps bound parameters per statement
        chunk = unit_ids[start:start + 5000]
        await session.execute(delete(QUOTA).where(QUOTA.c.unit_id.in_(chunk)))
        await session.execute(delete(POSTS).where(POSTS.c.unit_id.in_(chunk)))
    quotas = [{"unit_id": ids[r.code], "est_type": t, "approved": n}
              for r in records for t, n in r.quotas.items() if n]
    posts = [{"unit_id": ids[r.code], "scope": s, "rank": k, "approved": r.posts[(s, k)]}
             for r in records for s, k in POST_KEYS if r.posts.get((s, k))]
    await insert_rows(session, QUOTA, quotas)
    await insert_rows(session, POSTS, posts)
