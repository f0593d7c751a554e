"""One seeding run: tree → quotas → person plan → defect plan → units, then persons unit by unit.

Everything random comes from ``Random(f"{seed}/<purpose>")`` streams and every date from
``as_of``, so the same options give byte-identical output. Persons are streamed to the sink in
chunks; only the units, the plan (a type list per unit) and the uniqueness sets stay in memory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from random import Random
from typing import Any, Protocol

from models.staffing.records import BodyRecord, PersonRecord, UnitRecord
from tasks.importing.progress import Progress, Silent
from tasks.seed.bodies import plan_bodies
from tasks.seed.codes import break_uscc
from tasks.seed.defects import DefectPlan, Manifest, requested
from tasks.seed.inject import UnitGenerator
from tasks.seed.people import PersonFactory
from tasks.seed.plan import apportion, build_plan
from tasks.seed.quotas import fit_quotas, set_posts
from tasks.seed.tree import Government, UnitInfo, build_tree, shape_for

CHUNK = 5000


class Sink(Protocol):
    async def units(self, records: list[UnitRecord]) -> None: ...
    async def bodies(self, records: list[BodyRecord]) -> None: ...
    async def persons(self, records: list[PersonRecord]) -> None: ...
    async def close(self) -> None: ...


@dataclass(frozen=True)
class SeedOptions:
    units: int
    persons: int
    seed: int
    as_of: date
    rate: float = 0.01
    to_files: bool = False
    shape: tuple[Government, ...] | None = None  # the demo fixes its own geography …
    wanted: dict[str, int] | None = None  # … and exact defect counts

    def arguments(self) -> dict[str, Any]:
        return {"units": self.units, "persons": self.persons, "seed": self.seed,
                "as_of": self.as_of.isoformat(), "defects": self.rate, "demo": self.shape is not None}


@dataclass
class SeedResult:
    options: SeedOptions
    units: list[UnitInfo]
    persons: int
    manifest: Manifest
    seconds: float = 0.0
    manifest_path: Path | None = None

    def manifest_json(self) -> dict[str, Any]:
        target = "files" if self.options.to_files else "database"
        return self.manifest.as_json(self.options.arguments(), target)

    def summary(self) -> str:
        rate = self.persons / self.seconds if self.seconds else 0.0
        return (f"已生成 机构 {len(self.units)} 个、人员 {self.persons} 人，注入缺陷 {self.manifest.total()} 处"
                f"（用时 {self.seconds:.1f} 秒，{rate:.0f} 人/秒）")


def prepare(options: SeedOptions) -> tuple[list[UnitInfo], DefectPlan, Any]:
    """The unit tree with fitted quotas, the defect plan and the person plan (nothing written yet);
    the defect plan holds the internal bodies (``defects.bodies``)."""
    if options.persons < 0 or options.units < 1:
        raise ValueError("机构数至少为1，人员数不能为负")
    govs = list(options.shape) if options.shape else shape_for(options.units)
    units = build_tree(govs, Random(f"{options.seed}/tree"), options.as_of)
    fit_quotas(units, options.persons)
    set_posts(units)
    wanted = options.wanted or requested(options.rate, len(units), options.persons, options.to_files)
    defects = DefectPlan(options.seed, wanted)
    over = defects.plan_units(units)
    plan = build_plan(units, apportion(units, options.persons, Random(f"{options.seed}/fill"), over))
    defects.plan_slots(plan, units)
    defects.bodies = plan_bodies(units, options.seed, wanted)
    return units, defects, plan


async def generate(options: SeedOptions, sink: Sink, progress: Progress | None = None) -> SeedResult:
    started = time.perf_counter()
    progress = progress or Silent()
    units, defects, plan = prepare(options)
    manifest = Manifest()
    for index in sorted(defects.a8):
        record = units[index].record
        record.uscc = break_uscc(record.uscc or "", defects.rng("A8"))
        manifest.unit("A8", record.code)
    await sink.units([info.record for info in units])
    await sink.bodies(defects.bodies.all())
    for index in sorted(defects.bodies.over_limit):
        manifest.unit("C7", units[index].record.code)
    generator = UnitGenerator(PersonFactory(options.seed, options.as_of), defects, manifest, units, options.as_of)
    buffer: list[PersonRecord] = []
    for unit in plan.units:
        buffer.extend(generator.persons(unit))
        if len(buffer) >= CHUNK:
            await _flush(sink, buffer, progress)
    await _flush(sink, buffer, progress)
    await sink.close()
    progress.close()
    return SeedResult(options, units, plan.total, manifest, time.perf_counter() - started)


async def _flush(sink: Sink, buffer: list[PersonRecord], progress: Progress) -> None:
    if buffer:
        await sink.persons(buffer)
        progress.update(len(buffer))
        buffer.clear()
