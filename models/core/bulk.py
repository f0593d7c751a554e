"""Set-based writes: COPY on PostgreSQL, one executemany on SQLite. Both join the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Column, Float, Integer, LargeBinary, Numeric, String, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

PLAIN_TYPES = (Integer, String, Boolean, LargeBinary, Float, Numeric)


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows (dicts with the same keys) as fast as the backend allows."""
    if not rows:
        return
    if is_postgres(session):
        await _copy(session, table, rows)
    else:
        await session.execute(insert(table), list(rows))


async def _copy(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    columns = list(rows[0])
    await copy_in(session, table, columns, copy_records(table, columns, rows))


async def copy_in(session: AsyncSession, table: Table, columns: list[str], records: list[tuple[Any, ...]]) -> None:
    """COPY records built by :func:`copy_records` into ``table`` (PostgreSQL), in the session's transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


def copy_records(table: Table, columns: list[str], rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows as COPY tuples, column by column: only columns whose type can hold a datetime or
    JSON go through :func:`_copy_value` (per-cell checks cost more than the COPY itself)."""
    get = itemgetter(*columns)
    values = [get(row) for row in rows] if len(columns) > 1 else [(get(row),) for row in rows]
    by_column = list(zip(*values, strict=True))
    for index, name in enumerate(columns):
        if not _plain(table.c.get(name)):
            by_column[index] = tuple(map(_copy_value, by_column[index]))
    return list(zip(*by_column, strict=True))


def _plain(column: Column[Any] | None) -> bool:
    """A column whose values COPY takes as they are (never an aware datetime, dict or list)."""
    if column is None:
        return False
    kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    return isinstance(kind, PLAIN_TYPES)


def _copy_value(value: Any) -> Any:
    # COPY bypasses SQLAlchemy's type processing: store UTC-aware datetimes naive, like UTCDateTime does.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value
