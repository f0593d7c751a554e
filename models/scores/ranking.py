"""Ranking one run's units (pure, no SQL): score, rank, red/black/apart.

- A unit with fewer than ``min_persons`` active persons is listed apart (不参与排名): too little data
  for its score to mean anything.
- The others are ordered by score (high first); ties are broken by fewer S1 deductions, then more
  counting self-checks in the month, then the unit code. Ranks are 1..n with no shared places.
- Red list: the first ``list_size``. Black list: the last ``list_size`` that are not red and lost
  at least one point (a unit with a clean 100 is never black, even in a small scope). A scope with
  fewer than twice ``list_size`` ranked units gives the red list the better half (rounded up) and
  the black list the rest, so a small scope is not all red. A unit scoring the same as one on the
  red list is never black: a tie-break may order equal scores, not put them on opposite lists.
- Score = max(0, 100 − the sum of the points of its deductions not removed by an appeal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Tally:
    """One unit's figures before ranking."""

    unit_id: int
    code: str
    persons: int
    checks: int
    deducted: float = 0.0
    s1_count: int = 0
    reasons: dict[str, Any] = field(default_factory=dict)  # {kind: {"count": n, "points": p}}


@dataclass(frozen=True)
class Line:
    tally: Tally
    score: float
    rank: int | None = None
    list_kind: str | None = None

    def row(self, run_id: int) -> dict[str, Any]:
        t = self.tally
        return {"run_id": run_id, "unit_id": t.unit_id, "score": self.score, "deducted": t.deducted,
                "s1_count": t.s1_count, "checks": t.checks, "persons": t.persons, "rank": self.rank,
                "list_kind": self.list_kind, "reasons": t.reasons}


def score_of(deducted: float) -> float:
    return round(max(0.0, 100.0 - deducted), 2)


def rank(tallies: Iterable[Tally], *, min_persons: int, list_size: int) -> list[Line]:
    lines = [Line(t, score_of(t.deducted)) for t in tallies]
    apart = [replace(line, list_kind="apart") for line in lines if line.tally.persons < min_persons]
    ranked = sorted((line for line in lines if line.tally.persons >= min_persons),
                    key=lambda ln: (-ln.score, ln.tally.s1_count, -ln.tally.checks, ln.tally.code))
    total = len(ranked)
    red, black = min(list_size, (total + 1) // 2), min(list_size, total // 2)
    placed = [replace(line, rank=n, list_kind=_list_of(line, n, total, red, black))
              for n, line in enumerate(ranked, start=1)]
    lowest_red = min((line.score for line in placed if line.list_kind == "red"), default=None)
    placed = [replace(line, list_kind=None) if line.list_kind == "black" and line.score == lowest_red else line
              for line in placed]
    return placed + sorted(apart, key=lambda ln: ln.tally.code)


def _list_of(line: Line, place: int, total: int, red: int, black: int) -> str | None:
    if place <= red:
        return "red"
    if place > total - black and line.score < 100:
        return "black"
    return None
