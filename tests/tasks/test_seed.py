from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import col

from models.accounts.store import get_account, password_matches
from models.accounts.tables import AccountScope
from models.core.enums import Role
from models.staffing.ids import check_id, check_uscc, mask_id
from models.staffing.records import BodyRecord, PersonRecord, UnitRecord
from models.staffing.retirement import add_months_clamped, category_for, retirement_date
from models.staffing.tables import ImportBatch, Person, Unit
from tasks.importing.bodies import import_bodies
from tasks.importing.persons import import_persons
from tasks.importing.units import import_units
from tasks.seed.defects import DB_ONLY, TITLES
from tasks.seed.demo import DEMO_PASSWORD, seed_demo
from tasks.seed.generate import SeedOptions, SeedResult, generate
from tasks.seed.writer import MANIFEST_NAME, SeedRefused, seed_database, seed_files

AS_OF = date(2026, 6, 30)
ALLOWED = {"institution": {"SY"}, "court": {"ZF", "XZ", "GQ"}, "procuratorate": {"ZF", "XZ", "GQ"}}
EXITED = {"transferred", "resigned", "dismissed", "expelled", "deceased"}


class Collect:
    """A sink that keeps what the generator writes, to inspect it."""

    def __init__(self) -> None:
        self.units_: list[UnitRecord] = []
        self.bodies_: list[BodyRecord] = []
        self.persons_: list[PersonRecord] = []

    async def units(self, records: list[UnitRecord]) -> None:
        self.units_ = list(records)

    async def bodies(self, records: list[BodyRecord]) -> None:
        self.bodies_ = list(records)

    async def persons(self, records: list[PersonRecord]) -> None:
        self.persons_.extend(records)

    async def close(self) -> None:
        pass


def run(options: SeedOptions) -> tuple[SeedResult, Collect]:
    sink = Collect()
    return asyncio.run(generate(options, sink)), sink


def is_active(p: PersonRecord) -> bool:
    return p.in_est and p.status == "active"


def reach(p: PersonRecord) -> date:
    assert p.birth_date
    sex: Literal["M", "F"] = "M" if p.sex == "M" else "F"
    return retirement_date(p.birth_date, category_for(sex, "worker" if p.identity == "worker" else "cadre"))


def month_end(day: date) -> date:
    return add_months_clamped(day.replace(day=1), 1) - timedelta(days=1)


def scan(units: list[UnitRecord], persons: list[PersonRecord], bodies: list[BodyRecord]) -> dict[str, list[Any]]:
    """An independent reading of the rule catalogue (domain §9) over the generated records."""
    kinds = {u.code: u.kind for u in units}
    found: dict[str, list[Any]] = {k: [] for k in TITLES}
    found["A8"] = [u.code for u in units if not check_uscc(u.uscc or "").ok]
    repeats = Counter(p.id_number for p in persons if is_active(p))
    for p in persons:
        for kind in person_rules(p, kinds[p.unit_code], repeats):
            found[kind].append([p.unit_code, mask_id(p.id_number)])
    found["C1"], found["C5"] = count_rules(units, persons)
    found["C5"] = sorted(set(found["C5"]) | set(body_posts_over(persons, bodies)))
    found["C7"] = over_limit(units, bodies)
    return {k: sorted(v) for k, v in found.items()}


def body_posts_over(persons: list[PersonRecord], bodies: list[BodyRecord]) -> list[str]:
    """超职数 per 内设机构: active holders of a body's 正职/副职 above its own approval (if any)."""
    ranks = {"internal_chief": "chief_posts", "internal_deputy": "deputy_posts"}
    approved = {(b.unit_code, b.code): b for b in bodies}
    held = Counter((p.unit_code, p.body_code, ranks[p.leader_kind]) for p in persons
                   if is_active(p) and p.body_code and p.leader_kind in ranks)
    return [unit for (unit, code, field), n in held.items()
            if getattr(approved[(unit, code)], field) is not None and n > getattr(approved[(unit, code)], field)]


def over_limit(units: list[UnitRecord], bodies: list[BodyRecord]) -> list[str]:
    count = Counter(b.unit_code for b in bodies if b.status == "active")
    return [u.code for u in units if u.internal_limit is not None and count[u.code] > u.internal_limit]


