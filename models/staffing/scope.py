"""Which units a reader may see, as a value: resolved once per request, applied in every query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, true

from models.staffing.tables import UNIT


@dataclass(frozen=True)
class Scope:
    """What an account may see, resolved once per request."""

    everything: bool
    units: tuple[int, ...] = ()
    subtrees: tuple[str, ...] = ()  # unit paths; a prefix match covers the unit and its descendants

    def condition(self) -> ColumnElement[bool]:
        if self.everything:
            return true()
        parts = [UNIT.c.path.startswith(path, autoescape=True) for path in self.subtrees]
        if self.units:
            parts.append(UNIT.c.id.in_(self.units))
        return or_(*parts) if parts else false()
