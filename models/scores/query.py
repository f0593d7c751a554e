"""Reading scores: a month's runs, a run's red/black/apart lists, one unit's breakdown with a link to
every object a deduction traces to, and the officer's appeal inbox. Lines and deductions are read
as stored (a published run is never recomputed). A unit's breakdown and appeals answer only inside
the reader's scope; published lists are public to every reader (they are shown on home pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.regions import region_choices
from models.core.enums import Level, label
from models.scores.tables import APPEAL, DEDUCTION, SCORE_LINE, SCORE_RUN
from models.scores.weights import APPEAL_STATUS, KINDS, LIST_LABELS, REF_LABELS, RUN_STATUS, region_word
from models.staffing.scope import Scope
from models.staffing.tables import PERSON_EVENT, UNIT

LINKS = {"warning": "/warnings/{}", "item": "/items/{}", "unit_task": "/tasks/{}", "person": "/persons/{}"}


@dataclass(frozen=True)
class RunView:
    id: int
    month: str
    region_code: str
    level: str
    status: str
    as_of: date
    preview_until: date | None
    units: int
    weights: dict[str, Any]
    published_by: str | None
    published_at: datetime | None
    version: int
    region_name: str = ""

    @property
    def status_label(self) -> str:
        return RUN_STATUS.get(self.status, "")

    @property
    def scope_label(self) -> str:
        return f"{self.region_name or '全部地区'} · {label(Level, self.level)}"


@dataclass(frozen=True)
class LineView:
    unit_id: int
    unit_code: str
    unit_name: str
    score: float
    deducted: float
    s1_count: int
    checks: int
    persons: int
    rank: int | None
    list_kind: str | None
    reasons: dict[str, Any]

    @property
    def list_label(self) -> str:
        return LIST_LABELS.get(self.list_kind or "", "")

    @property
    def reason_lines(self) -> list[str]:
        return [f"{KINDS.get(kind, kind)} {v['count']}项，扣{v['points']:g}分" for kind, v in self.reasons.items()]


@dataclass(frozen=True)
class DeductionView:
    id: int
    kind: str
    points: float
    ref_type: str
    ref_id: int
    note: str
    removed: bool
    link: str | None
    appeal_id: int | None
    appeal_status: str | None
    appeal_reason: str | None
    decision_note: str | None
    appeal_version: int | None

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def ref_label(self) -> str:
        return REF_LABELS.get(self.ref_type, "")

    @property
    def appeal_label(self) -> str:
        return APPEAL_STATUS.get(self.appeal_status or "", "")


_RUN_FIELDS = [c for c in RunView.__dataclass_fields__ if c != "region_name"]


async def _runs(session: AsyncSession, query: Any) -> list[RunView]:
    names = {r.code: region_word(r.name) for r in await region_choices(session)}
    return [RunView(**{f: row._mapping[f] for f in _RUN_FIELDS}, region_name=names.get(row.region_code, ""))
            for row in await session.execute(query)]


async def months(session: AsyncSession) -> list[str]:
    query = select(SCORE_RUN.c.month).distinct().order_by(SCORE_RUN.c.month.desc())
    return [m for (m,) in await session.execute(query)]


async def runs_of(session: AsyncSession, *, month: str) -> list[RunView]:
    query = select(SCORE_RUN).where(SCORE_RUN.c.month == month).order_by(SCORE_RUN.c.region_code, SCORE_RUN.c.level)
    return await _runs(session, query)


async def run_by_id(session: AsyncSession, *, run_id: int) -> RunView | None:
    found = await _runs(session, select(SCORE_RUN).where(SCORE_RUN.c.id == run_id))
    return found[0] if found else None


async def latest_published(session: AsyncSession) -> list[RunView]:
    """The runs of the latest month with a published run (what home pages show)."""
    month = await session.scalar(select(SCORE_RUN.c.month).where(SCORE_RUN.c.status == "published")
                                 .order_by(SCORE_RUN.c.month.desc()).limit(1))
    if month is None:
        return []
    query = (select(SCORE_RUN).where(SCORE_RUN.c.month == month, SCORE_RUN.c.status == "published")
             .order_by(SCORE_RUN.c.region_code, SCORE_RUN.c.level))
    return await _runs(session, query)


def _lines_query() -> Any:
    return (select(SCORE_LINE.c.unit_id, UNIT.c.code.label("unit_code"), UNIT.c.name.label("unit_name"),
                   SCORE_LINE.c.score, SCORE_LINE.c.deducted, SCORE_LINE.c.s1_count, SCORE_LINE.c.checks,
                   SCORE_LINE.c.persons, SCORE_LINE.c.rank, SCORE_LINE.c.list_kind, SCORE_LINE.c.reasons)
            .join(UNIT, UNIT.c.id == SCORE_LINE.c.unit_id))


async def listed(session: AsyncSession, *, run_id: int, kind: str, limit: int = 200) -> list[LineView]:
    """One list of a run: red (best first), black (worst first) or apart (by code)."""
    query = _lines_query().where(SCORE_LINE.c.run_id == run_id, SCORE_LINE.c.list_kind == kind)
    order = {"red": (SCORE_LINE.c.rank,), "black": (SCORE_LINE.c.rank.desc(),)}.get(kind, (UNIT.c.code,))
    return [LineView(**dict(r._mapping)) for r in await session.execute(query.order_by(*order).limit(limit))]


async def unit_lines(session: AsyncSession, *, scope: Scope, limit: int = 12) -> list[tuple[RunView, LineView]]:
    """The reader's units' lines, newest month first (a steward's own scores)."""
    query = (_lines_query().add_columns(SCORE_LINE.c.run_id).where(scope.condition())
             .join(SCORE_RUN, SCORE_RUN.c.id == SCORE_LINE.c.run_id)
             .order_by(SCORE_RUN.c.month.desc(), UNIT.c.code).limit(limit))
    rows = (await session.execute(query)).all()
    found = []
    for r in rows:
        run = await run_by_id(session, run_id=r.run_id)
        values = {k: v for k, v in r._mapping.items() if k != "run_id"}
        found.append((run, LineView(**values)))
    return [(run, line) for run, line in found if run is not None]


async def line_of(session: AsyncSession, *, scope: Scope, run_id: int, unit_id: int) -> LineView | None:
    query = _lines_query().where(SCORE_LINE.c.run_id == run_id, SCORE_LINE.c.unit_id == unit_id, scope.condition())
    row = (await session.execute(query)).first()
    return LineView(**dict(row._mapping)) if row else None


async def deductions_of(session: AsyncSession, *, run_id: int, unit_id: int) -> list[DeductionView]:
    """Call only after :func:`line_of` answered for the reader (the scope check)."""
    query = (select(DEDUCTION, APPEAL.c.id.label("appeal_id"), APPEAL.c.status.label("appeal_status"),
                    APPEAL.c.reason.label("appeal_reason"), APPEAL.c.decision_note, APPEAL.c.version.label("av"),
                    PERSON_EVENT.c.person_id)
             .outerjoin(APPEAL, APPEAL.c.deduction_id == DEDUCTION.c.id)
             .outerjoin(PERSON_EVENT,
                        (DEDUCTION.c.ref_type == "person_event") & (PERSON_EVENT.c.id == DEDUCTION.c.ref_id))
             .where(DEDUCTION.c.run_id == run_id, DEDUCTION.c.unit_id == unit_id)
             .order_by(DEDUCTION.c.kind, DEDUCTION.c.id))
    return [DeductionView(r.id, r.kind, r.points, r.ref_type, r.ref_id, r.note, r.removed, _link(r), r.appeal_id,
                          r.appeal_status, r.appeal_reason, r.decision_note, r.av)
            for r in await session.execute(query)]


def _link(row: Any) -> str | None:
    if row.ref_type == "person_event":
        return LINKS["person"].format(row.person_id) if row.person_id else None
    if row.ref_type == "selfcheck":
        return "/selfcheck"
    pattern = LINKS.get(row.ref_type)
    return pattern.format(row.ref_id) if pattern else None


@dataclass(frozen=True)
class AppealView:
    id: int
    run_id: int
    month: str
    unit_id: int
    unit_name: str
    filed_by: str
    filed_at: datetime
    reason: str
    status: str
    decision_note: str | None
    version: int
    kind: str
    points: float
    note: str

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return APPEAL_STATUS.get(self.status, "")


async def appeals(session: AsyncSession, *, scope: Scope, status: str | None = "pending",
                  limit: int = 100) -> list[AppealView]:
    query = (select(APPEAL.c.id, APPEAL.c.run_id, SCORE_RUN.c.month, APPEAL.c.unit_id, UNIT.c.name.label("unit_name"),
                    APPEAL.c.filed_by, APPEAL.c.filed_at, APPEAL.c.reason, APPEAL.c.status, APPEAL.c.decision_note,
                    APPEAL.c.version, DEDUCTION.c.kind, DEDUCTION.c.points, DEDUCTION.c.note)
             .join(DEDUCTION, DEDUCTION.c.id == APPEAL.c.deduction_id)
             .join(SCORE_RUN, SCORE_RUN.c.id == APPEAL.c.run_id)
             .join(UNIT, UNIT.c.id == APPEAL.c.unit_id).where(scope.condition())
             .order_by(APPEAL.c.filed_at, APPEAL.c.id).limit(limit))
    if status:
        query = query.where(APPEAL.c.status == status)
    return [AppealView(**dict(r._mapping)) for r in await session.execute(query)]


async def run_unit_ids(session: AsyncSession, *, run_id: int) -> list[int]:
    """The units a run ranks (or lists apart): who hears when it is published."""
    return [int(u) for u in await session.scalars(select(SCORE_LINE.c.unit_id).where(SCORE_LINE.c.run_id == run_id))]


@dataclass(frozen=True)
class DeductionTarget:
    """One deduction as the appeal form shows it (only inside the reader's scope)."""

    id: int
    run_id: int
    unit_id: int
    unit_name: str
    month: str
    run_status: str
    run_version: int
    preview_until: date | None
    kind: str
    points: float
    note: str
    removed: bool
    appeal_id: int | None

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


async def deduction_in_scope(session: AsyncSession, *, scope: Scope, deduction_id: int) -> DeductionTarget | None:
    query = (select(DEDUCTION.c.id, DEDUCTION.c.run_id, DEDUCTION.c.unit_id, UNIT.c.name.label("unit_name"),
                    SCORE_RUN.c.month, SCORE_RUN.c.status.label("run_status"), SCORE_RUN.c.version.label("run_version"),
                    SCORE_RUN.c.preview_until, DEDUCTION.c.kind, DEDUCTION.c.points, DEDUCTION.c.note,
                    DEDUCTION.c.removed, APPEAL.c.id.label("appeal_id"))
             .join(SCORE_RUN, SCORE_RUN.c.id == DEDUCTION.c.run_id).join(UNIT, UNIT.c.id == DEDUCTION.c.unit_id)
             .outerjoin(APPEAL, APPEAL.c.deduction_id == DEDUCTION.c.id)
             .where(DEDUCTION.c.id == deduction_id, scope.condition()))
    row = (await session.execute(query)).first()
    return DeductionTarget(**dict(row._mapping)) if row else None


@dataclass(frozen=True)
class PublishedList:
    run: RunView
    red: list[LineView]
    black: list[LineView]


async def latest_lists(session: AsyncSession, *, size: int = 5, runs: int = 3) -> list[PublishedList]:
    """The red and black lists of the latest published month (home pages: portal/templates/scores/_latest.html)."""
    found: list[PublishedList] = []
    for run in sorted(await latest_published(session), key=lambda r: -r.units):  # the largest scopes first
        if len(found) == runs:
            break
        red = await listed(session, run_id=run.id, kind="red", limit=size)
        if red:  # a scope with nobody ranked has no list to show
            found.append(PublishedList(run, red, await listed(session, run_id=run.id, kind="black", limit=size)))
    return found


async def readable(session: AsyncSession, *, scope: Scope, unit_ids: list[int]) -> set[int]:
    """Which of the listed units the reader may open (their breakdown links); the others show no link."""
    query = select(UNIT.c.id).where(UNIT.c.id.in_(unit_ids), scope.condition())
    return set(await session.scalars(query)) if unit_ids else set()