def person_rules(p: PersonRecord, unit_kind: str, repeats: Counter[str]) -> list[str]:
    ident = check_id(p.id_number, today=AS_OF)
    status = {"length": "A1", "charset": "A1", "checksum": "A1", "date": "A2", "legacy15": "A4"}
    hits = [status[ident.status]] if ident.status in status else []
    if ident.status in ("ok", "legacy15") and (ident.birth != p.birth_date or ident.sex != p.sex):
        hits.append("A3")
    active = is_active(p)
    assert p.birth_date and p.entry_date
    checks = {
        "A6": active and repeats[p.id_number] > 1,
        "A10": active and not (p.education and p.post_title and p.mobile),
        "A11": p.entry_date < add_months_clamped(p.birth_date, 18 * 12),
        "B3": active and month_end(reach(p)) < AS_OF,
        "B5": p.in_est and p.status == "retired",
        "B6": p.in_est and p.status in EXITED,
        "C4": p.est_type not in ALLOWED.get(unit_kind, {"XZ", "GQ"}),
        "D1": p.post_unit_code != p.unit_code,
    }
    return hits + [kind for kind, hit in checks.items() if hit]


def count_rules(units: list[UnitRecord], persons: list[PersonRecord]) -> tuple[list[str], list[str]]:
    by_type = Counter((p.unit_code, p.est_type) for p in persons if p.in_est and p.est_type)  # any status
    posts = {"unit_chief": ("unit", "chief"), "unit_deputy": ("unit", "deputy"),
             "internal_chief": ("internal", "chief"), "internal_deputy": ("internal", "deputy")}
    holders = Counter((p.unit_code, posts[p.leader_kind]) for p in persons if is_active(p) and p.leader_kind in posts)
    quota = {u.code: u for u in units}
    over = {code for (code, t), n in by_type.items() if n > quota[code].quotas.get(t, 0)}
    extra = {code for (code, key), n in holders.items() if n > quota[code].posts.get(key, 0)}
    return sorted(over), sorted(extra)


@pytest.mark.parametrize(("n_units", "n_persons"), [(3, 40), (60, 1000), (1200, 8000)])
def test_clean_data_has_exact_counts_valid_ids_and_breaks_no_rule(n_units: int, n_persons: int):
    result, out = run(SeedOptions(n_units, n_persons, 5, AS_OF, rate=0))
    units, persons = out.units_, out.persons_
    assert len(units) == n_units == len({u.code for u in units}) and len(persons) == n_persons == result.persons
    seen: set[str] = set()
    for unit in units:  # parents come first, USCCs are valid and fit the unit kind (rule A9)
        assert unit.parent_code is None or unit.parent_code in seen
        seen.add(unit.code)
        prefix = {"institution": "12", "mass": "13"}.get(unit.kind, "11")
        assert check_uscc(unit.uscc or "").ok and (unit.uscc or "").startswith(prefix)
    assert all(check_id(p.id_number, today=AS_OF).ok for p in persons)
    assert len({p.id_number for p in persons}) == n_persons  # IDs unique, so no 一人多编 (A6)
    assert len({(p.name, p.birth_date) for p in persons}) == n_persons  # no 疑似重复 (A7)
    assert len({p.mobile for p in persons}) == n_persons
    assert all(reach(p) > AS_OF + timedelta(days=180) for p in persons)  # not even approaching (B2)
    assert {k: v for k, v in scan(units, persons, out.bodies_).items() if v} == {}
    codes = {(b.unit_code, b.code) for b in out.bodies_}
    assert len(codes) == len(out.bodies_) >= sum(1 for u in units if u.internal_limit)
    assert all((p.unit_code, p.body_code) in codes for p in persons if p.body_code)
    chiefs = [p for p in persons if p.leader_kind == "internal_chief"]
    assert sum(1 for p in chiefs if p.body_code) >= len(chiefs) / 2
    assert result.manifest.total() == 0


def test_the_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path):
    def files(seed: int, name: str) -> list[bytes]:
        asyncio.run(seed_files(SeedOptions(60, 800, seed, AS_OF, 0.02, to_files=True), tmp_path / name))
        return [(tmp_path / name / f).read_bytes() for f in ("units.csv", "persons.csv", "defects.json")]

    first, again, other = files(11, "a"), files(11, "b"), files(12, "c")
    assert first == again
    assert all(x != y for x, y in zip(first, other, strict=True))


