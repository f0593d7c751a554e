"""Which digest group a target hears about a unit in (the targets themselves: :mod:`models.notify.audience`)."""

from __future__ import annotations

from models.notify.audience import TargetRef


def group_key(target: TargetRef, unit_id: int) -> str:
    return f"u{unit_id}" if target.group_by == "unit" else "all"
