"""The unit tree: province → cities → counties → townships, each with its departments and 事业单位.

``shape_for`` splits a target of N units over governments (the province, some cities, some of
their counties); ``build_tree`` builds each government from :mod:`catalog` within its budget, so
the tree has exactly N units, parents before children. Quotas drawn here are county-scale
"natural" sizes; :func:`tasks.seed.quotas.fit_quotas` later scales them to the person target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from models.staffing.records import UnitRecord
from tasks.seed import catalog
from tasks.seed.catalog import Dept, Inst
from tasks.seed.codes import uscc
from tasks.seed.names import town_names
from tasks.seed.regions import CITIES, ZHEJIANG, Region

UNITS_PER_COUNTY = 450  # a county with its townships and 事业单位 (domain §7: 300–800)
LEVEL_SCALE = {"20": 3.0, "40": 1.8, "50": 1.0, "60": 1.0}
GRADES = {"20": ("正省部级", "正厅级", "正处级"), "40": ("正厅级", "正处级", "正科级"),
          "50": ("正处级", "正科级", "副科级"), "60": ("正科级", "股级", "股级")}
REFORM_DAY = date(2019, 3, 1)  # quotas re-approved after the 2018–2019 机构改革


@dataclass
class UnitInfo:
    """A unit record plus what person generation needs to know about it."""

    record: UnitRecord
    region: Region
    chief: str = "主任"
    profession: str | None = None  # None for 机关; school / hospital / general for 事业单位
    is_root: bool = False


@dataclass(frozen=True)
class Government:
    region: Region
    budget: int
    parent: Region | None = None
    dept_share: float = 0.75  # of the units left after the root and townships; the rest are 事业单位


@dataclass
class TreeBuilder:
    rng: Random
    as_of: date
    width: int
    units: list[UnitInfo] = field(default_factory=list)
    roots: dict[str, str] = field(default_factory=dict)  # region code -> root unit code
    _seq: dict[str, int] = field(default_factory=dict)
    _serial: tuple[int, int] = (1, 0)

    def __post_init__(self) -> None:
        # An affine map with a multiplier coprime to 10**8 gives distinct organisation codes.
        a = self.rng.randrange(1_000_001, 9_999_999, 2)
        self._serial = (a + 2 if a % 5 == 0 else a, self.rng.randrange(10**8))

    def code(self, region: Region) -> str:
        self._seq[region.code] = self._seq.get(region.code, 0) + 1
        return f"{region.code}{self._seq[region.code]:0{self.width}d}"

    def add(self, info: UnitInfo) -> str:
        a, b = self._serial
        record = info.record
        record.uscc = uscc(record.kind, info.region.code, a * len(self.units) + b)
        self.units.append(info)
        return record.code

    def approval(self, region: Region) -> tuple[date, str]:
        end = self.as_of - timedelta(days=60)
        start = min(REFORM_DAY, end - timedelta(days=3 * 365))
        day = start + timedelta(days=self.rng.randrange((end - start).days + 1))
        return day, f"{region.abbr}委编〔{day.year}〕{self.rng.randint(1, 60)}号"


def shape_for(n_units: int) -> list[Government]:
    """Governments and their unit budgets for a tree of exactly ``n_units`` units."""
    if n_units < 6:  # too small for three levels that each hold staff: provincial departments only
        return [Government(ZHEJIANG, n_units)]
    all_counties = [(city, county) for city in CITIES for county in city.counties]
    n_counties = max(1, min(len(all_counties), n_units // UNITS_PER_COUNTY))
    n_cities = max(1, min(len(CITIES), math.ceil(n_counties / 8)))
    counties = _spread(n_counties, n_cities)
    cities = [CITIES[i] for i in range(n_cities)]
    weights = [2.0] + [14.0 / n_cities] * n_cities + [84.0 / n_counties] * n_counties
    budgets = iter(split(n_units, weights))
    govs = [Government(ZHEJIANG, next(budgets))]
    govs += [Government(city.region, next(budgets), ZHEJIANG) for city in cities]
    govs += [Government(cities[i].counties[j], next(budgets), cities[i].region) for i, j in counties]
    return govs


def _spread(n_counties: int, n_cities: int) -> list[tuple[int, int]]:
    """(city index, county index) pairs, taking counties round-robin over the chosen cities."""
    picked: list[tuple[int, int]] = []
    depth = 0
    while len(picked) < n_counties:
        for i in range(n_cities):
            if depth < len(CITIES[i].counties) and len(picked) < n_counties:
                picked.append((i, depth))
        depth += 1
    return sorted(picked)


def split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to ``weights``, each at least 1, summing to ``total`` (largest remainder)."""
    extra = total - len(weights)
    ideal = [extra * w / sum(weights) for w in weights]
    parts = [int(x) for x in ideal]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - ideal[i], i))
    for i in order[: extra - sum(parts)]:
        parts[i] += 1
    return [p + 1 for p in parts]