def test_quotas_are_sensible_and_persons_fill_most_units():
    _, out = run(SeedOptions(2000, 40000, 3, AS_OF, rate=0))
    size = Counter(p.unit_code for p in out.persons_)
    departments = [u for u in out.units_ if u.level == "50" and u.kind == "gov" and u.quotas]
    assert 10 <= sorted(u.quotas["XZ"] for u in departments)[len(departments) // 2] <= 30
    fill = [size[u.code] / sum(u.quotas.values()) for u in out.units_ if sum(u.quotas.values()) >= 10]
    assert sum(0.7 <= f <= 1.0 for f in fill) / len(fill) > 0.9
    assert {u.level for u in out.units_} == {"20", "40", "50", "60"}
    assert 0.5 < sum(p.sex == "M" for p in out.persons_) / len(out.persons_) < 0.6
    leaders = [p for p in out.persons_ if p.leader_kind != "none"]
    assert leaders and all(p.appoint_date and p.appoint_doc for p in leaders)


def test_the_manifest_lists_exactly_what_a_rule_scan_finds():
    options = SeedOptions(400, 6000, 9, AS_OF, rate=0.02)
    result, out = run(options)
    manifest = result.manifest_json()
    assert scan(out.units_, out.persons_, out.bodies_) == manifest["subjects"]
    counts = manifest["counts"]
    assert all(counts[k] >= 100 for k in ("A1", "A2", "A3", "A4", "A10", "A11", "B3", "B5", "B6", "C4", "D1"))
    assert counts["A6"] >= 200 and counts["A8"] == 8 and counts["C5"] >= 1 and counts["C1"] >= 8
    assert counts["C7"] == 8 and len(set(body_posts_over(out.persons_, out.bodies_))) == 8


async def test_files_leave_out_id_defects_and_import_cleanly(rt, tmp_path: Path):
    result = await seed_files(SeedOptions(60, 1000, 4, AS_OF, 0.02, to_files=True), tmp_path)
    assert all(result.manifest.counts()[k] == 0 for k in DB_ONLY) and result.manifest.total() > 100
    units = await import_units(rt.sessions, tmp_path / "units.csv")
    assert units.committed and units.counts.inserted == 60, [p.describe() for p in units.problems[:5]]
    bodies = await import_bodies(rt.sessions, tmp_path / "bodies.csv")
    assert bodies.committed and bodies.counts.inserted > 60, [p.describe() for p in bodies.problems[:5]]
    persons = await import_persons(rt.sessions, rt.cipher, tmp_path / "persons.csv", today=AS_OF)
    assert persons.committed and persons.counts.inserted == 1000, [p.describe() for p in persons.problems[:5]]


async def test_seeding_the_database_writes_one_batch_and_refuses_a_second_time(rt):
    options = SeedOptions(60, 1000, 4, AS_OF, 0.02)
    result = await seed_database(rt, options)
    async with rt.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Unit)) == 60
        assert await session.scalar(select(func.count()).select_from(Person)) == 1000
        statuses = Counter((await session.scalars(select(col(Person.id_status)))).all())
        batch = (await session.scalars(select(ImportBatch))).one()
    counts = result.manifest.counts()
    assert statuses["checksum"] == counts["A1"] and statuses["date"] == counts["A2"] > 0
    assert statuses["legacy15"] == counts["A4"] > 0
    assert (batch.kind, batch.status, batch.inserted) == ("seed", "done", 1000)
    assert (rt.settings.var_dir / MANIFEST_NAME).exists()
    with pytest.raises(SeedRefused):
        await seed_database(rt, options)


async def test_demo_seeds_a_county_with_every_defect_kind_and_an_account_per_role(rt):
    demo = await seed_demo(rt, AS_OF)
    assert demo.units == 42 and demo.persons == 1500
    assert all(demo.counts[k] >= 2 for k in TITLES)
    assert {a.role for a in demo.accounts} == {r.value for r in Role}
    async with rt.sessions() as session:
        steward = await get_account(session, login="steward1")
        assert steward is not None and password_matches(steward, DEMO_PASSWORD)
        scopes = (await session.scalars(select(AccountScope).where(col(AccountScope.account_id) == steward.id))).all()
        assert len(scopes) == 1 and not scopes[0].subtree
    with pytest.raises(SeedRefused):
        await seed_demo(rt, AS_OF)


def test_the_command_writes_files_and_explains_bad_arguments(tmp_path: Path):
    from tasks.cli import cli

    runner = CliRunner()
    done = runner.invoke(cli, ["seed", "--units", "30", "--persons", "300", "--to-files", str(tmp_path),
                               "--as-of", "2026-06-30"])
    assert done.exit_code == 0, done.output
    assert "已生成 机构 30 个、人员 300 人" in done.output and (tmp_path / "defects.json").exists()
    assert runner.invoke(cli, ["seed"]).exit_code == 1
    assert runner.invoke(cli, ["seed", "--demo", "--to-files", str(tmp_path)]).exit_code == 1
