"""Where generated data goes: CSV files that ``bzops import`` accepts, or straight into the database.

The database path writes the units with one ``write_units`` call and the persons in chunks
through ``PersonWriter`` (COPY on PostgreSQL), all inside ONE transaction together with an
``import_batch`` row of kind "seed" and an audit entry, so a failed seed leaves nothing behind.
The manifest of injected defects is written as JSON beside the files, or to ``var/``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.core import audit
from models.core.crypto import FieldCipher
from models.core.db import transaction, utcnow
from models.core.runtime import Runtime
from models.staffing.batches import open_batch
from models.staffing.bodies import body_ids_of
from models.staffing.body_writer import write_bodies
from models.staffing.person_writer import PersonWriter, WriteContext
from models.staffing.records import BodyRecord, PersonRecord, UnitRecord
from models.staffing.tables import ImportBatch
from models.staffing.unit_writer import unit_code_map, write_units
from models.staffing.units import count_units
from tasks.importing.columns import BODY_COLUMNS, PERSON_COLUMNS, UNIT_COLUMNS, Column, read_back
from tasks.importing.export import TableWriter
from tasks.importing.progress import Progress
from tasks.seed.generate import SeedOptions, SeedResult, generate

MANIFEST_NAME = "seed-defects.json"


class SeedRefused(Exception):
    """The seed cannot run as asked; the message is Chinese and shown as is."""


class RecordWriter(TableWriter):
    """A TableWriter that resolves each column's value getter once instead of once per cell.

    Plain fields are read with ``attrgetter``; quotas, posts and the retirement-age column keep
    going through ``read_back``, so the output is the same as TableWriter's, only faster (the
    generic path costs as much as generating the person).
    """

    def __init__(self, out: Path, title: str, columns: tuple[Column, ...]) -> None:
        super().__init__(out, title, columns)
        self._cells = [(_getter(c), c.fmt) for c in columns]

    def add(self, record: Any) -> None:
        self._append([fmt(get(record)) for get, fmt in self._cells])


def _getter(column: Column) -> Callable[[Any], Any]:
    if "." in column.field or column.field == "retire_age":
        return partial(read_back, column=column)
    return attrgetter(column.field)


class FileSink:
    """``units.csv``, ``bodies.csv`` and ``persons.csv`` in the import templates' columns (parents first);
    import them in that order."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._persons: RecordWriter | None = None

    async def units(self, records: list[UnitRecord]) -> None:
        # Files are only created once the plan stands, so refused options leave nothing behind.
        self.directory.mkdir(parents=True, exist_ok=True)
        writer = RecordWriter(self.directory / "units.csv", "机构", UNIT_COLUMNS)
        try:
            for record in records:
                writer.add(record)
        finally:
            writer.close()
        self._persons = RecordWriter(self.directory / "persons.csv", "人员", PERSON_COLUMNS)

    async def bodies(self, records: list[BodyRecord]) -> None:
        writer = RecordWriter(self.directory / "bodies.csv", "内设机构", BODY_COLUMNS)
        try:
            for record in records:
                writer.add(record)
        finally:
            writer.close()

    async def persons(self, records: list[PersonRecord]) -> None:
        assert self._persons is not None, "units are written before persons"
        for record in records:
            self._persons.add(record)

    async def close(self) -> None:
        if self._persons is not None:
            self._persons.close()
            self._persons = None


class DbSink:
    def __init__(self, session: AsyncSession, cipher: FieldCipher, batch_id: int) -> None:
        self.session, self.cipher, self.batch_id = session, cipher, batch_id
        self._writer: PersonWriter | None = None
        self._ids: dict[str, int] = {}

    async def units(self, records: list[UnitRecord]) -> None:
        await write_units(self.session, records)
        self._ids = await unit_code_map(self.session)

    async def bodies(self, records: list[BodyRecord]) -> None:
        await write_bodies(self.session, records, self._ids)
        body_ids = await body_ids_of(self.session)
        context = WriteContext(self.cipher, self._ids, "seed", "seed", self.batch_id, body_ids)
        self._writer = PersonWriter(self.session, context)

    async def persons(self, records: list[PersonRecord]) -> None:
        assert self._writer is not None, "units are written before persons"
        await self._writer.write(records)

    async def close(self) -> None:
        if self._writer is not None:
            await self._writer.finish()


def write_manifest(path: Path, result: SeedResult) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result.manifest_json(), ensure_ascii=False, indent=1, sort_keys=True)
    # One subject per line: innermost arrays hold codes, masked IDs and counts, never spaces.
    text = _INNERMOST.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    path.write_text(text + "\n", encoding="utf-8")
    return path


_INNERMOST = re.compile(r"\[\s+([^\[\]{}]*?)\s+\]")


async def seed_files(options: SeedOptions, directory: Path, progress: Progress | None = None) -> SeedResult:
    started = time.perf_counter()
    sink = FileSink(directory)
    try:
        result = await generate(options, sink, progress)
    finally:
        await sink.close()
    result.manifest_path = write_manifest(directory / "defects.json", result)
    result.seconds = time.perf_counter() - started
    return result


AfterSeed = Callable[[AsyncSession, SeedResult], Awaitable[None]]


async def seed_database(rt: Runtime, options: SeedOptions, progress: Progress | None = None,
                        source: str = "seed", after: AfterSeed | None = None) -> SeedResult:
    """Seed an empty database in one transaction; ``after`` runs inside it (demo accounts)."""
    started = time.perf_counter()
    async with transaction(rt.sessions) as session:
        await ensure_empty(session)
        batch = await open_batch(session, kind="seed", source_name=source, actor="seed", mode="all")
        assert batch.id is not None
        result = await generate(options, DbSink(session, rt.cipher, batch.id), progress)
        _finish_batch(batch, result)
        await audit.record(session, actor="seed", action="seed.run", object_type="import_batch",
                           object_id=batch.id, detail=_audit_detail(result))
        if after is not None:
            await after(session, result)
    result.manifest_path = write_manifest(rt.settings.var_dir / MANIFEST_NAME, result)
    result.seconds = time.perf_counter() - started  # including the commit
    return result


async def ensure_empty(session: AsyncSession) -> None:
    units = await count_units(session)
    if units:
        raise SeedRefused(f"数据库中已有 {units} 个机构：种子数据只能写入空数据库，请换用新库或先清空")


def _finish_batch(batch: ImportBatch, result: SeedResult) -> None:
    batch.status, batch.total, batch.inserted = "done", result.persons, result.persons
    batch.finished_at = utcnow()


def _audit_detail(result: SeedResult) -> dict[str, Any]:
    return {"arguments": result.options.arguments(), "units": len(result.units), "persons": result.persons,
            "defects": result.manifest.counts()}