def build_tree(govs: list[Government], rng: Random, as_of: date) -> list[UnitInfo]:
    width = max(4, len(str(max(g.budget for g in govs) + 1)))
    builder = TreeBuilder(rng, as_of, width)
    for gov in govs:
        parent = builder.roots[gov.parent.code] if gov.parent else None
        _government(builder, gov, parent)
    return builder.units


def _government(b: TreeBuilder, gov: Government, parent: str | None) -> None:
    """The party committee as root, its departments with their 事业单位, then the townships."""
    region = gov.region
    root = b.add(_root(b, region, parent))
    b.roots[region.code] = root
    rest = gov.budget - 1
    towns = _township_sizes(b.rng, rest) if region.level == "50" else []
    n_depts = min(len(catalog.DEPARTMENTS), math.ceil((rest - sum(towns)) * gov.dept_share))
    depts = catalog.DEPARTMENTS[:n_depts]
    groups = _share_institutions(b.rng, depts, rest - sum(towns) - n_depts)
    for dept, insts in zip(depts, groups, strict=True):
        info = _dept_unit(b, dept, region, root)
        code = b.add(info)
        for inst, number in insts:
            b.add(_inst_unit(b, inst, region, code, number, region.name, info.record.name))
    for town, size in zip(town_names(b.rng, len(towns)), towns, strict=True):
        _township(b, region, town, size)


def _root(b: TreeBuilder, region: Region, parent: str | None) -> UnitInfo:
    """中共X委员会: the top of a government's subtree (scopes are subtrees); it holds no quota."""
    record = UnitRecord(b.code(region), f"中共{region.name}委员会", region.level, "party", parent,
                        region_code=region.code, grade=GRADES[region.level][0])
    return UnitInfo(record, region, "书记", is_root=True)


def _township_sizes(rng: Random, room: int) -> list[int]:
    """Unit counts of the townships (root + 党政办 + 1–4 stations), about a fifth of the county."""
    count = min(30, round(room * 0.2 / 4.5))
    sizes = [3 + rng.randrange(4) for _ in range(count)]
    while sizes and sum(sizes) > room * 0.3:
        sizes.pop()
    return sizes


def _share_institutions(rng: Random, depts: tuple[Dept, ...], count: int) -> list[list[tuple[Inst, int]]]:
    """Which 事业单位 go under which department, each with its number in its series (第一, 第二 …).

    Fixed institutions come first, then the numbered series; schools and hospitals weigh most.
    """
    shares: list[list[tuple[Inst, int]]] = [[] for _ in depts]
    used: dict[tuple[int, str], int] = {}
    candidates = [i for i, d in enumerate(depts) if d.group] or [0]
    for _ in range(count):
        weights = [catalog.GROUP_WEIGHTS.get(depts[i].group or "", 1.0)
                   if _next_inst(depts[i], len(shares[i])) else 0.0 for i in candidates]
        if not any(weights):
            weights = [1.0] * len(candidates)
        i = rng.choices(candidates, weights)[0]
        inst = _next_inst(depts[i], len(shares[i])) or GENERIC
        used[(i, inst.name)] = used.get((i, inst.name), 0) + 1
        shares[i].append((inst, used[(i, inst.name)]))
    return shares


