"""Dialect-portable SQL pieces for the rules. Date arithmetic differs between SQLite and PostgreSQL,
so rules compare dates with bind parameters computed in Python, or as YYYYMMDD integers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, extract, select

from models.rule_tables import ScanScope
from models.tables import Person, PostQuota, Quota, Unit

PERSON = Person.__table__  # type: ignore[attr-defined]
UNIT = Unit.__table__  # type: ignore[attr-defined]
QUOTA = Quota.__table__  # type: ignore[attr-defined]
POSTS = PostQuota.__table__  # type: ignore[attr-defined]
SCOPE = ScanScope.__table__  # type: ignore[attr-defined]


def yyyymmdd(column: Any) -> ColumnElement[int]:
    """A date as the integer YYYYMMDD: the difference of two such numbers gives age by birthday rules."""
    return extract("year", column) * 10000 + extract("month", column) * 100 + extract("day", column)


def active() -> ColumnElement[bool]:
    """In establishment and in service: the records that occupy a post (domain §9 "active")."""
    return PERSON.c.in_est.is_(True) & (PERSON.c.status == "active")  # type: ignore[no-any-return]


def in_scope(unit_column: Any, scan_id: int | None) -> ColumnElement[bool] | None:
    """Restrict to the units of an incremental scan; None for a full scan."""
    if scan_id is None:
        return None
    return unit_column.in_(select(SCOPE.c.unit_id).where(SCOPE.c.scan_id == scan_id))  # type: ignore[no-any-return]
