"""Writing person records: encryption, derived ID attributes, upsert by (ID number, unit), events.

The writer is fed chunks inside one transaction, so an import is all-or-nothing by construction:
the caller commits or rolls back. New rows go in with COPY (PostgreSQL) and get their ``create``
events in one INSERT … SELECT at the end; changed rows are updated with one ``update`` event each
that lists the fields before and after. ID numbers never appear in events; mobiles appear masked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import String, any_, bindparam, insert, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.bulk import copy_in, copy_records, insert_rows, is_postgres
from models.core.crypto import FieldCipher
from models.core.db import utcnow
from models.staffing.ids import check_id, mask_id, mask_mobile
from models.staffing.records import PersonRecord
from models.staffing.retirement import category_for, retirement_date
from models.staffing.tables import PERSON
from models.staffing.tables import PERSON_EVENT as EVENT

RECORD_FIELDS = tuple(f.name for f in fields(PersonRecord))
_RECORD_VALUES = attrgetter(*RECORD_FIELDS)
# Fields whose change is a change of the record (ID-derived fields follow from the key).
COMPARED = (
    "name", "sex", "birth_date", "est_type", "identity", "status", "in_est", "entry_date", "exit_date",
    "post_unit_id", "post_title", "leader_kind", "appoint_date", "appoint_doc", "education",
    "pro_title", "mobile_hash", "retire_age_months", "retire_basis", "body_id",
)


@dataclass
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: WriteCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass(frozen=True)
class WriteContext:
    cipher: FieldCipher
    unit_ids: dict[str, int]
    source: str
    actor: str
    batch_id: int | None = None
    # {(unit id, body code): body id} of the bodies the records name (models.staffing.bodies.body_ids_of)
    body_ids: dict[tuple[int, str], int] = field(default_factory=dict)
    # The source holds no 任职内设机构 at all (files written before the column existed): stored
    # bodies stay, unless the person moved to another post unit, whose bodies are others.
    keeps_body: bool = False


def person_row(record: PersonRecord, ctx: WriteContext, now: datetime) -> dict[str, Any]:
    """The table row for a record; unit codes must already be known to ``ctx.unit_ids``."""
    plain = dict(zip(RECORD_FIELDS, _RECORD_VALUES(record), strict=True))  # asdict() deep-copies: too slow
    ident = check_id(plain.pop("id_number"))
    mobile = plain.pop("mobile")
    post_code = plain.pop("post_unit_code")
    plain["unit_id"] = ctx.unit_ids[plain.pop("unit_code")]
    plain["post_unit_id"] = ctx.unit_ids[post_code] if post_code else None
    body_code = plain.pop("body_code")
    plain["body_id"] = ctx.body_ids[(plain["post_unit_id"] or plain["unit_id"], body_code)] if body_code else None
    plain.update(
        id_hash=ctx.cipher.lookup_hash(ident.number), id_enc=ctx.cipher.encrypt(ident.number),
        id_masked=mask_id(ident.number), id_status=ident.status, id_birth=ident.birth,
        id_sex=ident.sex, id_area=city_of(ident.area), created_batch_id=ctx.batch_id,
        retire_on=retire_on(record),
        created_at=now, updated_at=now, version=1, **_mobile_fields(mobile, ctx.cipher),
    )
    return plain


def city_of(area: str | None) -> str | None:
    """Only the city part of the area code is kept in clear: the county would narrow the ID number."""
    return area[:4] if area else None


def retire_on(record: PersonRecord) -> date | None:
    """The statutory retirement date, or None while birth date, sex or identity is unknown."""
    if record.birth_date is None or record.sex not in ("M", "F"):
        return None
    if record.identity not in ("cadre", "worker") and record.sex == "F":
        return None
    category = category_for(record.sex, record.identity or "cadre")  # type: ignore[arg-type]
    return retirement_date(record.birth_date, category, record.retire_age_months)


def _mobile_fields(mobile: str | None, cipher: FieldCipher) -> dict[str, Any]:
    if not mobile:
        return {"mobile_enc": None, "mobile_hash": None, "mobile_masked": None}
    return {"mobile_enc": cipher.encrypt(mobile), "mobile_hash": cipher.lookup_hash(mobile),
            "mobile_masked": mask_mobile(mobile)}


@dataclass(frozen=True)
class PreparedRows:
    """Table rows computed from a chunk of records, not yet written; on PostgreSQL also the same
    rows as COPY records, so that the thread preparing them does that work too."""

    now: datetime
    rows: list[dict[str, Any]]
    copy: list[tuple[Any, ...]] | None = None


class PersonWriter:
    """Upserts chunks of person records inside the caller's transaction.

    :meth:`write` is :meth:`prepare` (pure computation: hashing, encryption, derived fields; safe
    to run in a worker thread) followed by :meth:`write_prepared` (the database work), so a caller
    can prepare the next chunk while the database takes the previous one. When the person table
    was empty at the first chunk, a chunk none of whose keys this writer has already inserted
    cannot match an existing row, and the lookup of existing rows is skipped (a first import or a
    seed reads nothing back). The writer assumes it is the only one inserting persons in its
    transaction.
    """

    def __init__(self, session: AsyncSession, ctx: WriteContext) -> None:
        self.session = session
        self.ctx = ctx
        self.counts = WriteCounts()
        self._postgres = is_postgres(session)
        self._inserted: set[int] | None = None  # hashes of the keys inserted, while the table started empty
        self._started = False

    def prepare(self, records: list[PersonRecord]) -> PreparedRows:
        now = utcnow()
        rows = [person_row(r, self.ctx, now) for r in records]
        return PreparedRows(now, rows, copy_records(PERSON, list(rows[0]), rows) if self._postgres and rows else None)

    async def write(self, records: list[PersonRecord]) -> WriteCounts:
        return await self.write_prepared(self.prepare(records))

    async def write_prepared(self, prepared: PreparedRows) -> WriteCounts:
        now, rows = prepared.now, prepared.rows
        existing = await self._existing_of_chunk(rows)
        fresh, changed, picked = [], [], []
        for index, row in enumerate(rows):
            old = existing.get((row["id_hash"], row["unit_id"]))
            if old is not None and self.ctx.keeps_body and old["post_unit_id"] == row["post_unit_id"]:
                row["body_id"] = old["body_id"]
            if old is None:
                fresh.append(row)
                picked.append(index)
            elif _diff(old, row):
                changed.append((old, row))
        await self._insert(prepared, fresh, picked)
        self._remember(fresh)
        if self.ctx.batch_id is None:
            await self._create_events(fresh, now)
        await self._update(changed, now)
        counts = WriteCounts(len(fresh), len(changed), len(rows) - len(fresh) - len(changed))
        self.counts.add(counts)
        return counts

    async def _insert(self, prepared: PreparedRows, fresh: list[dict[str, Any]], picked: list[int]) -> None:
        if prepared.copy is None or not fresh:
            await insert_rows(self.session, PERSON, fresh)
            return
        records = prepared.copy if len(picked) == len(prepared.rows) else [prepared.copy[i] for i in picked]
        await copy_in(self.session, PERSON, list(prepared.rows[0]), records)

    async def _existing_of_chunk(self, rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
        if not self._started:
            self._started = True
            found = await self.session.execute(select(PERSON.c.id).limit(1))
            self._inserted = set() if found.first() is None else None
        if self._inserted is not None and self._inserted.isdisjoint(_key_hashes(rows)):
            return {}
        return await self._existing(rows)

    def _remember(self, fresh: list[dict[str, Any]]) -> None:
        if self._inserted is not None:
            self._inserted.update(_key_hashes(fresh))

    async def finish(self) -> None:
        """Record one ``create`` event for every row this batch inserted (one statement)."""
        if self.ctx.batch_id is None or not self.counts.inserted:
            return
        await self.session.execute(insert(EVENT).from_select(
            ["person_id", "at", "source", "actor", "kind", "batch_id"],
            select(PERSON.c.id, PERSON.c.created_at, literal(self.ctx.source), literal(self.ctx.actor),
                   literal("create"), PERSON.c.created_batch_id)
            .where(PERSON.c.created_batch_id == self.ctx.batch_id),
        ))

    async def _create_events(self, fresh: list[dict[str, Any]], now: datetime) -> None:
        """Without a batch to select by, find this chunk's new rows by key (small writes only)."""
        if not fresh:
            return
        keys = {(row["id_hash"], row["unit_id"]) for row in fresh}
        found = await self._existing(fresh)
        events = [{"person_id": row["id"], "at": now, "source": self.ctx.source, "actor": self.ctx.actor,
                   "kind": "create", "changes": None, "batch_id": None} for key, row in found.items() if key in keys]
        await insert_rows(self.session, EVENT, events)

    async def _existing(self, rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
        hashes = list({row["id_hash"] for row in rows})
        columns = [PERSON.c.id, PERSON.c.id_hash, PERSON.c.unit_id, PERSON.c.mobile_masked,
                   PERSON.c.version, *(PERSON.c[name] for name in COMPARED)]
        condition = (PERSON.c.id_hash == _any(hashes) if is_postgres(self.session)
                     else PERSON.c.id_hash.in_(hashes))
        result = await self.session.execute(select(*columns).where(condition))
        return {(r.id_hash, r.unit_id): dict(r._mapping) for r in result}

    async def _update(self, changed: list[tuple[dict[str, Any], dict[str, Any]]], now: datetime) -> None:
        if not changed:
            return
        updates = [_update_values(old, new, now) for old, new in changed]
        stmt = update(PERSON).where(PERSON.c.id == bindparam("pid"))
        await self.session.execute(stmt, updates)
        events = [self._event(old, new, now) for old, new in changed]
        await insert_rows(self.session, EVENT, events)

    def _event(self, old: dict[str, Any], new: dict[str, Any], now: datetime) -> dict[str, Any]:
        return {"person_id": old["id"], "at": now, "source": self.ctx.source, "actor": self.ctx.actor,
                "kind": "update", "changes": _diff(old, new), "batch_id": self.ctx.batch_id}


def _key_hashes(rows: list[dict[str, Any]]) -> Iterator[int]:
    # A hash collision only costs a lookup that finds nothing.
    return (hash((row["id_hash"], row["unit_id"])) for row in rows)


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]}, JSON-ready; the mobile is shown masked."""
    changes: dict[str, list[Any]] = {}
    for name in COMPARED:
        if old[name] != new[name]:
            key, before, after = name, old[name], new[name]
            if name == "mobile_hash":
                key, before, after = "mobile", old["mobile_masked"], new["mobile_masked"]
            changes[key] = [_jsonable(before), _jsonable(after)]
    return changes


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """The diff an ``update`` event records, for writers of single records (models.staffing.edits)."""
    return _diff(old, new)


def _update_values(old: dict[str, Any], new: dict[str, Any], now: datetime) -> dict[str, Any]:
    keep = {k: v for k, v in new.items() if k not in ("id_hash", "unit_id", "created_at", "created_batch_id")}
    return {**keep, "pid": old["id"], "version": old["version"] + 1, "updated_at": now}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _any(values: list[str]) -> Any:
    return any_(bindparam("hashes", value=values, type_=ARRAY(String)))
