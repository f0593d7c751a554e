"""Changing one record by hand: a correction from the portal or from a card.

Imports and seeds write in bulk through :class:`models.staffing.person_writer.PersonWriter`, keyed by
(ID number, unit). A correction changes one known record, possibly its ID number, so it is keyed
by the record's id and its version instead: the row is derived exactly as the writer derives it
(:func:`person_row`: encryption, ID attributes, retirement date), compared with the writer's diff
and written with one conditional UPDATE, so a record changed by someone else since the form was
read is never overwritten (:class:`EditConflict`). Each change leaves one ``update`` event with
its source, its actor and, for a reviewed change, the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.crypto import FieldCipher
from models.core.db import utcnow
from models.staffing.bodies import body_ids_of
from models.staffing.person_writer import COMPARED, WriteContext, changed_fields, person_row
from models.staffing.persons import to_record
from models.staffing.records import POST_KEYS, PersonRecord, UnitRecord
from models.staffing.scope import Scope
from models.staffing.tables import INTERNAL_BODY as BODY
from models.staffing.tables import PERSON, QUOTA, UNIT
from models.staffing.tables import PERSON_EVENT as EVENT
from models.staffing.tables import POST_QUOTA as POSTS
from models.staffing.unit_writer import UNIT_FIELDS, uscc_status


class EditConflict(Exception):
    """The record changed after it was read (someone else saved first)."""


class EditRefused(ValueError):
    """The change cannot be stored; ``str()`` is the Chinese reason, tied to ``field``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PersonState:
    """A person record as a correction reads it. ``record`` holds the ID number and mobile in
    clear (the writer needs them): it never leaves the server."""

    id: int
    unit_id: int
    post_unit_id: int | None
    version: int
    record: PersonRecord


async def load_person(session: AsyncSession, cipher: FieldCipher, *, person_id: int) -> PersonState | None:
    unit, post = UNIT.alias("u"), UNIT.alias("p")
    query = (select(PERSON, unit.c.code.label("unit_code"), post.c.code.label("post_code"),
                    BODY.c.code.label("body_code"))
             .join(unit, unit.c.id == PERSON.c.unit_id).outerjoin(post, post.c.id == PERSON.c.post_unit_id)
             .outerjoin(BODY, BODY.c.id == PERSON.c.body_id)
             .where(PERSON.c.id == person_id))
    row = (await session.execute(query)).first()
    if row is None:
        return None
    m = row._mapping
    return PersonState(m["id"], m["unit_id"], m["post_unit_id"], m["version"], to_record(m, cipher))


async def unit_ids_of(session: AsyncSession, codes: list[str | None]) -> dict[str, int]:
    """{code: id} for the given unit codes that exist (the writer's map, for one record only)."""
    wanted = [code for code in codes if code]
    rows = await session.execute(select(UNIT.c.code, UNIT.c.id).where(UNIT.c.code.in_(wanted)))
    return {code: uid for code, uid in rows}


async def unit_names(session: AsyncSession, *, unit_ids: list[int]) -> dict[int, str]:
    rows = await session.execute(select(UNIT.c.id, UNIT.c.name).where(UNIT.c.id.in_(unit_ids)))
    return {uid: name for uid, name in rows}


async def persons_in_scope(session: AsyncSession, *, scope: Scope, person_ids: list[int]) -> set[int]:
    """Those of ``person_ids`` whose establishment unit ``scope`` covers."""
    query = select(PERSON.c.id).join(UNIT, UNIT.c.id == PERSON.c.unit_id).where(PERSON.c.id.in_(person_ids),
                                                                                scope.condition())
    return set((await session.scalars(query)).all())


CHOICES = 200


async def unit_choices(session: AsyncSession, *, scope: Scope, unit_id: int,
                       keep: list[int | None]) -> list[tuple[str, str]]:
    """(code, name) of the units a person's post may be set to on a phone: their own unit first,
    the units in ``keep`` (the current post unit), then the own unit's parent, siblings and
    children that ``scope`` covers (a select of a whole province would be no choice at all)."""
    own = (await session.execute(select(UNIT.c.parent_id).where(UNIT.c.id == unit_id))).scalar_one_or_none()
    near = (UNIT.c.parent_id == own) if own is not None else (UNIT.c.parent_id.is_(None))
    family = (UNIT.c.id == own) | near | (UNIT.c.parent_id == unit_id)
    query = (select(UNIT.c.id, UNIT.c.code, UNIT.c.name).where(family, scope.condition()).order_by(UNIT.c.path)
             .limit(CHOICES))
    pinned = [u for u in [unit_id, *keep] if u is not None]
    rows = {r.id: (r.code, r.name) for r in await session.execute(
        select(UNIT.c.id, UNIT.c.code, UNIT.c.name).where(UNIT.c.id.in_(pinned)))}
    rows.update({r.id: (r.code, r.name) for r in await session.execute(query) if r.id not in rows})
    ordered = [u for u in pinned if u in rows] + [u for u in rows if u not in pinned]
    return list(dict.fromkeys(rows[u] for u in ordered))


