"""The demo data set: 安吉县 (with 湖州市 and 浙江省 above it), its accounts, its known defects.

``seed_demo`` fills an EMPTY database (it refuses otherwise, so it can never mix with real data)
with about 40 county units and 1,500 persons carrying two or three records of every defect kind,
plus one account per role, all with the password ``bzops-demo``. ``bzops run`` calls it on first
start; ``bzops seed --demo`` calls it by hand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from random import Random
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.store import ScopeSpec, create_account
from models.core.enums import Role
from models.core.runtime import Runtime
from tasks.importing.progress import Progress
from tasks.seed.defects import TITLES
from tasks.seed.demo_locks import seed_demo_locks
from tasks.seed.demo_scores import seed_demo_scores
from tasks.seed.demo_selfchecks import seed_demo_selfchecks
from tasks.seed.demo_tasks import seed_demo_tasks
from tasks.seed.generate import SeedOptions, SeedResult
from tasks.seed.payroll import seed_demo_roster
from tasks.seed.regions import CITIES, ZHEJIANG
from tasks.seed.tree import Government, UnitInfo
from tasks.seed.writer import MANIFEST_NAME, seed_database

DEMO_PASSWORD = "bzops-demo"
DEMO_SEED = 20240913  # the day the retirement reform was adopted
DEMO_PERSONS = 1500
_HUZHOU = next(c for c in CITIES if c.region.name == "湖州市")
_ANJI = next(r for r in _HUZHOU.counties if r.name == "安吉县")
# Fewer departments than usual leave room for a dozen 事业单位 (schools, the hospital …) in 40 units.
DEMO_SHAPE = (Government(ZHEJIANG, 1), Government(_HUZHOU.region, 1, ZHEJIANG),
              Government(_ANJI, 40, _HUZHOU.region, dept_share=0.6))


@dataclass(frozen=True)
class DemoAccount:
    login: str
    role: str
    password: str
    display_name: str
    scope: str  # what the account sees, in words


@dataclass
class DemoResult:
    accounts: list[DemoAccount]
    units: int
    persons: int
    manifest: dict[str, Any]
    manifest_path: str
    summary: str
    counts: dict[str, int] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)  # the demo's approval items (事项), one line each


def demo_options(as_of: date) -> SeedOptions:
    rng = Random(f"{DEMO_SEED}/demo-counts")
    wanted = {kind: 2 + rng.randrange(2) for kind in TITLES}
    wanted["C5B"] = 2  # two 内设机构 with a chief too many (reported as C5 超职数)
    units = sum(g.budget for g in DEMO_SHAPE)
    return SeedOptions(units, DEMO_PERSONS, DEMO_SEED, as_of, shape=DEMO_SHAPE, wanted=wanted)


async def seed_demo(rt: Runtime, as_of: date | None = None, progress: Progress | None = None) -> DemoResult:
    """Seed the demo county and its accounts; raises ``SeedRefused`` if any unit exists."""
    accounts: list[DemoAccount] = []

    async def _accounts(session: AsyncSession, result: SeedResult) -> None:
        accounts.extend(await create_demo_accounts(session, result))
        county = next(u for u in result.units if u.is_root and u.region.code == _ANJI.code)
        await seed_demo_roster(session, rt.cipher, result.manifest, county_code=county.record.code,  # 工资统发名单
                               county_name=county.region.name, as_of=as_of or date.today(), seed=DEMO_SEED)

    result = await seed_database(rt, demo_options(as_of or date.today()), progress, "demo", _accounts)
    await seed_demo_tasks(rt, as_of or date.today())  # 任务流转: a task in every state, one past its deadline
    await seed_demo_selfchecks(rt, as_of or date.today())  # 自查: units with 2, 1 and no checks this month
    locked = await seed_demo_locks(rt, as_of or date.today(), DEMO_PASSWORD)  # 锁定: one has asked to unlock
    accounts.extend(DemoAccount(login, Role.STEWARD.value, DEMO_PASSWORD, name, unit) for login, name, unit in locked)
    await seed_demo_scores(rt, as_of or date.today())  # 评分: last month published, this month's draft + 申诉
    return DemoResult(accounts, len(result.units), result.persons, result.manifest_json(),
                      str(rt.settings.var_dir / MANIFEST_NAME), result.summary(), result.manifest.counts())


async def create_demo_accounts(session: AsyncSession, result: SeedResult) -> list[DemoAccount]:
    county = next(u for u in result.units if u.is_root and u.region.code == _ANJI.code)
    flawed, clean = steward_units(result)
    everything: list[ScopeSpec] = []
    subtree = [ScopeSpec(county.record.code, True)]
    plan = [
        ("admin", Role.ADMIN, "系统管理员（演示）", everything, "全部"),
        ("officer", Role.OFFICER, "县编办科室干部（演示）", subtree, county.record.name + "及下级"),
        ("leader", Role.LEADER, "县编办分管领导（演示）", subtree, county.record.name + "及下级"),
        ("org", Role.ORG, "县委组织部干部（演示）", subtree, county.record.name + "及下级"),
        ("hr", Role.HR, "县人社局干部（演示）", subtree, county.record.name + "及下级"),
        ("finance", Role.FINANCE, "县财政局干部（演示）", subtree, county.record.name + "及下级"),
        ("auditor", Role.AUDITOR, "审计员（演示）", everything, "全部（只读）"),
        ("steward1", Role.STEWARD, "数据管理专员（演示）", [ScopeSpec(flawed.record.code, False)], flawed.record.name),
        ("steward2", Role.STEWARD, "数据管理专员（演示）", [ScopeSpec(clean.record.code, False)], clean.record.name),
    ]
    made = []
    for number, (login, role, name, scopes, seen) in enumerate(plan, start=1):
        await create_account(session, login=login, display_name=name, role=role, password=DEMO_PASSWORD,
                             scopes=scopes, mobile=f"1990000{number:04d}", actor="seed")
        made.append(DemoAccount(login, role.value, DEMO_PASSWORD, name, seen))
    return made


def steward_units(result: SeedResult) -> tuple[UnitInfo, UnitInfo]:
    """The county unit with the most seeded defects, and the first one with the fewest (none)."""
    hits: Counter[str] = Counter()
    for subjects in result.manifest.subjects.values():
        hits.update(s if isinstance(s, str) else s[0] for s in subjects)
    staffed = [u for u in result.units if u.record.quotas and u.region.code == _ANJI.code]
    order = {u.record.code: i for i, u in enumerate(staffed)}
    flawed = max(staffed, key=lambda u: (hits[u.record.code], -order[u.record.code]))
    clean = min((u for u in staffed if u is not flawed), key=lambda u: (hits[u.record.code], order[u.record.code]))
    return flawed, clean
