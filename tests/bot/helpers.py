"""Test data shared by the channel tests."""

from __future__ import annotations

from bot.base import Message

SECRET = "SEC" + "0123456789abcdef" * 4


def digest_body(lines: int) -> str:
    """A realistic warning digest: one Chinese line per unit, a blank line every ten units."""
    rows = [f"- 某某县第{i:03d}号单位：超编 {i % 7 + 1} 人，应于 5 个工作日内整改（依据《机构编制管理条例》）"
            + ("\n" if i % 10 == 9 else "") for i in range(lines)]
    return "\n".join(rows)


def digest(lines: int, **overrides: object) -> Message:
    fields: dict[str, object] = {"title": "超编预警汇总", "body": digest_body(lines), "idempotency_key": "digest-1"}
    return Message(**{**fields, **overrides})
