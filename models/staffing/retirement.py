"""Statutory retirement age: the old 60/55/50 rules plus the 2024 gradual reform (domain §4).

Contract (pure functions, no I/O):

* Three categories: ``male``, ``female_cadre`` (original age 55) and ``female_worker`` (50).
* ``retirement_age_months`` applies the reform table: from a category's first affected birth
  month the age rises by one month for every ``step`` birth months, capped at ``cap`` months.
  People born before that month keep the old age; the rule is the same before and after
  2025-01-01 because it is keyed on birth month only.
* ``retirement_date`` is the day the person reaches the age: the same day-of-month in the
  retirement month, clamped to that month's end. A per-person override (e.g. 处级女干部 at 60,
  中组发〔2015〕14号) replaces the computed age; ``parse_age_override`` reads it from free text.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

MALE: Final = "male"
FEMALE_CADRE: Final = "female_cadre"
FEMALE_WORKER: Final = "female_worker"
CATEGORIES: Final = (MALE, FEMALE_CADRE, FEMALE_WORKER)


@dataclass(frozen=True)
class _Rule:
    base_years: int
    first_birth: tuple[int, int]  # (year, month) of the first cohort affected by the reform
    step: int  # birth months per month of delay
    cap: int  # maximum delay in months


_RULES: Final = {
    MALE: _Rule(60, (1965, 1), 4, 36),
    FEMALE_CADRE: _Rule(55, (1970, 1), 4, 36),
    FEMALE_WORKER: _Rule(50, (1975, 1), 2, 60),
}

# Bounds for a per-person override; anything outside is almost certainly a typo.
_MIN_OVERRIDE_YEARS, _MAX_OVERRIDE_YEARS = 40, 70

_OVERRIDE_RE = re.compile(
    r"(?P<years>[0-9]{1,3})\s*(?:周?岁)?\s*(?:(?P<months>[0-9]{1,2})\s*个?月)?\s*(?P<rest>.*)", re.S
)
_BASIS_OPENERS = "（([〔【［<《,，;；:：、-—"
_OPEN_BRACKETS, _CLOSE_BRACKETS = tuple("（([【［<《"), tuple("）)]】］>》")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def category_for(sex: Literal["M", "F"], identity: Literal["cadre", "worker"]) -> str:
    """Men share one rule whatever their identity; women split by 干部/工人 identity."""
    if sex == "M":
        return MALE
    return FEMALE_CADRE if identity == "cadre" else FEMALE_WORKER


def _rule(category: str) -> _Rule:
    try:
        return _RULES[category]
    except KeyError:
        raise ValueError(f"未知的退休类别：{category}") from None


def retirement_delay_months(birth: date, category: str) -> int:
    """Months added by the 2024 reform (0 for cohorts born before the first affected month)."""
    rule = _rule(category)
    first_year, first_month = rule.first_birth
    n = (birth.year - first_year) * 12 + (birth.month - first_month)
    return 0 if n < 0 else min(n // rule.step + 1, rule.cap)


def retirement_age_months(birth: date, category: str) -> int:
    """Statutory retirement age in months, e.g. 721 for 60 years 1 month."""
    return _rule(category).base_years * 12 + retirement_delay_months(birth, category)


def add_months_clamped(start: date, months: int) -> date:
    """Same day-of-month ``months`` later, clamped to the end of the target month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def retirement_date(birth: date, category: str, override_months: int | None = None) -> date:
    """The date the person reaches retirement age (inclusive: on this day the age is reached)."""
    if override_months is not None and override_months <= 0:
        raise ValueError("退休年龄特殊规定必须为正数")
    months = override_months if override_months is not None else retirement_age_months(birth, category)
    return add_months_clamped(birth, months)


def reached_retirement_age(birth: date, category: str, on: date, override_months: int | None = None) -> bool:
    """True from ``retirement_date`` onwards: the age is reached on that day, not the day after."""
    return on >= retirement_date(birth, category, override_months)


def parse_age_override(text: str | None) -> tuple[int | None, str | None]:
    """Parse a 退休年龄特殊规定 such as "60", "58岁6个月" or "60岁（中组发〔2015〕14号）".

    Returns (age in months, basis text or None); empty text means no override.
    """
    cleaned = (text or "").strip().translate(_FULLWIDTH_DIGITS)
    if not cleaned:
        return None, None
    match = _OVERRIDE_RE.fullmatch(cleaned)
    rest = match.group("rest").strip() if match else ""
    if match is None or (rest and rest[0] not in _BASIS_OPENERS):
        raise ValueError(f"无法识别的退休年龄特殊规定：{text}（示例：60岁、58岁6个月、60岁（依据文号））")
    years, months = int(match.group("years")), int(match.group("months") or 0)
    if not _MIN_OVERRIDE_YEARS <= years <= _MAX_OVERRIDE_YEARS or months > 11:
        raise ValueError(f"退休年龄特殊规定超出合理范围：{text}")
    return years * 12 + months, _basis(rest)


def _basis(rest: str) -> str | None:
    """Drop the separator or the brackets around the basis text, e.g. （中组发〔2015〕14号）."""
    inner = rest[1:-1]
    # Only unwrap one enclosing pair: "（A）（B）" must stay intact.
    wrapped = rest[:1] in _OPEN_BRACKETS and rest[-1:] in _CLOSE_BRACKETS
    if rest and wrapped and not any(c in inner for c in "）)"):
        rest = inner
    rest = rest.lstrip(",，;；:：、-— ").strip()
    return rest or None
