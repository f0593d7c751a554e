"""Person generation: identity (ID number, name, sex, birth, mobile) and placement in a unit.

Births are drawn from per-category ranges that keep every clean person aged 22+ and more than a
year away from the statutory retirement date at ``as_of`` (models.retirement, the 2024 reform),
so no retirement rule fires on clean data. Defect "profiles" ask for other ranges (already past
retirement, just retired, young, born before 1984 for a 15-digit ID). ID numbers and
(name, birth date) pairs are unique, so neither 一人多编 (A6) nor 疑似重复 (A7) happen by chance.
"""

from __future__ import annotations

from datetime import date
from random import Random
from typing import NamedTuple
from zlib import crc32

from models.staffing.records import PersonRecord
from models.staffing.retirement import add_months_clamped, category_for, retirement_date
from tasks.seed.codes import MobileNumbers, id_check_char, ymd
from tasks.seed.names import NamePicker
from tasks.seed.titles import education, leader_title, pro_title, staff_title

MALE_SHARE = 0.55
YEAR = 365.25
ENTRY_AGE_DAYS = int(21 * YEAR)
RECENT_DAYS = 110  # nobody entered within the last 110 days: A10's 10-working-day window has passed
LEADER_AGES = {"senior": 38, "middle": 30}  # minimum ages of unit leaders and 内设机构 leaders


class Who(NamedTuple):
    number: str
    name: str
    male: bool
    birth: date
    mobile: str


class UnitContext(NamedTuple):
    code: str
    region: str
    kind: str
    level: str
    profession: str | None
    chief: str
    abbr: str


def category(male: bool, worker: bool) -> str:
    return category_for("M" if male else "F", "worker" if worker else "cadre")