def _next_inst(dept: Dept, taken: int) -> Inst | None:
    """The next institution of the department's group; numbered series never run out."""
    templates = catalog.INSTITUTIONS.get(dept.group or "", ())
    fixed = [t for t in templates if not t.numbered]
    if taken < len(fixed):
        return fixed[taken]
    series = [t for t in templates if t.numbered]
    return series[(taken - len(fixed)) % len(series)] if series else None


# For departments whose own list has run out (only in trees far larger than real ones).
GENERIC = Inst("{d}第{n}服务中心", (5, 12), numbered=True)


def _dept_unit(b: TreeBuilder, dept: Dept, region: Region, parent: str) -> UnitInfo:
    level = region.level
    name = dept.pattern(level).format(r=region.name, o="办公厅" if level == "20" else "办公室",
                                      b="厅" if level == "20" else "局")
    quotas = {t: _draw(b.rng, rng_range, LEVEL_SCALE[level])
              for t, rng_range in (("XZ", dept.xz), ("ZF", dept.zf), ("GQ", dept.gq))}
    day, doc = b.approval(region)
    record = UnitRecord(b.code(region), name, level, dept.kind, parent, region_code=region.code,
                        grade=GRADES[level][1], approved_on=day, approval_doc=doc,
                        quotas={t: n for t, n in quotas.items() if n})
    return UnitInfo(record, region, dept.chief)


def _inst_unit(b: TreeBuilder, inst: Inst, region: Region, parent: str, number: int, place: str,
               dept_name: str = "") -> UnitInfo:
    level = region.level
    name = inst.name.format(r=place, t=place, n=catalog.ordinal(number), d=dept_name)
    day, doc = b.approval(region)
    record = UnitRecord(b.code(region), name, level, "institution", parent, region_code=region.code,
                        is_cangong=inst.cangong, funding=inst.funding, grade=GRADES[level][2],
                        approved_on=day, approval_doc=doc,
                        quotas={"SY": _draw(b.rng, inst.sy, LEVEL_SCALE[level])})
    return UnitInfo(record, region, inst.chief, inst.profession)


def _draw(rng: Random, bounds: tuple[int, int], scale: float) -> int:
    low, high = bounds
    return 0 if high == 0 else round(rng.randint(low, high) * scale)


def _township(b: TreeBuilder, county: Region, town: str, size: int) -> None:
    suffix, chief = b.rng.choice((("镇", "镇长"), ("镇", "镇长"), ("乡", "乡长"), ("街道", "主任")))
    place = town + suffix
    seat = Region(county.code, county.name, "60")
    day, doc = b.approval(county)
    root = UnitRecord(b.code(county), f"{county.name}{place}", "60", "gov", b.roots[county.code],
                      region_code=county.code, grade=GRADES["60"][0], approved_on=day, approval_doc=doc,
                      quotas={"XZ": b.rng.randint(18, 35), "GQ": b.rng.randint(1, 3)})
    code = b.add(UnitInfo(root, seat, chief))
    office = catalog.TOWNSHIP_OFFICE
    day, doc = b.approval(county)
    b.add(UnitInfo(UnitRecord(b.code(county), office.name.format(t=place), "60", office.kind, code,
                              region_code=county.code, grade=GRADES["60"][1], approved_on=day,
                              approval_doc=doc, quotas={"XZ": b.rng.randint(*office.xz)}), seat, office.chief))
    for station in catalog.TOWNSHIP_STATIONS[: size - 2]:
        b.add(_inst_unit(b, station, seat, code, 1, place))
