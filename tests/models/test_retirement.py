"""Retirement age and date against the reference table in domain.md §4.2."""

from __future__ import annotations

from datetime import date

import pytest

from models.staffing.retirement import (
    FEMALE_CADRE,
    FEMALE_WORKER,
    MALE,
    category_for,
    parse_age_override,
    reached_retirement_age,
    retirement_age_months,
    retirement_date,
    retirement_delay_months,
)

# (birth year, birth month, category, delay months, retire year, retire month). Rows marked
# "or later" in the reference table are tested at their first month and at a later cohort.
REFERENCE_TABLE = [
    (1964, 12, MALE, 0, 2024, 12),
    (1965, 1, MALE, 1, 2025, 2),
    (1965, 4, MALE, 1, 2025, 5),
    (1965, 5, MALE, 2, 2025, 7),
    (1965, 12, MALE, 3, 2026, 3),
    (1976, 8, MALE, 35, 2039, 7),
    (1976, 9, MALE, 36, 2039, 9),
    (1985, 3, MALE, 36, 2048, 3),
    (1970, 1, FEMALE_CADRE, 1, 2025, 2),
    (1971, 4, FEMALE_CADRE, 4, 2026, 8),
    (1981, 9, FEMALE_CADRE, 36, 2039, 9),
    (1990, 5, FEMALE_CADRE, 36, 2048, 5),
    (1975, 1, FEMALE_WORKER, 1, 2025, 2),
    (1975, 2, FEMALE_WORKER, 1, 2025, 3),
    (1975, 3, FEMALE_WORKER, 2, 2025, 5),
    (1984, 10, FEMALE_WORKER, 59, 2039, 9),
    (1984, 11, FEMALE_WORKER, 60, 2039, 11),
    (1995, 1, FEMALE_WORKER, 60, 2050, 1),
    # Cohorts just before the reform keep the old ages.
    (1969, 12, FEMALE_CADRE, 0, 2024, 12),
    (1974, 12, FEMALE_WORKER, 0, 2024, 12),
]
BASE_YEARS = {MALE: 60, FEMALE_CADRE: 55, FEMALE_WORKER: 50}


@pytest.mark.parametrize(
    ("year", "month", "category", "delay", "retire_year", "retire_month"), REFERENCE_TABLE
)
def test_it_matches_the_reference_table(
    year: int, month: int, category: str, delay: int, retire_year: int, retire_month: int
) -> None:
    birth = date(year, month, 15)
    assert retirement_delay_months(birth, category) == delay
    assert retirement_age_months(birth, category) == BASE_YEARS[category] * 12 + delay
    assert retirement_date(birth, category) == date(retire_year, retire_month, 15)


@pytest.mark.parametrize("day", [1, 28])
def test_it_ignores_the_day_of_month_when_picking_the_cohort(day: int) -> None:
    assert retirement_age_months(date(1965, 4, day), MALE) == 721
    assert retirement_age_months(date(1965, 5, day), MALE) == 722


@pytest.mark.parametrize(
    ("birth", "category", "expected"),
    [
        (date(1965, 1, 31), MALE, date(2025, 2, 28)),
        (date(1970, 3, 31), FEMALE_CADRE, date(2025, 4, 30)),
        (date(1964, 2, 29), MALE, date(2024, 2, 29)),
        (date(1963, 2, 28), MALE, date(2023, 2, 28)),
        (date(1975, 1, 31), FEMALE_WORKER, date(2025, 2, 28)),
    ],
)
def test_it_clamps_the_day_to_the_end_of_the_retirement_month(
    birth: date, category: str, expected: date
) -> None:
    assert retirement_date(birth, category) == expected


def test_it_reaches_the_age_on_the_retirement_date_itself() -> None:
    birth = date(1965, 1, 20)
    assert retirement_date(birth, MALE) == date(2025, 2, 20)
    assert not reached_retirement_age(birth, MALE, date(2025, 2, 19))
    assert reached_retirement_age(birth, MALE, date(2025, 2, 20))
    assert reached_retirement_age(birth, MALE, date(2025, 2, 21))


def test_it_lets_a_per_person_override_replace_the_computed_age() -> None:
    birth = date(1972, 6, 10)
    assert retirement_date(birth, FEMALE_CADRE) == date(2028, 2, 10)
    assert retirement_date(birth, FEMALE_CADRE, override_months=720) == date(2032, 6, 10)
    assert reached_retirement_age(birth, FEMALE_CADRE, date(2032, 6, 10), override_months=720)
    assert not reached_retirement_age(birth, FEMALE_CADRE, date(2032, 6, 9), override_months=720)


