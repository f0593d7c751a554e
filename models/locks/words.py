"""Months and the Chinese words of a lock: its reason with the figures, who locked or lifted it."""

from __future__ import annotations

from datetime import date

from models.selfcheck.counting import check_month

SYSTEM = "system"  # the month-end job


def month_bounds(month: str) -> tuple[date, date]:
    """(first day of ``month``, first day of the next month); a Chinese ValueError for a bad month."""
    year, number = (int(part) for part in check_month(month).split("-"))
    return date(year, number, 1), date(year + number // 12, number % 12 + 1, 1)


def month_before(day: date) -> str:
    """The calendar month before the one ``day`` falls in (the month a job on the 1st closes)."""
    return f"{day.year - 1}-12" if day.month == 1 else f"{day.year}-{day.month - 1:02d}"


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def lock_reason(month: str, checks: int, required: int) -> str:
    """Why the unit was locked, with the figures: 2026年10月完成自查 1 次，少于规定的 2 次."""
    return f"{month_label(month)}完成自查 {checks} 次，少于规定的 {required} 次"