async def save_person(session: AsyncSession, cipher: FieldCipher, *, state: PersonState, record: PersonRecord,
                      source: str, actor: str, reviewer: str | None = None) -> dict[str, list[Any]]:
    """Write ``record`` over the record ``state`` was read from; returns the changes (empty: none).

    Raises :class:`EditConflict` when the record changed since ``state`` was read, and
    :class:`EditRefused` when the unit already holds another record with the new ID number."""
    now = utcnow()
    units = await unit_ids_of(session, [record.unit_code, record.post_unit_code])
    bodies = await body_ids_of(session, unit_ids=list(units.values()))
    if record.body_code and (units.get(record.post_unit_code or record.unit_code), record.body_code) not in bodies:
        record = replace(record, body_code=None)  # a new post unit: the old unit's section is no longer held
    ctx = WriteContext(cipher, units, source, actor, body_ids=bodies)
    new = person_row(record, ctx, now)
    old = await _current(session, state.id)
    if old is None or old["version"] != state.version:
        raise EditConflict
    changes = changed_fields(old, new)
    if new["id_hash"] != old["id_hash"]:
        await _refuse_duplicate(session, new["id_hash"], state)
        changes["id_number"] = [old["id_masked"], new["id_masked"]]
    if changes:
        await _write(session, state, new, now)
        await session.execute(insert(EVENT).values(person_id=state.id, at=now, source=source, actor=actor,
                                                   kind="update", changes=changes, reviewer=reviewer))
    return changes


async def _current(session: AsyncSession, person_id: int) -> dict[str, Any] | None:
    columns = [PERSON.c.id_hash, PERSON.c.id_masked, PERSON.c.mobile_masked, PERSON.c.version,
               *(PERSON.c[name] for name in COMPARED)]
    row = (await session.execute(select(*columns).where(PERSON.c.id == person_id))).first()
    return dict(row._mapping) if row else None


async def _refuse_duplicate(session: AsyncSession, id_hash: str, state: PersonState) -> None:
    taken = select(func.count()).select_from(PERSON).where(PERSON.c.id_hash == id_hash,
                                                           PERSON.c.unit_id == state.unit_id)
    if await session.scalar(taken):
        raise EditRefused("id_number", "本机构已有使用该身份证号的另一条记录，请核对")


async def _write(session: AsyncSession, state: PersonState, new: dict[str, Any], now: Any) -> None:
    skip = ("unit_id", "created_at", "created_batch_id", "version", "updated_at")
    values = {k: v for k, v in new.items() if k not in skip}
    stmt = (update(PERSON).where(PERSON.c.id == state.id, PERSON.c.version == state.version)
            .values(**values, version=state.version + 1, updated_at=now))
    if (await session.execute(stmt)).rowcount != 1:  # type: ignore[attr-defined]
        raise EditConflict


@dataclass(frozen=True)
class UnitState:
    id: int
    version: int
    record: UnitRecord


async def load_unit(session: AsyncSession, *, unit_id: int) -> UnitState | None:
    parent = UNIT.alias("parent")
    query = (select(UNIT, parent.c.code.label("parent_code")).outerjoin(parent, parent.c.id == UNIT.c.parent_id)
             .where(UNIT.c.id == unit_id))
    row = (await session.execute(query)).first()
    if row is None:
        return None
    m = row._mapping
    quotas = dict((await session.execute(select(QUOTA.c.est_type, QUOTA.c.approved)
                                         .where(QUOTA.c.unit_id == unit_id))).all())
    posts = {(p.scope, p.rank): p.approved for p in await session.execute(select(POSTS).where(
        POSTS.c.unit_id == unit_id))}
    record = UnitRecord(**{f: m[f] for f in UNIT_FIELDS}, parent_code=m["parent_code"], quotas=quotas, posts=posts)
    return UnitState(unit_id, m["version"], record)


def unit_changes(old: UnitRecord, new: UnitRecord) -> dict[str, list[Any]]:
    """{field: [before, after]} with ``quotas.XZ`` / ``posts.unit.deputy`` for the counts."""
    changes: dict[str, list[Any]] = {f: [getattr(old, f), getattr(new, f)] for f in UNIT_FIELDS
                                     if getattr(old, f) != getattr(new, f)}
    for est_type in sorted(set(old.quotas) | set(new.quotas)):
        before, after = old.quotas.get(est_type, 0), new.quotas.get(est_type, 0)
        if before != after:
            changes[f"quotas.{est_type}"] = [before, after]
    for scope, rank in POST_KEYS:
        before, after = old.posts.get((scope, rank), 0), new.posts.get((scope, rank), 0)
        if before != after:
            changes[f"posts.{scope}.{rank}"] = [before, after]
    return {k: [_plain(v) for v in pair] for k, pair in changes.items()}


async def save_unit(session: AsyncSession, *, state: UnitState, record: UnitRecord) -> dict[str, list[Any]]:
    """Write ``record``'s fields and figures over the unit ``state`` was read from; returns the
    changes. Raises :class:`EditConflict` when the unit changed since it was read.

    The unit writer's bulk path (:func:`models.staffing.unit_writer.write_units`) reads every unit
    to place one in the tree; a correction never moves a unit, so it updates the one row (with
    the writer's derived ``uscc_status``) and replaces its quotas and posts."""
    changes = unit_changes(state.record, record)
    if not changes:
        return {}
    values = {f: getattr(record, f) for f in UNIT_FIELDS}
    stmt = (update(UNIT).where(UNIT.c.id == state.id, UNIT.c.version == state.version)
            .values(**values, uscc_status=uscc_status(record.uscc), version=state.version + 1, updated_at=utcnow()))
    if (await session.execute(stmt)).rowcount != 1:  # type: ignore[attr-defined]
        raise EditConflict
    await session.execute(delete(QUOTA).where(QUOTA.c.unit_id == state.id))
    await session.execute(delete(POSTS).where(POSTS.c.unit_id == state.id))
    quotas = [{"unit_id": state.id, "est_type": t, "approved": n} for t, n in record.quotas.items() if n]
    posts = [{"unit_id": state.id, "scope": k[0], "rank": k[1], "approved": n} for k, n in record.posts.items() if n]
    for table, rows in ((QUOTA, quotas), (POSTS, posts)):
        if rows:
            await session.execute(insert(table), rows)
    return changes


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