class BirthRanges:
    """Birth-date ordinals [lo, hi] per (profile, retirement category), computed once each."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self._cache: dict[tuple[str, str], tuple[int, int]] = {}

    def get(self, profile: str, cat: str) -> tuple[int, int]:
        key = (profile, cat)
        if key not in self._cache:
            self._cache[key] = self._compute(profile, cat)
        return self._cache[key]

    def _compute(self, profile: str, cat: str) -> tuple[int, int]:
        today = self.as_of.toordinal()
        lo = max(self._years_ago(62), earliest_birth(cat, today + 365))
        hi = self._years_ago(22)
        if profile in LEADER_AGES:
            hi = _narrowed(lo, hi, self._years_ago(LEADER_AGES[profile]))
        elif profile == "young":
            lo = max(lo, self._years_ago(40))
        elif profile == "legacy":  # 15-digit IDs: issued before 1999 to people born in the 1900s
            hi = _narrowed(lo, hi, date(1983, 12, 31).toordinal(), date(1999, 12, 31).toordinal())
        elif profile == "mature":
            hi = _narrowed(lo, hi, self._years_ago(30))
        elif profile == "overdue":  # reached the age before the month preceding as_of (rule B3)
            month_start = self.as_of.replace(day=1).toordinal()
            lo, hi = earliest_birth(cat, today - 730), earliest_birth(cat, month_start - 31) - 1
        elif profile == "retired":  # reached the age 40–400 days ago (rule B5)
            lo, hi = earliest_birth(cat, today - 400), earliest_birth(cat, today - 40) - 1
        return lo, hi

    def _years_ago(self, years: int) -> int:
        return add_months_clamped(self.as_of, -12 * years).toordinal()


def _narrowed(lo: int, hi: int, *caps: int) -> int:
    """The first cap that still leaves a non-empty range, else ``hi`` unchanged."""
    return next((min(hi, cap) for cap in caps if min(hi, cap) >= lo), hi)


def earliest_birth(cat: str, after: int) -> int:
    """The earliest birth ordinal whose retirement date falls after ordinal ``after``.

    Retirement dates never decrease with later births, so a binary search suffices.
    """
    lo, hi = after - int(80 * YEAR), after - int(30 * YEAR)
    while lo < hi:
        mid = (lo + hi) // 2
        if retirement_date(date.fromordinal(mid), cat).toordinal() > after:
            hi = mid
        else:
            lo = mid + 1
    return lo


class PersonFactory:
    def __init__(self, seed: int, as_of: date) -> None:
        self.seed = seed
        self.rng = Random(f"{seed}/persons")
        self.names = NamePicker(self.rng)
        self.mobiles = MobileNumbers(Random(f"{seed}/mobiles"))
        self.births = BirthRanges(as_of)
        self.today = as_of.toordinal()
        self._ids: set[int] = set()
        self._name_keys: set[int] = set()
        self._count = 0

    def start_unit(self, index: int) -> None:
        """Restart the random stream for unit ``index``, so what one unit's persons draw (a defect
        profile, a redrawn name) never shifts the persons of the next units."""
        self.rng.seed(f"{self.seed}/persons/{index}")

    def person(self, unit: UnitContext, est_type: str, leader: str = "none", profile: str = "clean") -> PersonRecord:
        if profile == "clean" and leader != "none":
            profile = "senior" if leader.startswith("unit") else "middle"
        return self.build(self.who(unit, est_type, profile), unit, est_type, leader)

    def who(self, unit: UnitContext, est_type: str, profile: str = "clean") -> Who:
        male = self.rng.random() < MALE_SHARE
        lo, hi = self.births.get(profile, category(male, est_type == "GQ"))
        birth = date.fromordinal(lo + int((hi - lo) * (self.rng.random() + self.rng.random()) / 2))
        self._count += 1
        return Who(self._new_id(unit.region, birth, male), self._new_name(male, birth), male, birth,
                   self.mobiles.number(self._count))

    def build(self, who: Who, unit: UnitContext, est_type: str, leader: str) -> PersonRecord:
        """A record of ``who`` in ``unit``: active, 在编, with a complete profile."""
        rng, birth = self.rng, who.birth.toordinal()
        age = int((self.today - birth) / YEAR)
        entry = self.entry(birth)
        if leader == "none":
            title = staff_title(rng, est_type, unit.kind, unit.profession, age)
            series, appointed, doc = title, None, None
        else:
            title = leader_title(leader, unit.chief, unit.kind, unit.level)
            series = "医师" if unit.profession == "hospital" else "专业技术人员"
            appointed, doc = self._appointment(entry, unit, leader)
        return PersonRecord(
            who.number, who.name, unit.code, "M" if who.male else "F", who.birth, est_type,
            "worker" if est_type == "GQ" else "cadre", "active", True, date.fromordinal(entry), None,
            unit.code, title, leader, appointed, doc, education(rng, est_type, unit.profession),
            pro_title(est_type, unit.profession, series, age), who.mobile)

    def entry(self, birth: int) -> int:
        """入编 at 21–28, and at least ``RECENT_DAYS`` before as_of."""
        span = min(7 * 365, self.today - RECENT_DAYS - birth - ENTRY_AGE_DAYS)
        return birth + ENTRY_AGE_DAYS + int(self.rng.random() * max(span, 1))

    def _appointment(self, entry: int, unit: UnitContext, leader: str) -> tuple[date, str]:
        end = self.today - 60
        start = max(entry + 730, self.today - 3650)
        if start > end:
            start = (entry + end) // 2
        day = date.fromordinal(start + int(self.rng.random() * (end - start + 1)))
        series = "委干" if leader.startswith("unit") else "干任"
        return day, f"{unit.abbr}{series}〔{day.year}〕{1 + int(self.rng.random() * 150)}号"

    def claim(self, first17: str) -> bool:
        """Reserve an ID body; False if some person already has it."""
        key = int(first17)
        if key in self._ids:
            return False
        self._ids.add(key)
        return True

    def _new_id(self, area: str, birth: date, male: bool) -> str:
        base = f"{area}{ymd(birth)}"
        while True:
            first17 = f"{base}{int(self.rng.random() * 500) * 2 + male:03d}"
            if self.claim(first17):
                return first17 + id_check_char(first17)

    def claim_name(self, name: str, birth: date) -> bool:
        """Reserve a (name, birth date) pair; False if taken (crc32 clashes only cost a redraw)."""
        key = (crc32(name.encode()) << 20) | birth.toordinal()
        if key in self._name_keys:
            return False
        self._name_keys.add(key)
        return True

    def _new_name(self, male: bool, birth: date) -> str:
        while True:
            name = self.names.full(male, birth.year)
            if self.claim_name(name, birth):
                return name