@pytest.mark.parametrize("months", [0, -12])
def test_it_refuses_a_non_positive_override(months: int) -> None:
    with pytest.raises(ValueError, match=r"^退休年龄特殊规定必须为正数$"):
        retirement_date(date(1970, 1, 1), MALE, override_months=months)


def test_it_accepts_the_smallest_positive_override() -> None:
    assert retirement_date(date(1970, 1, 31), MALE, override_months=1) == date(1970, 2, 28)


def test_it_refuses_an_unknown_category() -> None:
    with pytest.raises(ValueError, match="未知的退休类别"):
        retirement_age_months(date(1970, 1, 1), "female")


@pytest.mark.parametrize(
    ("sex", "identity", "expected"),
    [
        ("M", "cadre", MALE),
        ("M", "worker", MALE),
        ("F", "cadre", FEMALE_CADRE),
        ("F", "worker", FEMALE_WORKER),
    ],
)
def test_it_maps_sex_and_identity_to_a_category(sex: str, identity: str, expected: str) -> None:
    assert category_for(sex, identity) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60", (720, None)),
        ("60岁", (720, None)),
        (" 60 周岁 ", (720, None)),
        ("58岁6个月", (702, None)),
        ("58岁6月", (702, None)),
        ("６０岁", (720, None)),
        ("60岁（中组发〔2015〕14号）", (720, "中组发〔2015〕14号")),
        ("60岁(中组发〔2015〕14号)", (720, "中组发〔2015〕14号")),
        ("60岁，依据中组发〔2015〕14号", (720, "依据中组发〔2015〕14号")),
        ("60 〔2015〕14号", (720, "〔2015〕14号")),
        ("60岁（本人申请）（已备案）", (720, "（本人申请）（已备案）")),
        ("", (None, None)),
        ("   ", (None, None)),
        (None, (None, None)),
    ],
)
def test_it_parses_age_overrides(text: str | None, expected: tuple[int | None, str | None]) -> None:
    assert parse_age_override(text) == expected


@pytest.mark.parametrize("text", ["六十岁", "abc", "60x", "58.5", "58岁6", "岁"])
def test_it_refuses_unparsable_overrides(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别"):
        parse_age_override(text)


@pytest.mark.parametrize("text", ["6", "600", "58岁12个月", "39岁"])
def test_it_refuses_implausible_overrides(text: str) -> None:
    with pytest.raises(ValueError, match="合理范围"):
        parse_age_override(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("58岁11个月", (707, None)),  # the largest month count
        ("58周岁11个月", (707, None)),
        ("58 岁 11 个月", (707, None)),
        ("５８岁１１个月", (707, None)),
        ("40", (480, None)),  # the lower limit itself
        ("40岁0个月", (480, None)),
        ("70", (840, None)),  # the upper limit itself
        ("70岁11个月", (851, None)),
    ],
)
def test_it_accepts_overrides_up_to_the_limits(text: str, expected: tuple[int, None]) -> None:
    assert parse_age_override(text) == expected


@pytest.mark.parametrize("text", ["39岁11个月", "71", "71岁", "0", "58岁12个月", "60岁99个月"])
def test_it_refuses_overrides_beyond_the_limits(text: str) -> None:
    with pytest.raises(ValueError, match="合理范围"):
        parse_age_override(text)


@pytest.mark.parametrize("opener", list("（([〔【［<《,，;；:：、-—"))
def test_every_separator_may_introduce_the_basis(opener: str) -> None:
    closer = dict(zip("（([【［<《", "）)]】］>》", strict=True)).get(opener, "")
    months, basis = parse_age_override(f"60岁{opener}中组发〔2015〕14号{closer}")
    assert months == 720
    # Brackets around the basis and a leading separator are dropped; 〔 belongs to the 文号 itself.
    assert basis == ("〔中组发〔2015〕14号" if opener == "〔" else "中组发〔2015〕14号")


@pytest.mark.parametrize(("text", "basis"), [
    ("60岁，", None), ("60岁（）", None), ("60岁 ( 本人申请 ) ", "本人申请"), ("60岁——本人申请", "本人申请"),
    ("60岁，：本人申请", "本人申请"), ("58岁6个月（依据）", "依据"), ("60岁(依据）", "依据"),
    ("60岁（依据", "（依据"), ("60岁，依据）", "依据）"),  # only a whole pair of brackets is dropped
    ("60岁（X号）", "X号"), ("60岁，X号", "X号"),
])
def test_it_trims_the_basis_text(text: str, basis: str | None) -> None:
    assert parse_age_override(text)[1] == basis


@pytest.mark.parametrize("text", ["60岁依据文件", "60岁 本人申请", "60岁6个月零5天", "58岁6个月7"])
def test_it_refuses_text_after_the_age_without_a_separator(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别"):
        parse_age_override(text)
